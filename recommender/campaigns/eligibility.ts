import { endOfDay, startOfDay } from '../../data/campaign-budget.js';
import type { CampaignWithSpend } from '../../data/campaigns.js';

/**
 * Whether a campaign lets its items be shown here and now. Pure: the caller fetches the campaign
 * (with its spend) and the person's impressions, and passes the clock's time. A campaign decides
 * whether an item may be shown, never how high it ranks.
 */

export type Refusal =
  | 'paused' | 'not_started' | 'ended'
  | 'budget_spent' | 'daily_budget_spent' | 'paced'
  | 'targeting' | 'frequency_cap';

export interface Placement {
  platform: string;
  channel: string;
  /** What the conversation is about, when known; absent never matches a targeted campaign. */
  topic?: string;
  city?: string;
  language?: 'en' | 'zh';
  now: Date;
}

export interface UserExposure {
  /** Impressions of the campaign's items to this person since the start of the campaign's day. */
  today: number;
  total: number;
}

export type Verdict = { ok: true } | { ok: false; reason: Refusal };

export function campaignVerdict(c: CampaignWithSpend, p: Placement, exposure?: UserExposure): Verdict {
  const t = p.now.getTime();
  if (c.status === 'paused') return no('paused');
  if (t < Date.parse(c.startsAt)) return no('not_started');
  if (t >= Date.parse(c.endsAt)) return no('ended');
  if (c.totalBudget - c.spentTotal < c.price) return no('budget_spent');
  if (c.dailyBudget !== null && c.dailyBudget - c.spentToday < c.price) return no('daily_budget_spent');
  if (c.pacing === 'even' && c.spentToday >= pacedAllowance(c, p.now)) return no('paced');
  if (!targeted(c, p)) return no('targeting');
  const cap = c.frequencyCap;
  if (exposure && cap.perUserPerDay !== undefined && exposure.today >= cap.perUserPerDay) return no('frequency_cap');
  if (exposure && cap.perUserTotal !== undefined && exposure.total >= cap.perUserTotal) return no('frequency_cap');
  return { ok: true };
}

/**
 * Even pacing: what the campaign may have spent so far today, the day's target in proportion to
 * the part of the day gone, plus one event's price so a day can start. The day's target is the
 * daily budget, or the remaining total spread over the remaining days.
 */
export function pacedAllowance(c: CampaignWithSpend, now: Date): number {
  const dayStart = startOfDay(now, c.timeZone).getTime();
  const dayEnd = endOfDay(now, c.timeZone).getTime();
  const start = Math.max(dayStart, Date.parse(c.startsAt));
  const end = Math.min(dayEnd, Date.parse(c.endsAt));
  const fraction = end > start ? Math.min(1, Math.max(0, (now.getTime() - start) / (end - start))) : 1;
  const daysLeft = Math.max(1, Math.ceil((Date.parse(c.endsAt) - dayStart) / 86_400_000));
  const target = c.dailyBudget ?? Math.ceil((c.totalBudget - c.spentTotal + c.spentToday) / daysLeft);
  return Math.ceil(target * fraction) + c.price;
}

export interface PacingStatus {
  allowanceNow: number;
  /** 'ahead' when pacing holds it back for now; 'on_track' otherwise. */
  state: 'ahead' | 'on_track' | 'asap';
}

export function pacingStatus(c: CampaignWithSpend, now: Date): PacingStatus {
  if (c.pacing === 'asap') return { allowanceNow: c.dailyBudget ?? c.totalBudget, state: 'asap' };
  const allowanceNow = pacedAllowance(c, now);
  return { allowanceNow, state: c.spentToday >= allowanceNow ? 'ahead' : 'on_track' };
}

function targeted(c: CampaignWithSpend, p: Placement): boolean {
  const t = c.targeting;
  const has = (list: readonly string[] | undefined, v: string | undefined) => !list || list.length === 0 || (v !== undefined && list.includes(v.toLowerCase()));
  if (!has(t.platforms, p.platform)) return false;
  if (t.channels && t.channels.length > 0) {
    const ch = p.channel.toLowerCase();
    if (!t.channels.includes(ch) && !t.channels.includes(`${p.platform.toLowerCase()}:${ch}`)) return false;
  }
  return has(t.cities, p.city) && has(t.topics, p.topic) && has(t.languages, p.language);
}

/**
 * Items some campaign holds but no campaign allows here: the recommender drops them. Items in no
 * campaign are not affected (unpaid suggestions).
 */
export function blockedItems(campaigns: readonly CampaignWithSpend[], p: Placement, exposure: ReadonlyMap<number, UserExposure> = new Map()):
{ blocked: Set<string>; refusals: Map<number, Refusal> } {
  const allowed = new Set<string>();
  const held = new Set<string>();
  const refusals = new Map<number, Refusal>();
  for (const c of campaigns) {
    const v = campaignVerdict(c, p, exposure.get(c.id));
    if (!v.ok) refusals.set(c.id, v.reason);
    for (const id of c.itemIds) {
      held.add(id);
      if (v.ok) allowed.add(id);
    }
  }
  return { blocked: new Set([...held].filter((id) => !allowed.has(id))), refusals };
}

function no(reason: Refusal): Verdict {
  return { ok: false, reason };
}
