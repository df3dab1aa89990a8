import type { Store } from '../../data/store.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { describeProfile, userProfile } from '../user-profile.js';
import { setReply } from '../respond.js';
import { langOf } from './support-reply.js';

const ASKS = [
  /\bwhat\s+(?:do|did)\s+you\s+(?:know|keep|store|remember|have)\s+(?:about|on)\s+me\b/i,
  /\bwhat\s+(?:data|information|info)\s+(?:do\s+you\s+(?:have|keep|store)|have\s+you\s+(?:got|stored|kept))\s+(?:about|on)\s+me\b/i,
  /你(?:记录|记住|知道|保存|存)了?(?:我|关于我)(?:的)?(?:什么|哪些)/,
  /你(?:有|存了)(?:我|关于我)的?(?:哪些|什么)(?:数据|信息|资料)/,
];

export function isWhatYouKnowRequest(text: string): boolean {
  return ASKS.some((r) => r.test(text));
}

const PUBLIC = {
  en: 'I only show what I keep about you in a private chat: message me directly (or use the web chat) and ask again.',
  zh: '我只会在私聊里告诉你我记录了什么：请私信我（或使用网页聊天）再问一次。',
} as const;

/**
 * "What do you know about me" / "你记录了我什么": interests, language, budget and points the bot
 * keeps, with how to delete them. Answered only in a private chat; in a public channel the bot
 * says where to ask instead of reading someone's data out to everyone.
 */
export function whatYouKnow(store: Pick<Store, 'reports' | 'catalog' | 'conversations'>): Middleware<BotContext> {
  return async (ctx, next) => {
    const conv = ctx.conversation;
    if (!conv || ctx.command || !isWhatYouKnowRequest(ctx.text)) return next();
    const lang = langOf(ctx) === 'zh' || /\p{Script=Han}/u.test(ctx.text) ? 'zh' : 'en';
    if (!ctx.message.direct) return setReply(ctx, { text: PUBLIC[lang], cards: [] }, { state: conv.state });
    const profile = await userProfile(store, ctx.message.platform, ctx.message.user.platformId);
    if (!profile) return next();
    return setReply(ctx, { text: describeProfile(profile, lang), cards: [] }, { state: conv.state });
  };
}
