import type { Campaign, SpendOutcome } from './campaigns.js';

/**
 * Pure budget rules of the spend ledger: whether one more billable event may be charged. The
 * ledger applies them inside the same write transaction that records the event, so every process
 * sharing the database sees the spend before it bills the next one: the budget is never exceeded.
 */

export interface SpendSoFar {
  /** Minor units billed over the campaign's life. */
  total: number;
  /** Minor units billed since the start of the campaign's current day. */
  today: number;
}

export function billingOutcome(c: Pick<Campaign, 'status' | 'startsAt' | 'endsAt' | 'totalBudget' | 'dailyBudget' | 'price'>, spent: SpendSoFar, now: Date): SpendOutcome {
  if (c.status === 'paused') return 'paused';
  const t = now.getTime();
  if (t < Date.parse(c.startsAt) || t >= Date.parse(c.endsAt)) return 'not_running';
  if (spent.total + c.price > c.totalBudget) return 'over_budget';
  if (c.dailyBudget !== null && spent.today + c.price > c.dailyBudget) return 'over_daily';
  return 'billed';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds `timeZone` is ahead of UTC at `at`. Throws RangeError for an unknown zone. */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, Number(x.value)]));
  const wall = Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** The instant the calendar day containing `now` began in `timeZone`. */
export function startOfDay(now: Date, timeZone: string): Date {
  const local = new Date(now.getTime() + zoneOffsetMs(now, timeZone));
  const midnightWall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  let t = midnightWall - zoneOffsetMs(now, timeZone);
  // Settle on the offset in force at midnight itself (a DST change during the day moves it).
  for (let i = 0; i < 2; i++) t = midnightWall - zoneOffsetMs(new Date(t), timeZone);
  return new Date(t);
}

/** Where the campaign's day ends (the next local midnight). */
export function endOfDay(now: Date, timeZone: string): Date {
  const start = startOfDay(now, timeZone);
  return startOfDay(new Date(start.getTime() + 26 * 3_600_000), timeZone);
}
