import type { ConversationStore } from '../../data/store.js';
import type { HandoffReason, QueueEntry, SupportQueue } from '../../data/support.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import type { ConversationEvent } from '../support-events.js';
import { extractContact } from '../support-text.js';
import { reachable, setReply } from '../respond.js';
import { fill, langOf } from './support-reply.js';

export interface HandoffDeps {
  queue: SupportQueue;
  conversations: ConversationStore;
  /** Agents logged in to the console now. */
  agentsOnline: () => number;
  /** Where people on Twitch and Discord are sent for a person (the web support page). */
  webUrl: string | undefined;
  emit: (e: ConversationEvent) => void;
}

/** Platforms whose conversations an agent can join from the console. */
const AGENT_PLATFORMS = new Set(['web']);

const TEXT = {
  sorry: { en: 'Sorry about that. ', zh: '抱歉给你带来不便。' },
  in_line: { en: "You're number {n} in line; an agent will join here.", zh: '你排在第 {n} 位，客服会在这里加入对话。' },
  still_in_line: { en: "You're still in line (number {n}); an agent will join here. I can keep answering questions meanwhile.", zh: '你仍在排队（第 {n} 位），客服会在这里加入对话。在此期间我可以继续回答问题。' },
  nobody_online: {
    en: 'No agent is online right now, so you are in the queue (number {n}). Leave your email and a short message, for example "my email is ana@example.com, I was charged twice", and we will write back.',
    zh: '目前没有客服在线，你已进入排队（第 {n} 位）。请留下邮箱和简短留言，例如"我的邮箱是 ana@example.com，我被重复扣款了"，我们会邮件回复你。',
  },
  elsewhere: { en: 'A person can help you on our support page: {url}', zh: '请到我们的客服页面联系工作人员：{url}' },
  elsewhere_no_url: { en: 'A person can help you in the web chat on our site.', zh: '请到我们网站的网页聊天联系工作人员。' },
  contact_saved: { en: 'Thanks! An agent will write to {email}. You can keep chatting here meanwhile.', zh: '谢谢！客服会发邮件到 {email}。在此期间你可以继续在这里聊天。' },
} as const;

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
    if (!AGENT_PLATFORMS.has(ctx.message.platform)) {
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
