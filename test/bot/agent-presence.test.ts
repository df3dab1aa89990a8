import assert from 'node:assert/strict';
import { AgentPresence } from '../../bot/agent-presence.js';

describe('bot/agent-presence: agents online across instances', () => {
  it('adds the other instances\' latest counts to the local one, forgets silent instances, announces on change and heartbeat', () => {
    let now = 0;
    const p = new AgentPresence({ self: 'A', heartbeatMs: 5_000, staleMs: 15_000, now: () => now });
    assert.equal(p.total(0), 0);
    p.report('B', 2);
    p.report('A', 7); // its own announcement coming back: the live local count counts instead
    assert.equal(p.total(1), 3);
    now = 10_000;
    p.report('C', 1);
    now = 16_000;
    assert.equal(p.total(0), 1, 'B went silent for longer than staleMs');
    p.report('C', 0);
    assert.equal(p.total(0), 0, 'an instance announcing 0 (or leaving) counts for nothing at once');

    now = 0;
    const q = new AgentPresence({ self: 'A', heartbeatMs: 5_000, now: () => now });
    assert.equal(q.shouldAnnounce(0), true, 'first time');
    assert.equal(q.shouldAnnounce(0), false);
    assert.equal(q.shouldAnnounce(1), true, 'changed');
    now = 4_999;
    assert.equal(q.shouldAnnounce(1), false);
    now = 5_000;
    assert.equal(q.shouldAnnounce(1), true, 'heartbeat');
  });
});
