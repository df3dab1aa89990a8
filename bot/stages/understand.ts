import type { IntentName, Nlu } from '../../nlp/types.js';
import type { Middleware } from '../composer.js';
import type { BotContext } from '../context.js';
import { COMMANDS } from './gate.js';
import { actionUnderstanding } from '../actions.js';

const ACTIONABLE_UNADDRESSED = new Set<IntentName>(['recommend_course', 'get_coupon', 'ask_insurance', 'faq']);

/**
 * Runs the NLU; a command's intent is fixed and its arguments give the entities. A message nobody
 * addressed, in a channel that does not answer unaddressed chat, can never be answered: it ends
 * here without reaching any model. So does one that arrives while the platform could not deliver
 * an answer before it goes stale (`Outbound.backlogged`: Twitch's send limits in a flood). Other
 * unaddressed chat reaches only the NLU's cheap first stages unless they see a request that could
 * reach the channel's confidence (nlp/engine.ts, the cascade).
 */
export function understand(nlu: Nlu): Middleware<BotContext> {
  return async (ctx, next) => {
    if (ctx.addressed === 'maybe' && (!ctx.policy.answerUnaddressed || ctx.out.backlogged?.() === true)) return;
    if (ctx.message.action) {
      // Typed by the platform's controls: the intent and options are known, not guessed.
      ctx.nlu = actionUnderstanding(ctx.message.action, ctx.text);
    } else if (ctx.command) {
      const parsed = await nlu.parse(ctx.command.args || ctx.command.name);
      ctx.nlu = { ...parsed, text: ctx.command.args, intent: COMMANDS[ctx.command.name] as IntentName, confidence: 1, alternatives: [] };
    } else {
      // Unaddressed: the engine may skip its models for what can't reach the channel's confidence (attend).
      ctx.nlu = await nlu.parse(ctx.text, ctx.addressed === 'maybe' ? { addressed: false, answerAt: ctx.policy.unaddressedMinConfidence } : { addressed: true });
    }
    await next();
  };
}

/** Unaddressed chat goes on only when it is a confident, actionable request and the channel allows it. */
export function attend(): Middleware<BotContext> {
  return async (ctx, next) => {
    if (ctx.addressed === 'maybe') {
      const nlu = ctx.nlu;
      const o = ctx.policy;
      if (!o.answerUnaddressed || !nlu || !ACTIONABLE_UNADDRESSED.has(nlu.intent) || nlu.confidence < o.unaddressedMinConfidence) return;
    }
    await next();
  };
}
