import type { ConversationStore } from '../../data/store.js';
import type { Recommender } from '../../recommender/recommender.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { decide } from '../decide.js';
import { restoreState } from '../dialogue.js';
import { renderAskTopic, renderRecommendation, renderSay } from '../render.js';
import { toTranscript } from '../transcript.js';
import { langOf } from './support-reply.js';

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

/** The dialogue policy (a pure function) decides; silence ends the journey (the state is still saved). */
export function decideStage(o: { handoffAfterMisses?: number } = {}): Middleware<BotContext> {
  return async (ctx, next) => {
    if (!ctx.nlu || !ctx.conversation) throw new Error('decide needs understand and remember first');
    ctx.decision = decide(ctx.nlu, ctx.conversation.state, {
      direct: ctx.message.direct || ctx.addressed === 'yes',
      ...(ctx.faq ? { faq: ctx.faq } : {}),
      ...(o.handoffAfterMisses !== undefined ? { handoffAfterMisses: o.handoffAfterMisses } : {}),
      ...(ctx.loyaltyOn ? { loyalty: true } : {}),
      ...(ctx.unknownCommand ? { unknownCommand: ctx.unknownCommand } : {}),
      ...(ctx.message.action?.kind === 'refine' ? { refine: ctx.message.action.refine } : {}),
    });
    // Saved by respond even when there is nothing to say: what the user told us (age, location, misses) is remembered.
    ctx.state = ctx.decision.state;
    if (ctx.decision.action.type === 'silent') return;
    await next();
  };
}

/** Recommends when asked to and renders the reply in the user's language. */
export function recommendAndRender(recommender: Recommender): Middleware<BotContext> {
  return async (ctx, next) => {
    const { action, state } = ctx.decision!;
    const lang = langOf(ctx);
    if (action.type === 'recommend') {
      const slots = 3;
      const result = recommender.recommend(action.request, slots, ctx.ranking?.signals);
      // A topic the catalog does not know (an untrained model's "pyhton"): asking beats "nothing
      // matches for pyhton". The answer to the question continues this request (decide, pending).
      const topic = action.request.topic;
      if (!result.suggestions.length && action.request.kind === 'course' && topic !== undefined && !recommender.popularTopics(Infinity).includes(topic.toLowerCase())) {
        const { topic: _unknown, ...request } = action.request;
        state.pending = { ask: 'topic', request };
        ctx.reply = renderAskTopic(recommender.popularTopics(6), lang);
        await next();
        return;
      }
      // Nothing for this age, but plans for a mid-life adult: the age limit is the honest reason.
      const ageIsTheReason = !result.suggestions.length && action.request.kind === 'insurance' && action.request.age !== undefined
        && recommender.recommend({ ...action.request, age: 40 }, 1).suggestions.length > 0;
      ctx.reply = renderRecommendation(action, result, (id) => recommender.item(id), lang, ctx.ranking?.template, ageIsTheReason);
      ctx.suggestionPropensity = new Map(result.suggestions.flatMap((x) => (x.propensity === undefined ? [] : [[x.itemId, x.propensity] as const])));
      ctx.suggestionBaseRank = { slots, ranks: new Map(result.suggestions.flatMap((x) => (x.baseRank === undefined ? [] : [[x.itemId, x.baseRank] as const]))) };
      if (result.suggestions.length) {
        // What the user asked for carries on; a ceiling we derived ("cheaper") does not.
        const { ceiling: _ceiling, keepTopic: _keep, ...asked } = action.request;
        state.lastRequest = { ...asked, excludeIds: [] };
        state.shown = [...state.shown, ...result.suggestions.map((s) => s.itemId)].slice(-200);
        state.lastSuggestions = ctx.reply.cards.map((c) => {
          const usd = recommender.toUsd(c.price, c.currency);
          return { id: c.id, price: c.price, currency: c.currency, ...(usd !== undefined ? { usd } : {}) };
        });
      }
    } else if (action.type === 'ask_topic') {
      ctx.reply = renderAskTopic(recommender.popularTopics(6), lang);
    } else if (action.type === 'say' || action.type === 'ask_age' || action.type === 'decline_minor') {
      ctx.reply = renderSay(action, lang, { prefix: ctx.policy.commandPrefix, command: ctx.unknownCommand ?? '' });
    }
    await next();
  };
}
