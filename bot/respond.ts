import type { TrackingStore } from '../data/partners.js';
import type { ConversationStore, InteractionStore } from '../data/store.js';
import type { Middleware } from './composer.js';
import type { BotContext } from './context.js';
import type { DialogueState } from './dialogue.js';
import type { Reply } from './message.js';
import type { ConversationEvent } from './support-events.js';
import { toTranscript } from './transcript.js';
import { isLoopbackUrl } from './config.js';

/**
 * How a stage answers: it sets the reply and says whether it is kept in the conversation
 * ('stored', the default) or only sent ('ephemeral': nothing to store it in, as after "delete my
 * data", or no conversation yet, as for an over-long message). `state` is the dialogue state to
 * save with it. The stage then returns; `respond` does the rest.
 */
export function setReply(ctx: BotContext, reply: Reply, o: { mode?: 'stored' | 'ephemeral'; state?: DialogueState } = {}): void {
  ctx.reply = reply;
  ctx.replyMode = o.mode ?? 'stored';
  if (o.state) ctx.state = o.state;
}

export interface RespondDeps {
  conversations: ConversationStore;
  interactions: InteractionStore;
  tracking: TrackingStore;
  /** Base of `/r/<token>` tracking links (the web server's public address); absent = catalog links. */
  trackingBaseUrl?: string | undefined;
  /** Conversation events for the agent console (bot/support-events.ts). */
  emit: (e: ConversationEvent) => void;
}

/**
 * The one way a reply leaves the pipeline. Runs first and acts after every other stage has
 * returned: saves the dialogue state a stage chose, points cards at tracked links, stores the
 * reply (unless ephemeral), announces it to the agent console, tells the bot the message is
 * handled (the user's next message may start) and hands it to the adapter. Impressions are
 * recorded only for what the platform accepted.
 */
export function respond(d: RespondDeps): Middleware<BotContext> {
  return async (ctx, next) => {
    await next();
    const conv = ctx.conversation;
    if (conv && ctx.state) {
      conv.state = ctx.state;
      await d.conversations.saveState(conv.id, ctx.state);
    }
    let reply = ctx.reply;
    if (!reply) return;
    const stored = ctx.replyMode !== 'ephemeral' && conv !== undefined;
    if (stored && reply.cards.length) reply = { ...reply, cards: await tracked(ctx, reply, d) };
    if (stored) {
      const message = await d.conversations.append(conv.id, { role: 'bot', text: reply.text, cards: reply.cards, intent: ctx.nlu?.intent ?? null });
      ctx.botMessage = toTranscript(message);
      if (ctx.supportEntry) {
        d.emit({ type: 'bot_message', conversationId: conv.id, platform: ctx.message.platform, channel: ctx.message.channel, message: ctx.botMessage });
      }
    }
    ctx.handled?.();
    const accepted = await ctx.out.send(reply, ctx.botMessage);
    if (accepted === false || !conv) return;
    for (const card of reply.cards) {
      await d.interactions.record({ userId: conv.userId, itemId: card.id, type: 'impression', platform: ctx.message.platform, channel: ctx.message.channel });
    }
  };
}

/**
 * Can this person open a link to our server? A loopback address works only on the server's own
 * chat page (opened on this machine); a Twitch or Discord viewer gets the catalog's link instead.
 */
export function reachable(url: string, ctx: Pick<BotContext, 'policy'>): boolean {
  return !isLoopbackUrl(url) || ctx.policy.localLinks === true;
}

/**
 * One tracking impression per card with the ranking decision behind it (variant, position,
 * propensity, and the base rank the ranking gave it without exploration); with a tracking address the card points at `/r/<token>` so a click counts once.
 */
async function tracked(ctx: BotContext, reply: Reply, d: RespondDeps): Promise<Reply['cards']> {
  const conv = ctx.conversation!;
  const m = ctx.message;
  const variant = ctx.ranking?.variant ?? 'control';
  const cards = [];
  const base = ctx.suggestionBaseRank;
  for (const [position, card] of reply.cards.entries()) {
    const baseRank = base?.ranks.get(card.id);
    const token = await d.tracking.createImpression({
      itemId: card.id, userId: conv.userId, platform: m.platform, channel: m.channel,
      decision: {
        variant, position, propensity: ctx.suggestionPropensity?.get(card.id) ?? 1,
        ...(ctx.ranking?.template ? { template: ctx.ranking.template } : {}),
        ...(base && baseRank !== undefined ? { baseRank, slots: base.slots } : {}),
      },
    });
    cards.push(d.trackingBaseUrl && reachable(d.trackingBaseUrl, ctx) ? { ...card, link: `${d.trackingBaseUrl.replace(/\/$/, '')}/r/${token}` } : card);
  }
  return cards;
}
