import type { RecommendRequest } from '../recommender/request.js';

/**
 * What the bot remembers per platform + channel + user, stored with the conversation. Plain JSON
 * so it survives restarts.
 */
export interface DialogueState {
  /** The last request that produced suggestions, for "another one" and "cheaper?". */
  lastRequest?: RecommendRequest;
  /** Every item shown in this conversation, newest last. */
  shown: string[];
  /** The items of the last answer, with their prices (for "cheaper?"). */
  lastSuggestions: { id: string; price: number; currency: string; /** The price in USD, to compare across currencies. */ usd?: number }[];
  /** Facts the user told us that later requests reuse. */
  profile: { age?: number; location?: string };
  /** A question the bot asked and is waiting on. */
  pending?: { ask: 'age' | 'topic'; request: RecommendRequest };
  /** FAQ entries offered as numbered choices; "1".."3" next picks one. */
  faqChoices?: string[];
  /** The bot asked for an email and message (no agent online). */
  awaitingContact?: boolean;
  /** The user asked to delete their data; a "yes" next confirms. */
  confirmForget?: boolean;
  /** The language the person asked the bot to use ("in Chinese please"); absent = the language of each message. */
  language?: 'en' | 'zh';
  /** Consecutive messages the bot did not understand. */
  misses: number;
  optedOut: boolean;
}

export function emptyState(): DialogueState {
  return { shown: [], lastSuggestions: [], profile: {}, misses: 0, optedOut: false };
}

/** Reads stored state defensively: old or damaged JSON falls back to defaults field by field. */
export function restoreState(raw: unknown): DialogueState {
  const s = emptyState();
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Partial<DialogueState>;
  if (r.lastRequest && typeof r.lastRequest === 'object') s.lastRequest = r.lastRequest;
  if (Array.isArray(r.shown)) s.shown = r.shown.filter((x): x is string => typeof x === 'string').slice(-200);
  if (Array.isArray(r.lastSuggestions)) s.lastSuggestions = r.lastSuggestions.filter((x) => x && typeof x.id === 'string');
  if (r.profile && typeof r.profile === 'object') {
    if (typeof r.profile.age === 'number') s.profile.age = r.profile.age;
    if (typeof r.profile.location === 'string') s.profile.location = r.profile.location;
  }
  if ((r.pending?.ask === 'age' || r.pending?.ask === 'topic') && r.pending.request) s.pending = r.pending;
  if (Array.isArray(r.faqChoices)) {
    const ids = r.faqChoices.filter((x): x is string => typeof x === 'string').slice(0, 3);
    if (ids.length) s.faqChoices = ids;
  }
  if (r.awaitingContact === true) s.awaitingContact = true;
  if (r.confirmForget === true) s.confirmForget = true;
  if (r.language === 'en' || r.language === 'zh') s.language = r.language;
  if (typeof r.misses === 'number') s.misses = r.misses;
  s.optedOut = r.optedOut === true;
  return s;
}
