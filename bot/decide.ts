import type { Level } from '../data/catalog/types.js';
import { LEVELS } from '../data/catalog/types.js';
import type { Budget, Entity, NluResult } from '../nlp/types.js';
import type { RecommendRequest } from '../recommender/request.js';
import type { DialogueState } from './dialogue.js';

export type SayKey =
  | 'greet' | 'thanks' | 'bye' | 'help' | 'opted_out' | 'fallback' | 'refine_without_context'
  | 'faq_unavailable' | 'points_unavailable' | 'handoff_unavailable' | 'too_long';

export type RefineKind = 'another' | 'cheaper' | 'harder' | 'easier' | 'free';

export type Action =
  | { type: 'recommend'; request: RecommendRequest; refine?: RefineKind }
  | { type: 'ask_age'; request: RecommendRequest }
  | { type: 'decline_minor' }
  | { type: 'say'; key: SayKey }
  | { type: 'silent' };

export interface Decision {
  action: Action;
  state: DialogueState;
}

/** Below this confidence a direct message is treated as not understood. */
export const MIN_CONFIDENCE = 0.45;

/**
 * The dialogue policy as a pure function: NLU result + remembered state -> what to do next and
 * the state to keep. No I/O, so every branch is tested without sockets or models.
 */
export function decide(nlu: NluResult, prior: DialogueState, opts: { direct: boolean }): Decision {
  const state: DialogueState = structuredClone(prior);
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
      delete state.pending;
      return { action: answered < 18 ? { type: 'decline_minor' } : { type: 'recommend', request }, state: ok(state) };
    }
    if (nlu.intent !== 'ask_insurance') delete state.pending;
  }

  if (nlu.intent !== 'oos' && nlu.confidence < MIN_CONFIDENCE) {
    return { action: opts.direct ? { type: 'say', key: 'fallback' } : { type: 'silent' }, state: miss(state) };
  }

  switch (nlu.intent) {
    case 'recommend_course':
      return { action: { type: 'recommend', request: buildRequest('course', nlu) }, state: ok(state) };
    case 'get_coupon': {
      const request = buildRequest('coupon', nlu);
      if (!request.location && state.profile.location) request.location = state.profile.location;
      return { action: { type: 'recommend', request }, state: ok(state) };
    }
    case 'ask_insurance': {
      const request = buildRequest('insurance', nlu);
      const knownAge = state.profile.age;
      if (knownAge === undefined) {
        state.pending = { ask: 'age', request };
        return { action: { type: 'ask_age', request }, state: ok(state) };
      }
      if (knownAge < 18) return { action: { type: 'decline_minor' }, state: ok(state) };
      return { action: { type: 'recommend', request: { ...request, age: knownAge } }, state: ok(state) };
    }
    case 'refine':
      return refine(nlu, state);
    case 'greet':
    case 'thanks':
    case 'bye':
      return { action: { type: 'say', key: nlu.intent }, state: ok(state) };
    case 'bot_help':
      return { action: { type: 'say', key: 'help' }, state: ok(state) };
    case 'opt_out':
      state.optedOut = true;
      return { action: { type: 'say', key: 'opted_out' }, state: ok(state) };
    case 'faq':
      return { action: { type: 'say', key: 'faq_unavailable' }, state: ok(state) };
    case 'human_handoff':
      return { action: { type: 'say', key: 'handoff_unavailable' }, state: ok(state) };
    case 'check_in':
    case 'points_balance':
    case 'redeem_points':
      return { action: { type: 'say', key: 'points_unavailable' }, state: ok(state) };
    case 'oos':
      return { action: opts.direct ? { type: 'say', key: 'fallback' } : { type: 'silent' }, state: miss(state) };
  }
}

function refine(nlu: NluResult, state: DialogueState): Decision {
  const last = state.lastRequest;
  if (!last) return { action: { type: 'say', key: 'refine_without_context' }, state: ok(state) };
  const kind = refineKind(nlu.text);
  const request: RecommendRequest = { ...last, excludeIds: [...state.shown] };
  const budget = entityValue<Budget>(nlu.entities, 'budget');
  const limit = budget ? toLimit(budget) : undefined;
  if (limit) request.budget = limit;
  const level = entityValue<string>(nlu.entities, 'level');
  // "more advanced" names a level but means one step up from the last one.
  const stepping = kind === 'harder' || kind === 'easier';
  if (level && isLevel(level) && !stepping) request.level = level;
  if (kind === 'cheaper' && !budget) {
    const cheapest = state.lastSuggestions.reduce<{ price: number; currency: string } | undefined>(
      (min, s) => (!min || s.price < min.price ? s : min), undefined);
    if (cheapest) request.budget = { currency: cheapest.currency, max: Math.max(0, cheapest.price - 0.01) };
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
