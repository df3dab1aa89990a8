import type { CheckinRules } from './loyalty.js';

/**
 * Pure calendar rules for check-ins. A day is the calendar date of the instant in the channel's
 * time zone, computed from the timestamp itself, never from the server's local clock; so a DST
 * change or a server in another zone cannot move anyone's day.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of `at` in `timeZone`. Throws RangeError for an unknown zone. */
export function localDay(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']}`;
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function isTimeZone(zone: string): boolean {
  try {
    localDay(new Date(0), zone);
    return true;
  } catch {
    return false;
  }
}

export interface StreakState { lastDay: string; streak: number }

export type StreakStep =
  | { credit: true; day: string; streak: number; points: number }
  | { credit: false; day: string; streak: number };

/**
 * The outcome of checking in on `day` after `previous`: the same day (or an earlier one, when the
 * user moved to a channel in a zone behind) credits nothing; the next day continues the streak;
 * any gap restarts it at 1.
 */
export function nextStreak(previous: StreakState | undefined, day: string, rules: Pick<CheckinRules, 'points' | 'streakBonus' | 'maxStreakBonus'>): StreakStep {
  if (previous && daysBetween(previous.lastDay, day) <= 0) return { credit: false, day: previous.lastDay, streak: previous.streak };
  const streak = previous && daysBetween(previous.lastDay, day) === 1 ? previous.streak + 1 : 1;
  return { credit: true, day, streak, points: rules.points + Math.min((streak - 1) * rules.streakBonus, rules.maxStreakBonus) };
}
