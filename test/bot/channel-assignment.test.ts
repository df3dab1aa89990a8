import assert from 'node:assert/strict';
import { LocalLeaseStore } from '../../data/leases.js';
import { LocalMemberRegistry } from '../../data/members.js';
import { seededRng } from '../../recommender/random.js';
import { ChannelAssignment } from '../../bot/channel-assignment.js';

/** Several instances over one in-memory lease store and roster, on one fake clock. */
function world(channelCount: number, instanceCount: number) {
  let now = 1_000_000;
  const clock = () => now;
  const leases = new LocalLeaseStore(clock);
  const roster = new LocalMemberRegistry(clock);
  let channels = Array.from({ length: channelCount }, (_, i) => `chan${i}`);
  const joined = new Map<string, Set<string>>();
  const events: string[] = [];
  const make = (id: string) => {
    joined.set(id, new Set());
    return new ChannelAssignment({
      owner: id, group: 'twitch:bot', leases, members: roster, channels: () => channels, now: clock, random: seededRng(id.length * 7 + id.charCodeAt(id.length - 1)),
      join: (c) => { joined.get(id)!.add(c); events.push(`${id} join ${c}`); },
      part: (c) => { joined.get(id)!.delete(c); events.push(`${id} part ${c}`); },
    });
  };
  const instances = new Map(Array.from({ length: instanceCount }, (_, i) => [`i${i}`, make(`i${i}`)]));
  return {
    instances, joined, events, leases,
    get now() { return now; },
    advance(ms: number) { now += ms; },
    setChannels(list: string[]) { channels = list; },
    add(id: string) { const a = make(id); instances.set(id, a); return a; },
    /** Channels answered by more than one instance at this moment. */
    doubleHeld() {
      return channels.filter((c) => [...instances.values()].filter((a) => a.holds(c)).length > 1);
    },
  };
}

type World = ReturnType<typeof world>;

/** One round of every live instance, in turn, then `step` ms pass; checks no channel has two answerers. */
async function rounds(w: World, n: number, live: string[], step = 5_000): Promise<void> {
  for (let r = 0; r < n; r++) {
    for (const id of live) {
      await w.instances.get(id)!.tick();
      assert.deepEqual(w.doubleHeld(), [], 'never two instances answering one channel');
    }
    w.advance(step);
    assert.deepEqual(w.doubleHeld(), [], 'never two instances answering one channel');
  }
}

describe('bot/channel-assignment: channels spread over instances through leases', () => {
  it('every channel gets exactly one holder, spread fairly (at most ceil(channels/instances)+1 each)', async () => {
    const w = world(10, 3);
    await rounds(w, 4, ['i0', 'i1', 'i2']);
    const held = [...w.instances.values()].map((a) => a.channels());
    assert.deepEqual(held.flat().sort(), Array.from({ length: 10 }, (_, i) => `chan${i}`).sort());
    for (const h of held) assert.ok(h.length >= 2 && h.length <= 5, `fair share: ${h.length}`);
    for (const [id, a] of w.instances) assert.deepEqual([...w.joined.get(id)!].sort(), a.channels(), 'joined exactly what it holds');
  });

  it('a killed instance\'s channels are taken over once its leases expire, and it stops answering before that', async () => {
    const w = world(10, 3);
    await rounds(w, 3, ['i0', 'i1', 'i2']);
    const lost = w.instances.get('i2')!.channels();
    assert.ok(lost.length > 0);
    const diedAt = w.now;
    // i2 is "SIGKILLed": it never runs another round and releases nothing.
    let takenAt: number | undefined;
    for (let step = 0; step < 12 && takenAt === undefined; step++) {
      await rounds(w, 1, ['i0', 'i1'], 2_500);
      const survivors = [w.instances.get('i0')!, w.instances.get('i1')!];
      if (lost.every((c) => survivors.some((a) => a.holds(c)))) takenAt = w.now;
    }
    assert.ok(takenAt !== undefined, 'all of its channels were taken over');
    assert.ok(takenAt - diedAt <= 30_000, `taken over within 30 s (${takenAt - diedAt} ms)`);
    for (const c of lost) assert.equal(w.instances.get('i2')!.holds(c), false, 'the dead one would not answer any more');
  });

  it('after a takeover the survivors keep the channels: no shedding while the dead one is still on the members list', async () => {
    const w = world(30, 3);
    await rounds(w, 3, ['i0', 'i1', 'i2'], 3_000);
    const lost = w.instances.get('i2')!.channels();
    assert.ok(lost.length > 0);
    const survivors = [w.instances.get('i0')!, w.instances.get('i1')!];
    let step = 0;
    while (!lost.every((c) => survivors.some((a) => a.holds(c))) && step++ < 20) await rounds(w, 1, ['i0', 'i1'], 3_000);
    assert.ok(step <= 20, 'taken over');
    const eventsAfterTakeover = w.events.length;
    // Long enough for the dead instance to drop off the members list and the shares to settle.
    await rounds(w, 15, ['i0', 'i1'], 3_000);
    // Once the dead one is off the list, one rebalancing between the survivors may move channels;
    // what must not happen is an instance parting channels and taking them back (PART/JOIN churn).
    const after = w.events.slice(eventsAfterTakeover);
    const churn = after.filter((e, i) => e.includes(' part ') && after.slice(i + 1).includes(e.replace(' part ', ' join ')));
    assert.deepEqual(churn, [], 'no channel parted and re-joined by the same instance after the takeover');
    const parted = after.filter((e) => e.includes(' part ')).map((e) => e.split(' ')[2]);
    assert.equal(new Set(parted).size, parted.length, 'a channel moves at most once');
    assert.equal(survivors.reduce((n, a) => n + a.channels().length, 0), 30);
  });

  it('a graceful stop parts and releases at once; the others take the channels at their next round', async () => {
    const w = world(6, 2);
    await rounds(w, 3, ['i0', 'i1']);
    const leaving = w.instances.get('i1')!.channels();
    assert.ok(leaving.length > 0);
    await w.instances.get('i1')!.stop();
    assert.deepEqual([...w.joined.get('i1')!], [], 'left every channel');
    for (const c of leaving) assert.equal(await w.leases.holder(`twitch:bot:channel:${c}`), null, 'released, not left to expire');
    await w.instances.get('i0')!.tick();
    assert.equal(w.instances.get('i0')!.channels().length, 6, 'taken at the next round, no expiry to wait for');
  });

  it('an instance that joins later gets a share: the others shed above their fair share', async () => {
    const w = world(12, 1);
    await rounds(w, 2, ['i0']);
    assert.equal(w.instances.get('i0')!.channels().length, 12);
    w.add('i1');
    w.add('i2');
    await rounds(w, 4, ['i0', 'i1', 'i2']);
    const counts = ['i0', 'i1', 'i2'].map((id) => w.instances.get(id)!.channels().length);
    assert.equal(counts.reduce((a, b) => a + b, 0), 12);
    for (const n of counts) assert.ok(n >= 3 && n <= 5, `shares ${counts.join('/')}`);
  });

  it('a lease lost to another holder is parted; a channel removed from the config is parted and released', async () => {
    const w = world(4, 1);
    const a = w.instances.get('i0')!;
    await a.tick();
    assert.equal(a.channels().length, 4);
    // Its leases ran out (say Redis was unreachable for longer than the TTL) and another took one.
    w.advance(20_000);
    assert.equal(a.holds('chan0'), false, 'not answering on a lease it could not renew');
    assert.equal(await w.leases.acquire('twitch:bot:channel:chan0', 'other', 15_000), true);
    w.setChannels(['chan0', 'chan1', 'chan2']);
    await a.tick();
    assert.deepEqual(a.channels(), ['chan1', 'chan2']);
    assert.ok(w.events.includes('i0 part chan0') && w.events.includes('i0 part chan3'));
    assert.equal(await w.leases.holder('twitch:bot:channel:chan3'), null);
    assert.equal(await w.leases.holder('twitch:bot:channel:chan0'), 'other');
  });
});
