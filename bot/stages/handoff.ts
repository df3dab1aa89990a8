import type { ConversationStore } from '../../data/store.js';
import type { HandoffReason, QueueEntry, SupportQueue } from '../../data/support.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import type { ConversationEvent } from '../support-events.js';
import { extractContact } from '../support-text.js';
import { reachable, setReply } from '../respond.js';
import { fill, langOf } from './support-reply.js';
import { HANDOFF_TEXT as TEXT } from '../i18n/stage-texts.js';

export interface HandoffDeps {
  queue: SupportQueue;
  conversations: ConversationStore;
  /** Agents logged in to the console now. */
  agentsOnline: () => number;
  /** Where people on Twitch and Discord are sent for a person (the web support page). */
  webUrl: string | undefined;
  emit: (e: ConversationEvent) => void;
}



const LEAVE = /^\s*(never\s*mind|nvm|cancel|no need|leave the queue|i('m| am) (fine|good) now|forget it|算了|不用了|取消|不需要了)\b/i;

/**
 * Runs right after the visitor's message is stored. A conversation an agent has taken is the
 * agent's: the bot reports the line and says nothing. While it is waiting the bot answers as
 * usual; an email in the message (after we asked for one) is kept as contact details.
 */
export function supportGate(d: HandoffDeps): Middleware<BotContext> {
  return async (ctx, next) => {
    const conv = ctx.conversation;
    if (!conv || !ctx.userMessage) return next();
    const entry = await d.queue.open(conv.id);
    if (entry) {
      ctx.supportEntry = entry;
      d.emit({ type: 'visitor_message', conversationId: conv.id, platform: ctx.message.platform, channel: ctx.message.channel, queue: entry.status, message: ctx.userMessage });
      if (entry.status === 'taken') return;
    }
    // "never mind", "cancel": the visitor leaves the line (the page clears its pinned position).
    if (entry?.status === 'waiting' && !ctx.command && LEAVE.test(ctx.text) && (await d.queue.leave(conv.id))) {
      delete ctx.supportEntry;
      const state = { ...conv.state };
      delete state.awaitingContact;
      setReply(ctx, { text: TEXT.left_queue[langOf(ctx)], cards: [], queue: { state: 'none' } }, { state });
      return;
    }
    const contact = !ctx.command && (conv.state.awaitingContact || entry?.status === 'waiting') ? extractContact(ctx.text) : undefined;
    if (contact) {
      await d.queue.leaveMessage(conv.id, contact.email, contact.message || ctx.text);
      const updated = (await d.queue.open(conv.id)) ?? entry;
      if (updated) ctx.supportEntry = updated;
      d.emit({ type: 'contact_left', conversationId: conv.id, email: contact.email });
      const state = { ...conv.state };
      delete state.awaitingContact;
      setReply(ctx, { text: fill(TEXT.contact_saved[langOf(ctx)], { email: contact.email }), cards: [] }, { state });
      return;
    }
    await next();
  };
}

/** Renders a handoff decision: joins the queue on the web; elsewhere points to the web support page. */
export function handoffReplies(d: HandoffDeps): Middleware<BotContext> {
  return async (ctx, next) => {
    const action = ctx.decision?.action;
    if (action?.type !== 'handoff' || !ctx.conversation) return next();
    const lang = langOf(ctx);
    if (!ctx.policy.agentDesk) {
      // A loopback support address is no address for a Twitch or Discord viewer: leave it out.
      ctx.reply = { text: d.webUrl && reachable(d.webUrl, ctx) ? fill(TEXT.elsewhere[lang], { url: d.webUrl }) : TEXT.elsewhere_no_url[lang], cards: [] };
      return next();
    }
    ctx.reply = { text: await enqueue(ctx, d, action.reason), cards: [] };
    await next();
  };
}

async function enqueue(ctx: BotContext, d: HandoffDeps, reason: HandoffReason): Promise<string> {
  const conv = ctx.conversation!;
  const lang = langOf(ctx);
  const already = ctx.supportEntry;
  const entry: QueueEntry = await d.queue.enqueue(conv.id, reason);
  ctx.supportEntry = entry;
  const n = (await d.queue.position(conv.id)) ?? 1;
  d.emit({ type: 'queued', conversationId: conv.id, entry, position: n });
  const sorry = reason === 'frustration' && !already ? TEXT.sorry[lang] : '';
  if (d.agentsOnline() <= 0) {
    ctx.decision!.state.awaitingContact = true;
    return sorry + fill(TEXT.nobody_online[lang], { n });
  }
  return sorry + fill(already ? TEXT.still_in_line[lang] : TEXT.in_line[lang], { n });
}
