import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { userInfo } from 'node:os';
import type { PointsEntry } from '../../../data/loyalty.js';
import { REWARD_ID } from '../../../data/sql/reward-catalog.js';
import { withConfiguredStore } from '../store.js';

const PLATFORMS = ['twitch', 'discord', 'web', 'cli'];

const withStore = withConfiguredStore;

function fail(message: string): number {
  process.stderr.write(`crossfeed: ${message}\n`);
  return 1;
}

export interface PointsChangeOptions { config?: string; reason?: string; key?: string }

/** `crossfeed points grant|revoke <platform> <user> <n> --reason "..."`: one ledger entry, actor `cli:<login>`. */
export async function runPointsChange(o: PointsChangeOptions, verb: 'grant' | 'revoke', platform: string, user: string, n: string): Promise<number> {
  if (!PLATFORMS.includes(platform)) return fail(`platform must be one of ${PLATFORMS.join(', ')}`);
  const amount = Number(n);
  if (!Number.isSafeInteger(amount) || amount <= 0) return fail(`<n> must be a whole number of points above 0, not "${n}"`);
  if (!o.reason?.trim()) return fail('--reason is required (it is kept in the ledger)');
  return withStore(o, async (store) => {
    const userId = await store.conversations.resolveUser(platform, user, user);
    const r = await store.loyalty.points.apply({
      userId, delta: verb === 'grant' ? amount : -amount, reason: verb, note: o.reason!.trim(), actor: `cli:${userInfo().username}`,
      key: o.key ?? `cli:${randomUUID()}`, platform,
    });
    if (!r.ok) return fail(r.error === 'insufficient' ? `${platform} ${user} has ${r.balance} points; balances can't go below zero` : `refused: ${r.error}`);
    process.stdout.write(`${platform} ${user}: ${r.status === 'repeat' ? 'already applied' : verb === 'grant' ? `+${amount}` : `-${amount}`}, balance ${r.balance}\n`);
    return 0;
  });
}

export async function runPointsLeaderboard(o: { config?: string; channel?: string; limit: string }): Promise<number> {
  return withStore(o, async (store) => {
    const rows = await store.loyalty.points.leaderboard({ limit: Number(o.limit) || 10, ...(o.channel ? { scope: o.channel } : {}) });
    rows.forEach((r, i) => process.stdout.write(`${i + 1}\t${r.points}\t${r.displayName ?? `user ${r.userId}`}\n`));
    return 0;
  });
}

const HEADER = 'id,created_at,user_id,delta,reason,note,key,platform,channel,actor';

function csvField(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  // Quote what needs it, and defuse spreadsheet formulas in free text.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function ledgerCsvRow(e: PointsEntry): string {
  return [e.id, e.createdAt, e.userId, e.delta, e.reason, e.note, e.key, e.platform, e.channel, e.actor].map(csvField).join(',');
}

/** `crossfeed points export [--out file.csv]`: the whole ledger, oldest first, in pages. */
export async function runPointsExport(o: { config?: string; out?: string }): Promise<number> {
  return withStore(o, async (store) => {
    const out = o.out ? createWriteStream(o.out) : process.stdout;
    const write = (s: string) => new Promise<void>((resolve, reject) => out.write(s, (err) => (err ? reject(err) : resolve())));
    await write(`${HEADER}\n`);
    let afterId = 0;
    let n = 0;
    for (;;) {
      const page = await store.loyalty.points.entries({ afterId, limit: 5000 });
      if (!page.length) break;
      await write(page.map((e) => `${ledgerCsvRow(e)}\n`).join(''));
      afterId = page[page.length - 1]!.id;
      n += page.length;
    }
    if (o.out) {
      await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
      process.stderr.write(`exported ${n} ledger entries to ${o.out}\n`);
    }
    const mismatches = await store.loyalty.points.reconcile();
    if (mismatches.length) return fail(`${mismatches.length} cached balances differ from the ledger: ${JSON.stringify(mismatches.slice(0, 5))}`);
    return 0;
  });
}

export interface RewardAddOptions { config?: string; name: string; price: string; stock?: string; coupon?: string; code?: string; channel?: string }

/** `crossfeed rewards add <id> --name ... --price n (--coupon <item id> | --code TEXT) [--stock n] [--channel platform:channel]`. */
export async function runRewardsAdd(o: RewardAddOptions, id: string): Promise<number> {
  if (!REWARD_ID.test(id)) return fail('reward id: lowercase letters, digits, _ or -, at most 40');
  if ((o.coupon === undefined) === (o.code === undefined)) return fail('give exactly one of --coupon <catalog coupon id> or --code <discount code>');
  const price = Number(o.price);
  const stock = o.stock === undefined ? null : Number(o.stock);
  if (!Number.isSafeInteger(price) || price <= 0) return fail('--price: a whole number of points above 0');
  if (stock !== null && (!Number.isSafeInteger(stock) || stock < 0)) return fail('--stock: a whole number, 0 or more');
  if (o.channel !== undefined && !/^(twitch|discord|web|cli):\S+$/.test(o.channel)) return fail('--channel: platform:channel, e.g. twitch:mystreamer');
  return withStore(o, async (store) => {
    if (o.coupon !== undefined) {
      const item = await store.catalog.get(o.coupon);
      if (!item || item.kind !== 'coupon') return fail(`--coupon ${o.coupon}: no coupon with that id in the catalog`);
    }
    await store.loyalty.rewards.put({
      id, name: o.name, price, stock, kind: o.coupon !== undefined ? 'coupon' : 'code', scope: o.channel ?? null,
      ...(o.coupon !== undefined ? { couponItemId: o.coupon } : {}), ...(o.code !== undefined ? { code: o.code } : {}),
    });
    process.stdout.write(`reward ${id}: ${o.name}, ${price} points, stock ${stock ?? 'unlimited'}, ${o.channel ?? 'everywhere'}\n`);
    return 0;
  });
}

export async function runRewardsList(o: { config?: string; channel?: string }): Promise<number> {
  return withStore(o, async (store) => {
    for (const r of await store.loyalty.rewards.list(o.channel)) {
      const issues = r.kind === 'coupon' ? `coupon ${r.couponItemId}` : 'code';
      process.stdout.write(`${r.id}\t${r.price}\t${r.stock ?? 'unlimited'}\t${issues}\t${r.scope ?? 'everywhere'}\t${r.active ? '' : '(inactive)\t'}${r.name}\n`);
    }
    return 0;
  });
}

export async function runRewardsRemove(o: { config?: string }, id: string): Promise<number> {
  return withStore(o, async (store) => ((await store.loyalty.rewards.deactivate(id)) ? 0 : fail(`no reward ${id}`)));
}
