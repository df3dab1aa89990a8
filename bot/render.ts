import type { CatalogItem } from '../data/catalog/types.js';
import { formatPrice } from '../recommender/currency.js';
import type { RecommendRequest, RecommendResult } from '../recommender/request.js';
import type { Action } from './decide.js';
import type { Card, Reply } from './message.js';
import { phrase } from './phrases.js';

type Lang = 'en' | 'zh';

const DEFAULT_DISCLOSURE: Record<Lang, string> = {
  en: 'Sponsored: the provider pays crossfeed for this placement.',
  zh: '推广：该内容由合作方付费推广。',
};

/** Turns an item into the platform-neutral card; sponsored items always carry a disclosure. */
export function toCard(item: CatalogItem, reason: string | undefined, lang: Lang): Card {
  const priceLabel = formatPrice(item.price, item.currency, item.kind === 'insurance' ? item.pricePeriod : undefined, lang);
  const disclosure = item.disclosure ?? (item.sponsored ? DEFAULT_DISCLOSURE[lang] : undefined);
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
    ...(reason ? { reason } : {}),
  };
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
    text = phrase('online_only', lang, { where: placeName(action.request.location) });
  }
  if (result.relaxed.length) {
    const names = result.relaxed.map((r) => (lang === 'zh' ? { level: '级别', language: '语言', topic: '主题' }[r] : r));
    text += phrase('relaxed', lang, { filters: names.join(lang === 'zh' ? '、' : ' and ') });
  }
  const cards = result.suggestions.flatMap((s) => {
    const item = items(s.itemId);
    return item ? [toCard(item, s.reason, lang)] : [];
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
  return lang === 'zh' ? (TOPIC_ZH[topic] ?? topic) : topic;
}

const TOPIC_ZH: Record<string, string> = {
  python: 'Python', javascript: 'JavaScript', 'web development': '网页开发', 'data science': '数据科学', 'machine learning': '机器学习',
  photography: '摄影', 'graphic design': '平面设计', music: '音乐', guitar: '吉他', cooking: '烹饪', 'personal finance': '个人理财', budgeting: '预算管理',
  'game development': '游戏开发', gaming: '游戏', chess: '国际象棋', english: '英语', chinese: '中文', marketing: '市场营销', excel: 'Excel',
  drawing: '绘画', fitness: '健身', writing: '写作', business: '商业', design: '设计', 'video editing': '视频剪辑', streaming: '直播',
};

function placeName(s: string): string {
  return s.replace(/\b\p{Ll}/gu, (c) => c.toUpperCase());
}

function describe(req: RecommendRequest, lang: Lang): string {
  const parts: string[] = [];
  if (lang === 'zh') {
    if (req.level) parts.push({ beginner: '入门', intermediate: '进阶', advanced: '高级' }[req.level]);
    if (req.topic) parts.push(req.topic);
    const limit = req.ceiling ?? req.budget;
    if (limit?.max === 0) parts.push('免费');
    else if (limit?.max !== undefined) parts.push(`${formatPrice(limit.max, limit.currency, undefined, 'zh')}以内`);
    if (req.location) parts.push(req.location);
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
