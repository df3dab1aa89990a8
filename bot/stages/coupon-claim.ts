import type { CouponLedger } from '../../data/partners.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { setReply } from '../respond.js';
import { langOf } from './support-reply.js';

type Lang = 'en' | 'zh';

const TEXT: Record<string, Record<Lang, string>> = {
  claimed: { en: 'Your code for "{title}": {code} (only for you; show it at the partner or enter it at checkout).', zh: '"{title}"的优惠码：{code}（仅限本人使用，结账时出示或输入）。' },
  private_only: { en: 'Coupon codes are personal, so I only hand them out in a private chat (the web chat or a DM). Type "{prefix}claim {id}" there.', zh: '优惠码仅限本人使用，只在私聊（网页聊天或私信）中发放。请在那里输入"{prefix}claim {id}"。' },
  which: { en: 'Which coupon? Ask me for coupons first, then "{prefix}claim 1" takes the first one.', zh: '要领哪张券？先问我优惠券，然后输入"{prefix}claim 1"领取第一张。' },
  unknown_item: { en: "That coupon isn't available any more.", zh: '这张优惠券已下架。' },
  held: { en: 'You already have a code for "{title}": {code} (only for you; show it at the partner or enter it at checkout).', zh: '你已经领过"{title}"的优惠码：{code}（仅限本人使用，结账时出示或输入）。' },
  my_codes: { en: 'Your coupon codes (only for you):\n{list}', zh: '你的优惠码（仅限本人使用）：\n{list}' },
  no_codes: { en: 'You have not claimed any coupon codes yet. Ask me for coupons, then tap "Claim code" or type "{prefix}claim 1".', zh: '你还没有领取过优惠码。先问我优惠券，然后点"领取优惠码"或输入"{prefix}claim 1"。' },
  codes_private: { en: 'Your codes are personal, so I only list them in a private chat (the web chat or a DM). Type "{prefix}mycodes" there.', zh: '优惠码仅限本人使用，只在私聊（网页聊天或私信）中列出。请在那里输入"{prefix}mycodes"。' },
  used: { en: 'used', zh: '已使用' },
  not_a_coupon: { en: 'That is not a coupon.', zh: '这不是优惠券。' },
  expired: { en: 'Sorry, that coupon has expired.', zh: '抱歉，这张优惠券已过期。' },
  limit_reached: { en: "You've already claimed this coupon as many times as allowed.", zh: '你已达到这张优惠券的领取上限。' },
  out_of_stock: { en: 'Sorry, that coupon just ran out.', zh: '抱歉，这张优惠券已经领完了。' },
  request_id_conflict: { en: 'Something went wrong with that request; please try again.', zh: '请求出错了，请重试。' },
};

/** "my coupons", "my codes", "what codes do I have", "我的优惠券". */
export function isMyCodesRequest(text: string): boolean {
  return /^\s*(show |list |what are |where are )?(me )?(all )?my (coupon )?(codes|coupons)\b|^\s*what (coupon )?codes (do )?i have|^\s*(查看|看看)?我的(优惠券|优惠码|券)/i.test(text);
}

/**
 * `!claim <n | coupon id>` (and the web card's "Claim code" button): one code per claim, given only
 * in a private chat. The request id is the chat message's own id, so a resent message gets the
 * same code instead of a second one; claiming a coupon whose code is held and unused shows that
 * code. `!mycodes` (or "my coupons") lists the codes held, only in a private chat.
 */
export function couponClaims(ledger: CouponLedger, title: (itemId: string) => string | undefined): Middleware<BotContext> {
  return async (ctx, next) => {
    if (!ctx.conversation) return next();
    const lang: Lang = langOf(ctx);
    const say = (key: string, vars: Record<string, string> = {}) =>
      setReply(ctx, { text: (TEXT[key] ?? TEXT['request_id_conflict']!)[lang].replace(/\{(\w+)\}/g, (_, k: string) => ({ prefix: ctx.policy.commandPrefix, ...vars })[k] ?? ''), cards: [] });
    // `!mycodes`, "my coupons": the codes this person holds, listed only in private.
    if (ctx.command?.name === 'mycodes' || (!ctx.command && ctx.addressed === 'yes' && isMyCodesRequest(ctx.text))) {
      if (!ctx.message.direct) return say('codes_private');
      const codes = await ledger.held(ctx.conversation.userId);
      if (!codes.length) return say('no_codes');
      const list = codes.map((c) => `- "${title(c.itemId) ?? c.itemId}": ${c.code}${c.redeemedAt ? ` (${TEXT['used']![lang]})` : ''}`).join('\n');
      return say('my_codes', { list });
    }
    if (ctx.command?.name !== 'claim') return next();
    const arg = ctx.command.args.trim().split(/\s+/)[0] ?? '';
    const last = ctx.conversation.state.lastSuggestions;
    const index = /^[1-9]$/.test(arg) ? Number(arg) - 1 : -1;
    const itemId = index >= 0 ? last[index]?.id : arg || last[0]?.id;
    const vars: Record<string, string> = { prefix: ctx.policy.commandPrefix, id: itemId ?? '', title: '', code: '' };
    let key: string;
    if (!itemId) key = 'which';
    else if (!ctx.message.direct) key = 'private_only';
    else {
      const m = ctx.message;
      // Claiming again (after a reload, or a second tap) shows the code already held, unused.
      const held = (await ledger.held(ctx.conversation.userId)).find((c) => c.itemId === itemId && !c.redeemedAt);
      const requestId = `${m.platform}:${ctx.conversation.id}:${m.id ?? ctx.clientId ?? `${itemId}:${m.time.getTime()}`}`;
      const result = held ? { ok: true as const, status: 'held' as const, code: held.code } : await ledger.claim({ itemId, userId: ctx.conversation.userId, requestId, platform: m.platform, channel: m.channel });
      if (result.ok) {
        key = result.status === 'held' ? 'held' : 'claimed';
        vars['code'] = result.code;
        vars['title'] = title(itemId) ?? itemId;
      } else key = result.error;
    }
    const text = (TEXT[key] ?? TEXT['request_id_conflict']!)[lang].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
    setReply(ctx, { text, cards: [] });
  };
}
