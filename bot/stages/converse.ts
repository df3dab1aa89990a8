import type { TrackingStore } from '../../data/partners.js';
import type { ConversationStore, InteractionStore, StoredMessage } from '../../data/store.js';
import type { Recommender } from '../../recommender/recommender.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { decide } from '../decide.js';
import { restoreState } from '../dialogue.js';
import type { Card } from '../message.js';
import { renderRecommendation, renderSay } from '../render.js';
import type { TranscriptMessage } from '../transcript.js';

/** Finds the user and conversation, restores dialogue state and stores the user's message. */
export function remember(store: ConversationStore): Middleware<BotContext> {
  return async (ctx, next) => {
    const m = ctx.message;
    const userId = await store.resolveUser(m.platform, m.user.platformId, m.user.displayName);
    const conv = await store.open(m.platform, m.channel, userId);
    ctx.conversation = { id: conv.id, userId, state: restoreState(conv.state) };
    const stored = await store.append(conv.id, {
      role: 'user', text: ctx.text, intent: ctx.nlu?.intent ?? null, confidence: ctx.nlu?.confidence ?? null, clientId: ctx.clientId ?? null,
    });
    ctx.userMessage = toTranscript(stored);
    await ctx.out.recorded?.(ctx.userMessage);
    await next();
  };
}

/** The dialogue policy (a pure function) decides; silence ends the journey. */
export function decideStage(store: ConversationStore, o: { handoffAfterMisses?: number } = {}): Middleware<BotContext> {
  return async (ctx, next) => {
    if (!ctx.nlu || !ctx.conversation) throw new Error('decide needs understand and remember first');
    ctx.decision = decide(ctx.nlu, ctx.conversation.state, {
      direct: ctx.message.direct || ctx.addressed === 'yes',
      ...(ctx.faq ? { faq: ctx.faq } : {}),
      ...(o.handoffAfterMisses !== undefined ? { handoffAfterMisses: o.handoffAfterMisses } : {}),
    });
    if (ctx.decision.action.type === 'silent') {
      // Nothing to say, but what the user told us (age, location, misses) is still remembered.
      await store.saveState(ctx.conversation.id, ctx.decision.state);
      return;
    }
    await next();
  };
}

/** Recommends when asked to and renders the reply in the user's language. */
export function recommendAndRender(recommender: Recommender): Middleware<BotContext> {
  return async (ctx, next) => {
    const { action, state } = ctx.decision!;
    const lang = ctx.nlu?.language ?? 'en';
    if (action.type === 'recommend') {
      const result = recommender.recommend(action.request, 3, ctx.ranking?.signals);
      ctx.reply = renderRecommendation(action, result, (id) => recommender.item(id), lang, ctx.ranking?.template);
      ctx.suggestionPropensity = new Map(result.suggestions.flatMap((x) => (x.propensity === undefined ? [] : [[x.itemId, x.propensity] as const])));
      if (result.suggestions.length) {
        state.lastRequest = { ...action.request, excludeIds: [] };
        state.shown = [...state.shown, ...result.suggestions.map((s) => s.itemId)].slice(-200);
        state.lastSuggestions = ctx.reply.cards.map((c) => ({ id: c.id, price: c.price, currency: c.currency }));
      }
    } else if (action.type === 'say' || action.type === 'ask_age' || action.type === 'decline_minor') {
      ctx.reply = renderSay(action, lang);
    }
    await next();
  };
}

export interface DeliverOptions {
  /** Base of `/r/<token>` tracking links (the web server's public address); absent = catalog links. */
  trackingBaseUrl?: string | undefined;
}

/**
 * Logs one impression per card with the ranking decision behind it (variant, position,
 * propensity) and, when a tracking address is known, points the card at `/r/<token>` so a click
 * counts once. Then stores the reply, saves state and hands the reply to the adapter.
 */
export function deliver(store: ConversationStore, interactions: InteractionStore, tracking: TrackingStore, o: DeliverOptions = {}): Middleware<BotContext> {
  return async (ctx, next) => {
    const conv = ctx.conversation!;
    let reply = ctx.reply;
    if (!reply) return;
    if (reply.cards.length) {
      const m = ctx.message;
      const variant = ctx.ranking?.variant ?? 'control';
      const cards = [];
      for (const [position, card] of reply.cards.entries()) {
        const token = await tracking.createImpression({
          itemId: card.id, userId: conv.userId, platform: m.platform, channel: m.channel,
          decision: { variant, position, propensity: ctx.suggestionPropensity?.get(card.id) ?? 1, ...(ctx.ranking?.template ? { template: ctx.ranking.template } : {}) },
        });
        cards.push(o.trackingBaseUrl ? { ...card, link: `${o.trackingBaseUrl.replace(/\/$/, '')}/r/${token}` } : card);
      }
      reply = { ...reply, cards };
    }
    const stored = await store.append(conv.id, { role: 'bot', text: reply.text, cards: reply.cards, intent: ctx.nlu?.intent ?? null });
    ctx.botMessage = toTranscript(stored);
    for (const card of reply.cards) {
      await interactions.record({ userId: conv.userId, itemId: card.id, type: 'impression', platform: ctx.message.platform, channel: ctx.message.channel });
    }
    await store.saveState(conv.id, ctx.decision!.state);
    await ctx.out.send(reply, toTranscript(stored));
    await next();
  };
}

export function toTranscript(m: StoredMessage): TranscriptMessage {
  return {
    id: String(m.id), role: m.role, text: m.text, cards: m.cards as Card[], ts: m.createdAt,
    ...(m.clientId ? { clientId: m.clientId } : {}),
  };
}
