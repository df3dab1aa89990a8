import type { ConversationStore } from '../../data/store.js';
import type { PrivacyStore } from '../../data/support.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import type { ConversationEvent } from '../support-events.js';
import { isForgetRequest, isYes } from '../support-text.js';
import { setReply } from '../respond.js';
import { fill, langOf } from './support-reply.js';
import { PRIVACY_TEXT as TEXT } from '../i18n/stage-texts.js';


/**
 * "Delete my data" (`!forgetme`, or the phrases in bot/support-text.ts) asks for a confirmation;
 * "yes" next deletes everything `PrivacyStore.forgetUser` covers. The final answer is sent but not
 * stored: there is nothing left to store it in. Runs before the support gate, so it works while
 * an agent has the conversation too.
 */
export function forgetMe(d: { privacy: PrivacyStore; conversations: ConversationStore; emit: (e: ConversationEvent) => void }): Middleware<BotContext> {
  return async (ctx, next) => {
    const conv = ctx.conversation;
    if (!conv) return next();
    const lang = langOf(ctx);
    if (ctx.command?.name === 'forgetme' || (!ctx.command && isForgetRequest(ctx.text))) {
      setReply(ctx, { text: TEXT.confirm[lang], cards: [] }, { state: { ...conv.state, confirmForget: true } });
      return;
    }
    if (!conv.state.confirmForget) return next();
    if (!isYes(ctx.text)) {
      const state = { ...conv.state };
      delete state.confirmForget;
      if (/^\s*(no|nope|cancel|don'?t|不|不要|取消|算了)\b/i.test(ctx.text)) return setReply(ctx, { text: TEXT.kept[lang], cards: [] }, { state });
      conv.state = state;
      ctx.state = state;
      return next();
    }
    const report = await d.privacy.forgetUser(conv.userId);
    d.emit({ type: 'forgotten', conversationId: conv.id });
    // Nothing is left to store the answer in, nor any state to save.
    delete ctx.conversation;
    delete ctx.supportEntry;
    setReply(ctx, { text: fill(TEXT.done[lang], { messages: report.messages }), cards: [] }, { mode: 'ephemeral' });
  };
}
