import { readFileSync } from 'node:fs';
import { openTestStore } from './stores.js';
import { readyThenGo } from './worker-start.js';

/**
 * A separate process sending billable events on a shared database file
 * (test/e2e/campaign-billing-two-processes). argv: <db> <tokens-json-file> <json [[userId, requestId], ...]>.
 * Even request numbers click their impression token (`/r/` path); odd ones claim the coupon.
 * Prints "ready", waits for "go", fires everything at once, prints {results: [[requestId, ok], ...]}.
 */
const [dbPath, tokensFile, requestsJson] = process.argv.slice(2);
if (!dbPath || !tokensFile || !requestsJson) throw new Error('usage: billing-worker <db> <tokens-file> <requests-json>');
const tokens = JSON.parse(readFileSync(tokensFile, 'utf8')) as Record<string, string>;
const requests = JSON.parse(requestsJson) as [number, string][];
const store = await openTestStore(dbPath);
await readyThenGo();
const results = await Promise.all(requests.map(async ([userId, requestId]): Promise<[string, boolean]> => {
  const n = Number(requestId.slice('req-'.length));
  if (n % 2 === 0) return [requestId, await store.tracking.recordClick(tokens[requestId]!)];
  const claim = await store.coupons.claim({ itemId: 'cpn-paid', userId, requestId, platform: 'web', channel: `pid-${process.pid}` });
  return [requestId, claim.ok && claim.status === 'claimed'];
}));
await store.close();
process.stdout.write(`${JSON.stringify({ results })}\n`);
