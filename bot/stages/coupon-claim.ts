import type { CouponLedger } from '../../data/partners.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { setReply } from '../respond.js';
import { langOf } from './support-reply.js';
import { CLAIM_TEXT as TEXT } from '../i18n/stage-texts.js';

type Lang = 'en' | 'zh';


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
