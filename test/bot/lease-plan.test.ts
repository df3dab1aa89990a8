import assert from 'node:assert/strict';
import { planLeases } from '../../bot/lease-plan.js';

const keys = ['s0', 's1', 's2', 's3'];
const holders = (h: Record<string, string>) => new Map(keys.map((k) => [k, h[k] ?? null]));

describe('planLeases: sharing leased work among live instances', () => {
  it('alone, an instance takes every free key', () => {
    assert.deepEqual(planLeases({ keys, members: ['a'], me: 'a', holders: holders({}) }), { share: 4, take: keys, release: [] });
  });

  it('counts itself even when missing from the members it was given', () => {
    assert.equal(planLeases({ keys, members: ['b'], me: 'a', holders: holders({}) }).share, 2);
  });

  it('over its share (another instance joined), it gives back the last keys it holds and takes nothing', () => {
    const plan = planLeases({ keys, members: ['a', 'b'], me: 'a', holders: holders({ s0: 'a', s1: 'a', s2: 'a', s3: 'a' }) });
    assert.deepEqual(plan, { share: 2, take: [], release: ['s2', 's3'] });
  });

  it('under its share, it tries the free keys in order; held ones are never candidates', () => {
    const plan = planLeases({ keys, members: ['a', 'b'], me: 'b', holders: holders({ s0: 'a', s1: 'a' }) });
    assert.deepEqual(plan, { share: 2, take: ['s2', 's3'], release: [] });
    assert.deepEqual(planLeases({ keys, members: ['a', 'b'], me: 'b', holders: holders({ s0: 'a', s1: 'b', s2: 'b', s3: 'a' }) }).take, []);
  });

  it('a dead instance: once its member entry and leases expired, the survivor takes everything', () => {
    assert.deepEqual(planLeases({ keys, members: ['a'], me: 'a', holders: holders({ s0: 'a', s1: 'a' }) }).take, ['s2', 's3']);
  });

  it('uneven counts round up, so every key has room somewhere', () => {
    assert.equal(planLeases({ keys: ['s0', 's1', 's2'], members: ['a', 'b'], me: 'a', holders: new Map() }).share, 2);
  });
});
