import type { IdentityStore, LinkResult } from '../../data/store.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { setReply } from '../respond.js';
import { langOf } from './support-reply.js';

type Lang = 'en' | 'zh';

const TEXT: Record<'code' | 'ask_privately' | LinkResult['status'], Record<Lang, string>> = {
  code: {
    en: 'Your link code is {code}. Within 10 minutes, type "{prefix}link {code}" where I am on Twitch or Discord, and your points, coupons and preferences will be shared.',
    zh: '你的绑定码是 {code}。请在10分钟内到 Twitch 或 Discord 有我的频道输入"{prefix}link {code}"，积分、优惠券和偏好就会共享。',
  },
  ask_privately: {
    en: 'Link codes are only given in a private chat (the web chat or a DM with me). Get one there, then type "{prefix}link CODE" here.',
    zh: '绑定码只在私聊中发放（网页聊天或私信）。拿到后在这里输入"{prefix}link 绑定码"。',
  },
  linked: { en: 'Linked: this account now shares your points, coupons and preferences.', zh: '绑定成功：这个账号现在共享你的积分、优惠券和偏好。' },
  already_linked: { en: 'This account is already linked.', zh: '这个账号已经绑定过了。' },
  invalid: { en: "That link code isn't valid (codes work once). Ask me for a new one in a private chat.", zh: '绑定码无效（每个码只能用一次），请在私聊中重新获取。' },
  expired: { en: 'That link code has expired. Ask me for a new one in a private chat.', zh: '绑定码已过期，请在私聊中重新获取。' },
  platform_taken: { en: 'Your profile is already linked to another account on this platform.', zh: '你的资料已经绑定了这个平台上的另一个账号。' },
};

/**
 * `!link`: in a private chat, gives a one-time code; `!link CODE` on another platform joins that
 * identity to the same person. Codes are never shown in public chat, so nobody can claim them.
 */
export function accountLinking(identities: IdentityStore): Middleware<BotContext> {
  return async (ctx, next) => {
    if (ctx.command?.name !== 'link' || !ctx.conversation) return next();
    const lang: Lang = langOf(ctx);
    const vars = { prefix: ctx.policy.commandPrefix, code: '' };
    const code = ctx.command.args.trim().split(/\s+/)[0] ?? '';
    let key: keyof typeof TEXT;
    if (code) {
      const m = ctx.message;
      key = (await identities.redeemLinkCode(code, m.platform, m.user.platformId)).status;
    } else if (ctx.message.direct) {
      vars.code = await identities.createLinkCode(ctx.conversation.userId);
      key = 'code';
    } else {
      key = 'ask_privately';
    }
    const text = TEXT[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => vars[k as keyof typeof vars] ?? '');
    setReply(ctx, { text, cards: [] });
  };
}
