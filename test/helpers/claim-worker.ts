import { openTestStore } from './stores.js';
import type { ClaimResult } from '../../data/partners.js';
import { readyThenGo } from './worker-start.js';

/**
 * A separate process claiming coupons on a shared database file (test/e2e/coupon-claims-two-processes).
 * argv: <db> <itemId> <json [[userId, requestId], ...]>. Prints "ready", waits for "go" on stdin,
 * fires every claim at once, prints one JSON line {results: [[requestId, ClaimResult], ...]}.
 */
const [dbPath, itemId, requestsJson] = process.argv.slice(2);
if (!dbPath || !itemId || !requestsJson) throw new Error('usage: claim-worker <db> <itemId> <requests-json>');
const requests = JSON.parse(requestsJson) as [number, string][];
const store = await openTestStore(dbPath);
await readyThenGo();
const results = await Promise.all(requests.map(async ([userId, requestId]): Promise<[string, ClaimResult]> =>
  [requestId, await store.coupons.claim({ itemId, userId, requestId, platform: 'web', channel: `pid-${process.pid}` })]));
await store.close();
process.stdout.write(`${JSON.stringify({ results })}\n`);
