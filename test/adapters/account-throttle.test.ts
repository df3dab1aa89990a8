import assert from 'node:assert/strict';
import { AccountThrottle } from '../../adapters/web/account-throttle.js';

describe('adapters/web account throttle (fake clock)', () => {
  it('free failures, then a doubling lock capped at the max; known addresses skip it; a success clears it', () => {
    let now = 0;
    const t = new AccountThrottle({ freeFailures: 2, baseBackoffMs: 1000, maxBackoffMs: 4000, now: () => now });
    t.succeed('Ana', '10.0.0.1');
    t.fail('ana');
    t.fail('ana');
    assert.equal(t.retryAfterS('ana', '10.9.9.9'), 0);
    const locks = [];
    for (let i = 0; i < 4; i++) {
      t.fail('ana');
      locks.push(t.retryAfterS('ANA ', '10.9.9.9'));
    }
    assert.deepEqual(locks, [1, 2, 4, 4]);
    assert.equal(t.retryAfterS('ana', '10.0.0.1'), 0);
    now += 4000;
    assert.equal(t.retryAfterS('ana', '10.9.9.9'), 0);
    t.fail('ana');
    assert.equal(t.retryAfterS('ana', '10.9.9.9'), 4);
    t.succeed('ana', '10.9.9.9');
    t.fail('ana');
    assert.equal(t.retryAfterS('ana', '10.5.5.5'), 0);
  });
});
