import assert from 'node:assert/strict';
import { WorkIntake } from '../../adapters/web/intake.js';

describe('adapters/web intake (fake clock)', () => {
  it('readiness turns degraded when a message has waited, or recent answers took, longer than lateAnswerMs', async () => {
    let now = 0;
    const intake = new WorkIntake({ concurrency: 1, lateAnswerMs: 1000, now: () => now });
    let finish!: () => void;
    const first = new Promise<void>((r) => { finish = r; });
    intake.submit('a', 'v1', () => first);
    intake.submit('b', 'v2', async () => undefined);
    assert.equal(intake.readiness().status, 'ok');
    now = 1500;
    assert.deepEqual(intake.readiness().reasons.map((r) => r.split(':')[0]), ['late']);
    assert.equal(intake.stats().oldestWaitMs, 1500);
    finish();
    await intake.idle();
    // Nothing waits now, but the recent answers were late.
    const r = intake.readiness();
    assert.equal(r.status, 'degraded');
    assert.match(r.reasons[0]!, /recent answers took 1500 ms/);
    now += 31_000; // they are no longer recent
    assert.equal(intake.readiness().status, 'ok');
  });

  it('serves each source in turn and each visitor of a source in turn', async () => {
    const order: string[] = [];
    const intake = new WorkIntake({ concurrency: 1 });
    const job = (name: string) => async () => void order.push(name);
    let release!: () => void;
    intake.submit('x', 'hold', () => new Promise<void>((r) => { release = r; }));
    for (let i = 0; i < 3; i++) intake.submit('a', 'a1', job(`a1-${i}`));
    intake.submit('a', 'a2', job('a2-0'));
    intake.submit('b', 'b1', job('b1-0'));
    intake.submit('b', 'b1', job('b1-1'));
    release();
    await intake.idle();
    assert.deepEqual(order, ['a1-0', 'b1-0', 'a2-0', 'b1-1', 'a1-1', 'a1-2']);
  });
});
