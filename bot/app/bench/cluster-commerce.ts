/**
 * bench:cluster's money part: concurrent coupon claims and points redemptions spread over the
 * instances through the web chat socket (what a visitor's browser does: the claim is the card
 * button's typed action, the redemption `!redeem <id>`), then exactly-once checked in the store.
 * Each visitor comes from its own loopback address (127.1.x.y), as distinct visitors behind a load
 * balancer would, so the per-address limits apply per visitor; "busy" and "rate limited" (the
 * message never reached the bot) are sent again with the same client id, as the page does.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { Coupon } from '../../../data/catalog/types.js';
import type { Store } from '../../../data/store.js';

export interface CommerceOptions {
  /** Base URLs of the running instances (`http://127.0.0.1:port`). */
  instances: readonly string[];
  store: Store;
  claims: number;
  claimStock: number;
  redemptions: number;
  rewardStock: number;
  row: (k: string, v: string | number) => void;
}

const COUPON = 'cpn-bench-cluster';
const REWARD = 'bench-cluster';
const PRICE = 10;
/** Each redeeming visitor sends two redemptions at once to two instances but can pay for one. */
const START_POINTS = 15;
const REPLY_TIMEOUT_MS = 120_000;

interface Request { visitor: string; instance: string; frame: Record<string, unknown>; address: string }
interface Outcome { text: string; retries: number; ms: number }

export async function commerce(o: CommerceOptions): Promise<void> {
  const { store, row } = o;
  const expires = new Date(Date.now() + 30 * 86_400_000).toISOString();
  const coupon: Coupon = {
    id: COUPON, kind: 'coupon', title: 'Bench cluster coupon', description: 'bench:cluster', language: 'en', price: 0, currency: 'USD',
    link: 'https://example.com/bench', sponsored: false, disclosure: null, topics: ['restaurant'], partner: 'bench', category: 'restaurant',
    cuisine: null, city: null, area: null, discount: '10% off', value: null, stock: o.claimStock, expiresAt: expires,
    // Above one, so that a resent claim getting a second code would show (not be refused by the limit).
    perUserLimit: 5, terms: null,
  };
  const rewardCoupon: Coupon = { ...coupon, id: `${COUPON}-reward`, title: 'Bench cluster reward coupon', stock: o.rewardStock + 50 };
  await store.catalog.upsert([coupon, rewardCoupon]);
  await store.loyalty.rewards.put({ id: REWARD, name: 'Bench reward', price: PRICE, stock: o.rewardStock, kind: 'coupon', couponItemId: rewardCoupon.id });

  const at = (i: number) => o.instances[i % o.instances.length]!;
  const address = (n: number) => `127.1.${(n >> 8) & 255}.${n & 255}`;
  let n = 0;

  // Claims: one per visitor, round-robin over the instances; every 10th resent at once (same
  // client id) to the next instance, as a double tap landing on another instance would be.
  const claimers = Array.from({ length: o.claims }, () => randomUUID());
  const claimReqs: Request[] = [];
  claimers.forEach((visitor, i) => {
    const frame = { type: 'message', text: 'Claim code', clientId: `claim${i}`, action: { kind: 'claim', itemId: COUPON } };
    const addr = address(++n);
    claimReqs.push({ visitor, instance: at(i), frame, address: addr });
    if (i % 10 === 0) claimReqs.push({ visitor, instance: at(i + 1), frame, address: addr });
  });

  // Redemptions: two per visitor (different client ids) on two instances at once; every 10th
  // visitor's first one resent to the third instance with the same client id.
  const redeemers = Array.from({ length: Math.ceil(o.redemptions / 2) }, () => randomUUID());
  const userOf = new Map<string, number>();
  for (const visitor of redeemers) {
    const userId = await store.conversations.resolveUser('web', visitor, `Visitor ${visitor.replace(/-/g, '').slice(0, 4).toUpperCase()}`);
    userOf.set(visitor, userId);
    await store.loyalty.points.apply({ userId, delta: START_POINTS, reason: 'grant', key: `bench:${visitor}`, platform: 'web', note: 'bench:cluster' });
  }
  const redeemReqs: Request[] = [];
  redeemers.forEach((visitor, i) => {
    const addr = address(++n);
    for (const k of [0, 1]) {
      if (redeemReqs.filter((r) => !r.frame['resend']).length >= o.redemptions) break;
      redeemReqs.push({ visitor, instance: at(i + k), frame: { type: 'message', text: `!redeem ${REWARD}`, clientId: `redeem${i}x${k}` }, address: addr });
    }
    if (i % 10 === 0) redeemReqs.push({ visitor, instance: at(i + 2), frame: { type: 'message', text: `!redeem ${REWARD}`, clientId: `redeem${i}x0`, resend: true }, address: addr });
  });

  let t0 = performance.now();
  const claimOut = await Promise.all(claimReqs.map(ask));
  const claimS = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const redeemOut = await Promise.all(redeemReqs.map(ask));
  const redeemS = (performance.now() - t0) / 1000;

  // Exactly-once, from the store.
  const codes: string[] = [];
  let twoCodes = 0;
  let replyMismatch = 0;
  for (const visitor of claimers) {
    const userId = await store.conversations.resolveUser('web', visitor, 'x');
    const held = (await store.coupons.held(userId)).filter((c) => c.itemId === COUPON);
    if (held.length > 1) twoCodes += 1;
    codes.push(...held.map((c) => c.code));
    // Every reply to this visitor (the resend included) shows its one code, or says it's gone.
    for (const [j, r] of claimReqs.entries()) if (r.visitor === visitor && held[0] && !claimOut[j]!.text.includes(held[0].code)) replyMismatch += 1;
  }
  const stockLeft = ((await store.catalog.get(COUPON)) as Coupon | undefined)?.stock;
  const expectedCodes = Math.min(o.claimStock, claimers.length);
  row('claims: requests over the instances (resent, same client id)', `${claimReqs.length} (${claimReqs.length - claimers.length}) from ${claimers.length} visitors in ${claimS.toFixed(1)} s; ${sum(claimOut, 'retries')} busy/rate-limited sends retried`);
  row('claims: codes issued / min(stock, visitors) (must be equal)', `${codes.length} / ${expectedCodes} (stock ${o.claimStock}, left ${stockLeft})`);
  row('claims: codes given twice / visitors with 2 codes (must be 0)', `${codes.length - new Set(codes).size} / ${twoCodes}`);
  row('claims: replies not showing the visitor\'s code (must be 0)', replyMismatch);
  row('claims: reply latency p50 / p99', latency(claimOut));

  let redeemed = 0;
  let overspent = 0;
  let badBalance = 0;
  const keys: string[] = [];
  for (const visitor of redeemers) {
    const userId = userOf.get(visitor)!;
    const entries = (await store.loyalty.points.entries({ userId })).filter((e) => e.reason === 'redeem');
    redeemed += entries.length;
    keys.push(...entries.map((e) => e.key));
    if (entries.length * PRICE > START_POINTS) overspent += 1;
    if ((await store.loyalty.points.balance(userId)) !== START_POINTS - PRICE * entries.length) badBalance += 1;
  }
  const mismatches = await store.loyalty.points.reconcile();
  const rewardLeft = (await store.loyalty.rewards.get(REWARD))?.stock;
  const sent = redeemReqs.filter((r) => !r.frame['resend']).length;
  row('redemptions: requests over the instances (resent, same client id)', `${redeemReqs.length} (${redeemReqs.length - sent}) from ${redeemers.length} visitors, ${START_POINTS} points each, price ${PRICE}, in ${redeemS.toFixed(1)} s; ${sum(redeemOut, 'retries')} retried`);
  row('redemptions: done / min(reward stock, visitors) (must be equal)', `${redeemed} / ${Math.min(o.rewardStock, redeemers.length)} (stock ${o.rewardStock}, left ${rewardLeft})`);
  row('redemptions: ledger keys twice / visitors overspent (must be 0)', `${keys.length - new Set(keys).size} / ${overspent}`);
  row('points: balances off the ledger (must be 0; also points export)', `${badBalance} visitors, ${mismatches.length} cached balances`);
  row('redemptions: reply latency p50 / p99', latency(redeemOut));
}

/** Sends one frame on its own socket from its own address; resolves with the first bot reply. */
function ask(r: Request): Promise<Outcome> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    let retries = 0;
    const ws = new WebSocket(`${r.instance.replace(/^http/, 'ws')}/ws?visitor=${r.visitor}`, { localAddress: r.address });
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no reply within ${REPLY_TIMEOUT_MS / 1000} s from ${r.instance} to ${JSON.stringify(r.frame)}`));
    }, REPLY_TIMEOUT_MS);
    const frame = JSON.stringify(Object.fromEntries(Object.entries(r.frame).filter(([k]) => k !== 'resend')));
    ws.on('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`${r.instance} refused the socket: HTTP ${res.statusCode}`));
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { type: string; code?: string; message?: { role: string; text: string } };
      if (f.type === 'history') return void ws.send(frame);
      if (f.type === 'error' && (f.code === 'busy' || f.code === 'rate_limited')) {
        retries += 1;
        setTimeout(() => ws.readyState === ws.OPEN && ws.send(frame), 200 + Math.random() * 300);
        return;
      }
      if (f.type === 'message' && f.message?.role === 'bot') {
        clearTimeout(timer);
        ws.close();
        resolve({ text: f.message.text, retries, ms: performance.now() - t0 });
      }
    });
  });
}

function sum(outs: Outcome[], k: 'retries'): number {
  return outs.reduce((a, o) => a + o[k], 0);
}

function latency(outs: Outcome[]): string {
  const ms = outs.map((o) => o.ms).sort((a, b) => a - b);
  const q = (p: number) => `${((ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0) / 1000).toFixed(1)} s`;
  return `${q(0.5)} / ${q(0.99)}`;
}
