import assert from 'node:assert/strict';
import { runShutdown, type ShutdownClock } from '../../bot/shutdown.js';

/** A clock that only moves when a sleep is due: every step's budget is checked without waiting. */
function fakeClock(): ShutdownClock & { advance(ms: number): Promise<void> } {
  let now = 0;
  const sleepers: { at: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((wake) => sleepers.push({ at: now + ms, wake })),
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        await new Promise((r) => setImmediate(r));
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (!next || next.at > until) break;
        sleepers.shift();
        now = next.at;
        next.wake();
      }
      now = until;
    },
  };
}

describe('shutdown steps: budgets and the deadline', () => {
  it('runs steps in order; one that never finishes is abandoned at its budget and the rest still run', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    const ran: string[] = [];
    const done = runShutdown([
      { name: 'messages in flight', budgetMs: 4_000, run: async () => void ran.push('messages') },
      { name: 'platforms', budgetMs: 2_000, run: () => { ran.push('platforms'); return new Promise(() => undefined); } },
      { name: 'database', budgetMs: 1_500, run: async () => void ran.push('database') },
    ], { deadlineMs: 9_000, log: (l) => void log.push(l), clock });
    await clock.advance(10_000);
    const outcomes = await done;
    assert.deepEqual(ran, ['messages', 'platforms', 'database']);
    assert.deepEqual(outcomes.map((o) => [o.name, o.outcome]), [['messages in flight', 'done'], ['platforms', 'abandoned'], ['database', 'done']]);
    assert.equal(outcomes[1]!.ms, 2_000);
    assert.ok(log.some((l) => /platforms did not finish within 2000 ms; abandoned/.test(l)), log.join('\n'));
  });

  it('never runs past the deadline: later steps get what is left, or are skipped', async () => {
    const clock = fakeClock();
    const hang = () => new Promise<void>(() => undefined);
    const done = runShutdown([
      { name: 'a', budgetMs: 6_000, run: hang },
      { name: 'b', budgetMs: 6_000, run: hang },
      { name: 'c', budgetMs: 1_000, run: async () => undefined },
    ], { deadlineMs: 9_000, log: () => undefined, clock });
    await clock.advance(20_000);
    const outcomes = await done;
    assert.deepEqual(outcomes.map((o) => [o.name, o.outcome, o.ms]), [['a', 'abandoned', 6_000], ['b', 'abandoned', 3_000], ['c', 'skipped', 0]]);
  });

  it('a failing step is logged and the next runs; a step failing after it was abandoned does not crash', async () => {
    const clock = fakeClock();
    const log: string[] = [];
    let rejectLate!: (e: Error) => void;
    const done = runShutdown([
      { name: 'twitch', budgetMs: 100, run: () => new Promise<void>((_, reject) => { rejectLate = reject; }) },
      { name: 'web', budgetMs: 100, run: async () => { throw new Error('socket gone'); } },
    ], { deadlineMs: 1_000, log: (l) => void log.push(l), clock });
    await clock.advance(1_000);
    const outcomes = await done;
    rejectLate(new Error('late'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(outcomes.map((o) => o.outcome), ['abandoned', 'failed']);
    assert.ok(log.some((l) => /web failed: socket gone/.test(l)));
  });
});
