import type { Level } from '../data/catalog/types.js';
import { LEVELS } from '../data/catalog/types.js';
import type { Budget, Entity, NluResult } from '../nlp/types.js';
import { ADULT_AGE, type RecommendRequest } from '../recommender/request.js';
import type { HandoffReason } from '../data/support.js';
import type { DialogueState } from './dialogue.js';
import type { FaqLookup } from './faq-index.js';
import { isChatNoise, isFrustrated } from './support-text.js';
import { askedLanguage, isOnlyLanguageRequest } from './language.js';

export type SayKey =
  | 'greet' | 'thanks' | 'bye' | 'help' | 'opted_out' | 'fallback' | 'refine_without_context'
  | 'faq_unavailable' | 'faq_unknown' | 'points_unavailable' | 'handoff_unavailable' | 'too_long' | 'noise' | 'points_how' | 'unknown_command' | 'language_set';

export type RefineKind = 'another' | 'cheaper' | 'harder' | 'easier' | 'free';

export type Action =
  | {
    type: 'recommend'; request: RecommendRequest; refine?: RefineKind;
    /** Why sponsored items were left out (bot/stages/promotions.ts); an empty answer says so. */
    sponsoredWithheld?: 'opted_out' | 'channel_off' | 'user_cap' | 'conversation_cap' | 'channel_cap';
  }
  | { type: 'ask_age'; request: RecommendRequest }
  /** A course request without a topic we understood: ask what to learn, offering popular topics. */
  | { type: 'ask_topic'; request: RecommendRequest }
  | { type: 'decline_minor' }
  | { type: 'say'; key: SayKey }
  /** Answer with one FAQ entry, naming it as the source (bot/stages/faq.ts). */
  | { type: 'faq_answer'; entryId: string }
  /** Offer up to three FAQ entries as numbered choices, plus a person. */
  | { type: 'faq_choices'; entryIds: string[] }
  /** Put the conversation in the agent queue (bot/stages/handoff.ts). */
  | { type: 'handoff'; reason: HandoffReason }
  | { type: 'silent' };

export interface Decision {
  action: Action;
  state: DialogueState;
}

export { ADULT_AGE };

/** Below this confidence a direct message is treated as not understood. */
export const MIN_CONFIDENCE = 0.45;

/**
 * An action with side effects (a check-in, a redemption: writes to a ledger) needs an explicit
 * command or an intent at least this confident. Below it, the bot explains the command instead.
 */
export const ACTION_MIN_CONFIDENCE = 0.8;

/**
 * Intents that a very strong FAQ match (FaqLookup.answerOver) overrides, however sure the NLU is:
 * questions about the bot, points and coupons are often FAQ questions in other words ("how do I
 * redeem the voucher you gave me"). A request for courses, insurance, a person or to stop messages
 * always stands.
 */
export const FAQ_OVERRIDES: ReadonlySet<string> = new Set(['bot_help', 'check_in', 'points_balance', 'redeem_points', 'get_coupon']);

export interface DecideOptions {
  /** A private chat, or a message addressed to the bot. */
  direct: boolean;
  /** What FAQ retrieval found for this message (bot/faq-index.ts); absent = no knowledge base. */
  faq?: FaqLookup;
  /** Consecutive misses after which a direct conversation is handed to a person (default 3; 0 = never). */
  handoffAfterMisses?: number;
  /** Points and check-ins are on in this channel (they were not confident enough to act on, if we got here). */
  loyalty?: boolean;
  /** A refinement chosen with a button (typed), not said in words. */
  refine?: RefineKind;
  /** An unknown `!command` typed in a private chat: answered with what the bot can do. */
  unknownCommand?: string;
}

/**
 * The dialogue policy as a pure function: NLU result + remembered state -> what to do next and
 * the state to keep. No I/O, so every branch is tested without sockets or models.
 */
export function decide(nlu: NluResult, prior: DialogueState, opts: DecideOptions): Decision {
  const state: DialogueState = structuredClone(prior);
  const faq = opts.faq;
  // A pick from FAQ choices we offered: "2" answers with the second, the number after them is a person.
  const choices = state.faqChoices;
  delete state.faqChoices;
  if (choices?.length) {
    const n = choicePick(nlu.text);
    if (n !== undefined && n <= choices.length) return { action: { type: 'faq_answer', entryId: choices[n - 1]! }, state: ok(state) };
    if (n === choices.length + 1) return handoff('asked', state);
  }
  if (opts.direct && isFrustrated(nlu.text)) return handoff('frustration', state);

  // "in Chinese please", "说英文": the conversation's language from now on.
  const asked = askedLanguage(nlu.text);
  if (asked) {
    state.language = asked;
    if (isOnlyLanguageRequest(nlu.text)) return { action: { type: 'say', key: 'language_set' }, state: ok(state) };
  }
  if (state.language) nlu = { ...nlu, language: state.language };

  const age = entityValue<number>(nlu.entities, 'age');
  if (age !== undefined) state.profile.age = age;
  const location = entityValue<string>(nlu.entities, 'location');
  if (location !== undefined) state.profile.location = location;

  // An answer to a question we asked ("how old are you?" -> "34") continues the pending request.
  if (state.pending?.ask === 'age') {
    const answered = age ?? bareNumber(nlu.text);
    if (answered !== undefined) {
      state.profile.age = answered;
      const request = { ...state.pending.request, age: answered };
      if (answered < ADULT_AGE) {
        // Still waiting: "ok then I'm 18 actually" continues the same request.
        state.pending = { ask: 'age', request: state.pending.request };
        return { action: { type: 'decline_minor' }, state: ok(state) };
      }
      delete state.pending;
      return { action: { type: 'recommend', request }, state: ok(state) };
    }
    if (nlu.intent !== 'ask_insurance') delete state.pending;
  }
  // An answer to "what would you like to learn?" ("python") continues the course request.
  if (state.pending?.ask === 'topic') {
    const topic = entityValue<string>(nlu.entities, 'topic');
    const request = { ...state.pending.request };
    delete state.pending;
    if (topic) {
      const asked = buildRequest('course', nlu);
      return { action: { type: 'recommend', request: { ...request, ...asked, topic, text: `${request.text} ${nlu.text}` } }, state: ok(state) };
    }
  }

  const understood = nlu.intent !== 'oos' && nlu.confidence >= MIN_CONFIDENCE;
  // A message that is nearly one of the FAQ's phrasings is answered even when the NLU is unsure.
  if ((!understood || nlu.intent === 'faq') && faq?.answerAlways) return { action: { type: 'faq_answer', entryId: faq.answerAlways }, state: ok(state) };
  if (understood && FAQ_OVERRIDES.has(nlu.intent) && faq?.answerOver) return { action: { type: 'faq_answer', entryId: faq.answerOver }, state: ok(state) };
  if (!understood) {
    // "lol", "gg", emoji: no question was asked, so nothing was missed.
    if (isChatNoise(nlu.text)) return { action: opts.direct ? { type: 'say', key: 'noise' } : { type: 'silent' }, state };
    if (opts.direct && faq?.choices.length) return faqChoices(faq.choices, miss(state), opts);
    return missed(state, opts, 'fallback');
  }

  switch (nlu.intent) {
    case 'recommend_course': {
      const request = buildRequest('course', nlu);
      // No topic understood: random courses would be a guess. Ask, offering popular topics.
      if (!request.topic) {
        state.pending = { ask: 'topic', request };
        return { action: { type: 'ask_topic', request }, state: ok(state) };
      }
      return { action: { type: 'recommend', request }, state: ok(state) };
    }
    case 'get_coupon': {
      const request = buildRequest('coupon', nlu);
      // Where the person is matters for local offers (a restaurant, "near me"), not for a headset.
      const local = request.cuisine !== undefined || /\b(near me|nearby|around here|close by|local)\b|附近|周边/i.test(nlu.text);
      if (!request.location && state.profile.location && local) request.location = state.profile.location;
      return { action: { type: 'recommend', request }, state: ok(state) };
    }
    case 'ask_insurance': {
      const request = buildRequest('insurance', nlu);
      const knownAge = state.profile.age;
      if (knownAge === undefined) {
        state.pending = { ask: 'age', request };
        return { action: { type: 'ask_age', request }, state: ok(state) };
      }
      if (knownAge < ADULT_AGE) {
        state.pending = { ask: 'age', request };
        return { action: { type: 'decline_minor' }, state: ok(state) };
      }
      return { action: { type: 'recommend', request: { ...request, age: knownAge } }, state: ok(state) };
    }
    case 'refine':
      return refine(nlu, state, opts.refine);
    case 'greet':
    case 'thanks':
    case 'bye':
      return { action: { type: 'say', key: nlu.intent }, state: ok(state) };
    case 'bot_help':
      return { action: { type: 'say', key: opts.unknownCommand ? 'unknown_command' : 'help' }, state: ok(state) };
    case 'opt_out':
      state.optedOut = true;
      return { action: { type: 'say', key: 'opted_out' }, state: ok(state) };
    case 'faq':
      if (faq?.answerIfFaq) return { action: { type: 'faq_answer', entryId: faq.answerIfFaq }, state: ok(state) };
      if (faq?.choices.length) return faqChoices(faq.choices, ok(state), opts);
      // Never a made-up answer: say we don't know, and count it towards a handoff.
      return missed(state, opts, faq ? 'faq_unknown' : 'faq_unavailable');
    case 'human_handoff':
      return handoff('asked', state);
    case 'check_in':
    case 'points_balance':
    case 'redeem_points':
      // An unsure guess that is also a FAQ question is the FAQ's (the loyalty stage did not act on it).
      if (nlu.confidence < ACTION_MIN_CONFIDENCE && faq?.answerIfFaq) return { action: { type: 'faq_answer', entryId: faq.answerIfFaq }, state: ok(state) };
      return { action: { type: 'say', key: opts.loyalty ? 'points_how' : 'points_unavailable' }, state: ok(state) };
    case 'oos':
      return missed(state, opts, 'fallback');
  }
}

function handoff(reason: HandoffReason, state: DialogueState): Decision {
  delete state.pending;
  return { action: { type: 'handoff', reason }, state: ok(state) };
}

function faqChoices(entryIds: string[], state: DialogueState, opts: DecideOptions): Decision {
  // In a group chat an unsure guess is not worth three lines nobody asked for.
  if (!opts.direct) return { action: { type: 'silent' }, state };
  delete state.pending;
  state.faqChoices = entryIds.slice(0, 3);
  return { action: { type: 'faq_choices', entryIds: state.faqChoices }, state };
}

/** Not understood: say so (in a direct chat), and after enough misses in a row offer a person. */
function missed(state: DialogueState, opts: DecideOptions, key: SayKey): Decision {
  miss(state);
  const after = opts.handoffAfterMisses ?? 3;
  if (opts.direct && after > 0 && state.misses >= after) return handoff('misses', state);
  return { action: opts.direct ? { type: 'say', key } : { type: 'silent' }, state };
}

function choicePick(text: string): number | undefined {
  const m = /^\s*#?([1-9])\s*[.)!。]?\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function refine(nlu: NluResult, state: DialogueState, typed?: RefineKind): Decision {
  const last = state.lastRequest;
  if (!last) return { action: { type: 'say', key: 'refine_without_context' }, state: ok(state) };
  const kind = typed ?? refineKind(nlu.text);
  const request: RecommendRequest = { ...last, excludeIds: [...state.shown] };
  // A refinement keeps the thread: the topic is never relaxed into other subjects.
  if (last.topic) request.keepTopic = true;
  const budget = entityValue<Budget>(nlu.entities, 'budget');
  const limit = budget ? toLimit(budget) : undefined;
  if (limit) request.budget = limit;
  const level = entityValue<string>(nlu.entities, 'level');
  // "more advanced" names a level but means one step up from the last one.
  const stepping = kind === 'harder' || kind === 'easier';
  if (level && isLevel(level) && !stepping) request.level = level;
  if (kind === 'cheaper' && !budget) {
    // Cheaper than the cheapest shown, compared in one currency (¥49 is less than $12.99). The
    // ceiling is ours, not the user's budget: it is not kept, nor called "your budget".
    const inUsd = (s: DialogueState['lastSuggestions'][number]) => s.usd ?? (s.currency === 'USD' ? s.price : Infinity);
    const cheapest = state.lastSuggestions.reduce<DialogueState['lastSuggestions'][number] | undefined>(
      (min, s) => (!min || inUsd(s) < inUsd(min) ? s : min), undefined);
    if (cheapest) request.ceiling = { currency: cheapest.currency, max: cheapest.price > 0 ? Math.round((cheapest.price - 0.01) * 100) / 100 : 0 };
  }
  if (kind === 'free') request.budget = { currency: last.budget?.currency ?? 'USD', max: 0 };
  if (stepping) {
    const current = LEVELS.indexOf(last.level ?? 'beginner');
    const next = LEVELS[Math.min(LEVELS.length - 1, Math.max(0, current + (kind === 'harder' ? 1 : -1)))];
    if (next) request.level = next;
  }
  return { action: { type: 'recommend', request, refine: kind }, state: ok(state) };
}

const REFINE_PATTERNS: [RefineKind, RegExp][] = [
  ['free', /\bfree\b|免费/i],
  ['cheaper', /cheap|less expensive|lower price|too expensive|too pricey|budget|便宜|太贵|划算|实惠/i],
  ['harder', /advanced|harder|more difficult|next level|deeper|pro\b|高级|进阶|难一点|更难|深入/i],
  ['easier', /easier|simpler|basic|beginner|简单|容易|入门|基础/i],
];

export function refineKind(text: string): RefineKind {
  for (const [kind, re] of REFINE_PATTERNS) if (re.test(text)) return kind;
  return 'another';
}

export function buildRequest(kind: RecommendRequest['kind'], nlu: NluResult): RecommendRequest {
  const request: RecommendRequest = { kind, text: nlu.text, userLanguage: nlu.language };
  const topic = entityValue<string>(nlu.entities, 'topic');
  if (topic) request.topic = topic;
  const level = entityValue<string>(nlu.entities, 'level');
  if (level && isLevel(level)) request.level = level;
  const budget = entityValue<Budget>(nlu.entities, 'budget');
  const limit = budget ? toLimit(budget) : undefined;
  if (limit) request.budget = limit;
  const language = entityValue<string>(nlu.entities, 'language');
  if (language === 'en' || language === 'zh') request.language = language;
  const location = entityValue<string>(nlu.entities, 'location');
  if (location) request.location = location;
  const cuisine = entityValue<string>(nlu.entities, 'cuisine');
  if (cuisine) request.cuisine = cuisine;
  const brand = entityValue<string>(nlu.entities, 'brand');
  if (brand) request.brand = brand;
  const insuranceType = entityValue<string>(nlu.entities, 'insurance_type');
  if (insuranceType) request.insuranceType = insuranceType;
  const age = entityValue<number>(nlu.entities, 'age');
  if (age !== undefined) request.age = age;
  return request;
}

/** Above this a "budget" is no limit at all ("under 1e9 dollars"): the request goes on without one. */
export const ABSURD_BUDGET = 1_000_000;

function toLimit(b: Budget): NonNullable<RecommendRequest['budget']> | undefined {
  const limit: NonNullable<RecommendRequest['budget']> = { currency: b.currency };
  if (b.max !== undefined && b.max < ABSURD_BUDGET) limit.max = b.max;
  if (b.min !== undefined && b.min < ABSURD_BUDGET) limit.min = b.min;
  if (b.max === undefined && b.min === undefined && b.amount < ABSURD_BUDGET) limit.max = b.amount;
  return limit.max === undefined && limit.min === undefined ? undefined : limit;
}

function entityValue<T>(entities: readonly Entity[], label: Entity['label']): T | undefined {
  return entities.find((e) => e.label === label)?.value as T | undefined;
}

function isLevel(s: string): s is Level {
  return (LEVELS as readonly string[]).includes(s);
}

function bareNumber(text: string): number | undefined {
  const m = /^\s*(\d{1,3})\s*(岁|yo|years?)?\s*[.!。]?\s*$/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

function ok(state: DialogueState): DialogueState {
  state.misses = 0;
  return state;
}

function miss(state: DialogueState): DialogueState {
  state.misses += 1;
  return state;
}
