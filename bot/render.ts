import type { CatalogItem } from '../data/catalog/types.js';
import { formatPrice } from '../recommender/currency.js';
import type { RecommendRequest, RecommendResult } from '../recommender/request.js';
import type { Action } from './decide.js';
import type { Card, Reply } from './message.js';
import { phrase } from './phrases.js';
import { nameIn, t } from './i18n/catalogue.js';
import type { CatalogueKey } from './i18n/en.js';

type Lang = 'en' | 'zh';

/** Turns an item into the platform-neutral card; sponsored items always carry a disclosure. */
export function toCard(item: CatalogItem, reason: string | undefined, lang: Lang, reasonKey?: string): Card {
  const priceLabel = item.price === 0 ? t(lang, 'card.free') : formatPrice(item.price, item.currency, item.kind === 'insurance' ? item.pricePeriod : undefined, lang);
  const disclosure = item.disclosure ?? (item.sponsored ? t(lang, 'card.disclosure') : undefined);
  const said = localReason(item, reason, lang, reasonKey);
  return {
    kind: item.kind,
    id: item.id,
    title: item.title,
    price: item.price,
    currency: item.currency,
    priceLabel,
    ...(item.kind === 'course' ? { level: item.level, topics: item.topics } : {}),
    link: item.link,
    sponsored: item.sponsored || item.kind === 'insurance',
    ...(disclosure ? { disclosure } : {}),
    ...(said ? { reason: said } : {}),
    labels: {
      kind: t(lang, `card.kind.${item.kind}`), link: t(lang, `card.link.${item.kind}`), sponsored: t(lang, 'card.sponsored'), free: t(lang, 'card.free'),
      ...(item.kind === 'coupon' ? { claim: t(lang, 'card.claim') } : {}),
    },
  };
}

/** The recommender's reason, said from the catalogue where it names places or insurance features. */
function localReason(item: CatalogItem, reason: string | undefined, lang: Lang, reasonKey?: string): string | undefined {
  if (item.kind === 'insurance' && reasonKey) {
    return t(lang, 'reason.suits', { why: t(lang, `reason.insurance.${reasonKey}` as CatalogueKey) });
  }
  if (item.kind === 'coupon' && lang === 'zh') {
    const where = item.city ? [item.area, nameIn(item.city, lang)].filter(Boolean).join('，') : t(lang, 'reason.online');
    return [where, item.discount, t(lang, 'reason.valid_until', { date: item.expiresAt.slice(0, 10) })].join(' · ');
  }
  return reason;
}

/** Text plus cards for a recommendation result. */
/**
 * Openings of a recommendation; which one a user sees is an exploration arm (bot/stages/signals.ts),
 * logged with every impression so the wordings can be compared on clicks.
 */
export const RECOMMEND_TEMPLATES = {
  picks: { en: 'Here are some picks{what}:', zh: '为你找到这些{what}：' },
  fit: { en: 'These fit what you asked{what}:', zh: '这些符合你的要求{what}：' },
  like: { en: 'You might like these{what}:', zh: '你可能会喜欢这些{what}：' },
} as const satisfies Record<string, Record<Lang, string>>;
export type RecommendTemplate = keyof typeof RECOMMEND_TEMPLATES;

export function renderRecommendation(
  action: Extract<Action, { type: 'recommend' }>,
  result: RecommendResult,
  items: (id: string) => CatalogItem | undefined,
  lang: Lang,
  template: RecommendTemplate = 'picks',
  /** The result was empty only because of the person's age (an insurance eligibility limit). */
  ageIsTheReason = false,
): Reply {
  const what = describe(action.request, lang);
  if (result.suggestions.length === 0) {
    // Empty because of the person's age (insurance): say that, not "try a higher budget".
    if (ageIsTheReason) return { text: phrase('insurance_age', lang, { age: String(action.request.age) }), cards: [] };
    // Empty because sponsored items were held back: say that, never "nothing matches".
    if (action.sponsoredWithheld) return { text: phrase(`withheld_${action.sponsoredWithheld}`, lang, { what: '' }), cards: [] };
    return { text: phrase(action.refine ? 'no_more' : 'no_match', lang, { what }), cards: [] };
  }
  let text = action.refine ? phrase('here_is_another', lang, { what }) : RECOMMEND_TEMPLATES[template][lang].replace('{what}', what);
  // Coupons without a city are online offers: never presented as local to the place asked about.
  const shown = result.suggestions.flatMap((s) => items(s.itemId) ?? []);
  if (action.request.kind === 'coupon' && action.request.location && shown.length && shown.every((i) => i.kind === 'coupon' && !i.city)) {
    text = phrase('online_only', lang, { where: lang === 'zh' ? nameIn(action.request.location, lang) : placeName(action.request.location) });
  }
  if (result.relaxed.length) {
    const names = result.relaxed.map((r) => t(lang, `relaxed.${r}`));
    text += phrase('relaxed', lang, { filters: names.join(lang === 'zh' ? '、' : ' and ') });
  }
  const cards = result.suggestions.flatMap((s) => {
    const item = items(s.itemId);
    return item ? [toCard(item, s.reason, lang, s.reasonKey)] : [];
  });
  return { text, cards };
}

export function renderSay(action: Extract<Action, { type: 'say' | 'ask_age' | 'decline_minor' }>, lang: Lang, vars: Record<string, string> = {}): Reply {
  const key = action.type === 'say' ? action.key : action.type;
  const all = { prefix: '!', ...vars };
  // An unknown command is answered with what the bot can do.
  if (key === 'unknown_command') return { text: phrase(key, lang, all) + phrase('help', lang, all), cards: [] };
  return { text: phrase(key, lang, all), cards: [] };
}

/** "What would you like to learn?" with popular topics to pick from. */
export function renderAskTopic(topics: readonly string[], lang: Lang): Reply {
  return { text: phrase('ask_topic', lang, { topics: topics.map((t) => topicName(t, lang)).join(lang === 'zh' ? '、' : ', ') }), cards: [] };
}

/** A catalog topic as the user reads it (Chinese names for Chinese conversations). */
export function topicName(topic: string, lang: Lang): string {
  return nameIn(topic, lang);
}

function placeName(s: string): string {
  return s.replace(/\b\p{Ll}/gu, (c) => c.toUpperCase());
}

function describe(req: RecommendRequest, lang: Lang): string {
  const parts: string[] = [];
  if (lang === 'zh') {
    if (req.level) parts.push(t(lang, `level.${req.level}`));
    if (req.topic) parts.push(nameIn(req.topic, lang));
    const limit = req.ceiling ?? req.budget;
    if (limit?.max === 0) parts.push('免费');
    else if (limit?.max !== undefined) parts.push(`${formatPrice(limit.max, limit.currency, undefined, 'zh')}以内`);
    if (req.location) parts.push(nameIn(req.location, lang));
    return parts.length ? ` ${parts.join(' ')} ` : '';
  }
  if (req.level) parts.push(req.level);
  if (req.topic) parts.push(req.topic);
  if (req.cuisine) parts.push(req.cuisine);
  if (req.insuranceType) parts.push(req.insuranceType.replace('_', ' '));
  let s = parts.length ? ` for ${parts.join(' ')}` : '';
  if (req.location) s += ` in ${placeName(req.location)}`;
  const limit = req.ceiling ?? req.budget;
  if (limit?.max === 0) s += ' (free)';
  else if (limit?.max !== undefined) s += ` under ${formatPrice(limit.max, limit.currency)}`;
  return s;
}
