import { z } from 'zod';
import { isTimeZone } from '../../data/loyalty-calendar.js';
import { CampaignValidationError, PRICING_MODELS, type CampaignInput } from '../../data/campaigns.js';
import { parseMinor } from './money.js';

/**
 * The wire format of a campaign (admin dashboard, `crossfeed campaigns`): amounts in major units as
 * text or numbers ("12.50"), converted to integer minor units of `currency`. Every error names
 * its field (CampaignValidationError).
 */

const amount = z.union([z.string(), z.number()]);
const list = z.array(z.string().trim().min(1).max(100)).max(200).optional();

export const campaignWire = z.object({
  partnerId: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  itemIds: z.array(z.string().trim().min(1).max(200)).min(1, 'a campaign needs at least one item').max(500),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
  totalBudget: amount,
  dailyBudget: amount.nullable().optional(),
  pricing: z.enum(PRICING_MODELS as [string, ...string[]]),
  price: amount,
  pacing: z.enum(['even', 'asap']).default('even'),
  timeZone: z.string().default('UTC'),
  targeting: z.object({
    platforms: list, channels: list, cities: list, topics: list,
    languages: z.array(z.enum(['en', 'zh'])).optional(),
  }).strict().default({}),
  frequencyCap: z.object({
    perUserPerDay: z.number().int().min(1).max(1000).optional(),
    perUserTotal: z.number().int().min(1).max(100000).optional(),
  }).strict().default({}),
}).strict();

export type CampaignWire = z.input<typeof campaignWire>;

/** Validates and converts; throws CampaignValidationError listing every bad field. */
export function parseCampaign(input: unknown): CampaignInput {
  const parsed = campaignWire.safeParse(input);
  if (!parsed.success) {
    throw new CampaignValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message })));
  }
  const w = parsed.data;
  const issues: { field: string; message: string }[] = [];
  const money = (field: string, v: string | number): number => {
    try {
      const minor = parseMinor(v, w.currency);
      if (minor <= 0) issues.push({ field, message: 'must be more than 0' });
      return minor;
    } catch (err) {
      issues.push({ field, message: (err as Error).message });
      return 0;
    }
  };
  const totalBudget = money('totalBudget', w.totalBudget);
  const dailyBudget = w.dailyBudget === undefined || w.dailyBudget === null || w.dailyBudget === '' ? null : money('dailyBudget', w.dailyBudget);
  const price = money('price', w.price);
  const startsAt = new Date(w.startsAt).toISOString();
  const endsAt = new Date(w.endsAt).toISOString();
  if (Date.parse(endsAt) <= Date.parse(startsAt)) issues.push({ field: 'endsAt', message: 'must be after startsAt' });
  if (dailyBudget !== null && totalBudget > 0 && dailyBudget > totalBudget) issues.push({ field: 'dailyBudget', message: 'cannot be more than totalBudget' });
  const cap = dailyBudget ?? totalBudget;
  if (price > 0 && cap > 0 && price > cap) issues.push({ field: 'price', message: `cannot be more than ${dailyBudget !== null ? 'dailyBudget' : 'totalBudget'}` });
  if (!isTimeZone(w.timeZone)) issues.push({ field: 'timeZone', message: `unknown time zone "${w.timeZone}" (an IANA name such as Asia/Shanghai)` });
  if (issues.length > 0) throw new CampaignValidationError(issues);
  const targeting: CampaignInput['targeting'] = {};
  for (const key of ['platforms', 'channels', 'cities', 'topics', 'languages'] as const) {
    const v = w.targeting[key];
    if (v && v.length > 0) (targeting as Record<string, string[]>)[key] = [...new Set(v.map((x) => x.toLowerCase()))];
  }
  const frequencyCap: CampaignInput['frequencyCap'] = {};
  if (w.frequencyCap.perUserPerDay !== undefined) frequencyCap.perUserPerDay = w.frequencyCap.perUserPerDay;
  if (w.frequencyCap.perUserTotal !== undefined) frequencyCap.perUserTotal = w.frequencyCap.perUserTotal;
  return {
    partnerId: w.partnerId, name: w.name, itemIds: [...new Set(w.itemIds)], startsAt, endsAt, currency: w.currency,
    totalBudget, dailyBudget, pricing: w.pricing as CampaignInput['pricing'], price, pacing: w.pacing, timeZone: w.timeZone, targeting, frequencyCap,
  };
}
