import type { IdentityStore } from '../../data/store.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { setReply } from '../respond.js';
import { langOf } from './support-reply.js';
import { LINK_TEXT as TEXT } from '../i18n/stage-texts.js';

type Lang = 'en' | 'zh';


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
