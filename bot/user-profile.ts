import type { Store } from '../data/store.js';
import { restoreState } from './dialogue.js';

/** What the bot believes about a person, as it shows it to them and to admins. */
export interface UserProfile {
  identities: { platform: string; displayName: string }[];
  /** Topics of what they asked for and engaged with, most first. */
  interests: string[];
  /** Languages they wrote in or asked for. */
  languages: string[];
  /** Budgets they gave ("under 30 USD"). */
  budgets: string[];
  location: string | null;
  age: number | null;
  optedOutOfPromotions: boolean;
  points: number;
  messagesKept: number;
  itemsEngaged: number;
}

export async function userProfile(store: Pick<Store, 'reports' | 'catalog'>, platform: string, platformUserId: string): Promise<UserProfile | undefined> {
  const p = await store.reports.person(platform, platformUserId);
  if (!p) return undefined;
  const interests = new Map<string, number>();
  const bump = (t: string | undefined, n = 1) => t && interests.set(t, (interests.get(t) ?? 0) + n);
  const languages = new Set<string>();
  const budgets = new Set<string>();
  let location: string | null = null;
  let age: number | null = null;
  let optedOut = false;
  for (const c of p.conversations) {
    const s = restoreState(c.state);
    const r = s.lastRequest;
    if (r) {
      bump(r.topic, 2);
      bump(r.cuisine);
      if (r.userLanguage) languages.add(r.userLanguage);
      if (r.language) languages.add(r.language);
      if (r.budget) budgets.add([r.budget.min !== undefined ? `from ${r.budget.min}` : '', r.budget.max !== undefined ? `up to ${r.budget.max}` : '', r.budget.currency].filter(Boolean).join(' '));
    }
    location ??= s.profile.location ?? null;
    age ??= s.profile.age ?? null;
    optedOut ||= s.optedOut;
  }
  for (const e of p.engagements) for (const t of (await store.catalog.get(e.itemId))?.topics.slice(0, 2) ?? []) bump(t, e.n);
  return {
    identities: p.identities,
    interests: [...interests].sort((a, b) => b[1] - a[1]).map(([t]) => t).slice(0, 10),
    languages: [...languages], budgets: [...budgets], location, age, optedOutOfPromotions: optedOut, points: p.points,
    messagesKept: p.conversations.reduce((n, c) => n + c.messages, 0), itemsEngaged: p.engagements.length,
  };
}

const LANGUAGE_NAMES = { en: { en: 'English', zh: 'Chinese' }, zh: { en: '英语', zh: '中文' } } as const;

/** The private answer to "what do you know about me", with how to delete it. */
export function describeProfile(p: UserProfile, lang: 'en' | 'zh'): string {
  const names = (codes: string[]) => codes.map((c) => LANGUAGE_NAMES[lang][c as 'en' | 'zh'] ?? c);
  if (lang === 'zh') {
    return [
      '我记录了这些关于你的信息：',
      `• 兴趣：${p.interests.join('、') || '暂无'}`,
      `• 语言：${names(p.languages).join('、') || '暂无'}`,
      `• 预算：${p.budgets.join('；') || '暂无'}`,
      ...(p.location ? [`• 地点：${p.location}`] : []),
      ...(p.age !== null ? [`• 年龄：${p.age}`] : []),
      `• 积分：${p.points}`,
      `• 保存的消息：${p.messagesKept} 条；互动过的推荐：${p.itemsEngaged} 个${p.optedOutOfPromotions ? '；你已关闭推广' : ''}`,
      '想删除这些数据，发送"删除我的数据"或 !forgetme。',
    ].join('\n');
  }
  return [
    'Here is what I keep about you:',
    `• Interests: ${p.interests.join(', ') || 'none yet'}`,
    `• Language: ${names(p.languages).join(', ') || 'none yet'}`,
    `• Budget: ${p.budgets.join('; ') || 'none given'}`,
    ...(p.location ? [`• Location: ${p.location}`] : []),
    ...(p.age !== null ? [`• Age: ${p.age}`] : []),
    `• Points: ${p.points}`,
    `• Messages kept: ${p.messagesKept}; suggestions you engaged with: ${p.itemsEngaged}${p.optedOutOfPromotions ? '; promotions are off for you' : ''}`,
    'To delete it, say "delete my data" or !forgetme.',
  ].join('\n');
}
