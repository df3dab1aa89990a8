import { openTestStore } from './stores.js';
import type { RedeemResult } from '../../data/loyalty.js';
import { readyThenGo } from './worker-start.js';

/**
 * A separate process redeeming rewards on a shared database file (test/e2e/loyalty-*.test.ts).
 * argv: <db> <rewardId> <json [[userId, requestId], ...]>. Prints "ready", waits for "go" on
 * stdin, fires every redemption at once, prints one JSON line {results: [[requestId, RedeemResult], ...]}.
 * With LOYALTY_HANG_AFTER_DEDUCT=1 it prints "deducted" inside the first redemption's transaction,
 * after the points left and before the code is issued, and hangs there until it is killed.
 */
const [dbPath, rewardId, requestsJson] = process.argv.slice(2);
if (!dbPath || !rewardId || !requestsJson) throw new Error('usage: redeem-worker <db> <rewardId> <requests-json>');
const requests = JSON.parse(requestsJson) as [number, string][];
const hang = process.env['LOYALTY_HANG_AFTER_DEDUCT'] === '1';
const store = await openTestStore(dbPath, hang ? {
  loyalty: {
    onDeducted: () => {
      process.stdout.write('deducted\n');
      return new Promise<void>(() => setInterval(() => undefined, 1000));
    },
  },
} : {});
await readyThenGo();
const results = await Promise.all(requests.map(async ([userId, requestId]): Promise<[string, RedeemResult]> =>
  [requestId, await store.loyalty.points.redeem({ userId, rewardId, requestId, platform: 'web', channel: `pid-${process.pid}` })]));
await store.close();
process.stdout.write(`${JSON.stringify({ results })}\n`);
