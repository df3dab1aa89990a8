import type { SentenceEncoder, TextEncoder } from './encoder.js';
/** What the NLU hands to the bot: an intent with calibrated confidence, entities and a language. */

export const INTENTS = [
  'recommend_course', 'get_coupon', 'ask_insurance', 'faq', 'human_handoff', 'check_in', 'points_balance',
  'redeem_points', 'refine', 'greet', 'thanks', 'bye', 'bot_help', 'opt_out', 'oos',
] as const;
export type IntentName = (typeof INTENTS)[number];

export const ENTITY_LABELS = [
  'topic', 'level', 'budget', 'language', 'location', 'cuisine', 'brand', 'insurance_type', 'age', 'game',
] as const;
export type EntityLabel = (typeof ENTITY_LABELS)[number];

export type Lang = 'en' | 'zh';

/** A money limit in a currency: `max` for "under $30", `min` for "over 100", both for ranges. */
export interface Budget {
  amount: number;
  currency: string;
  comparator: 'max' | 'min' | 'about' | 'range';
  min?: number;
  max?: number;
}

export interface Entity {
  label: EntityLabel;
  /** Normalized value: a canonical id ("python"), a number (age) or a Budget. */
  value: string | number | Budget;
  /** The text as written, and its UTF-16 offsets in the cleaned message. */
  text: string;
  start: number;
  end: number;
  source: 'rule' | 'model';
}

export interface IntentScore {
  intent: IntentName;
  confidence: number;
}

export interface NluResult {
  /** The message after cleaning (zero-width and tag characters removed, whitespace collapsed). */
  text: string;
  intent: IntentName;
  confidence: number;
  /** The next best intents, best first. */
  alternatives: IntentScore[];
  entities: Entity[];
  language: Lang;
  /**
   * A unit vector of the text from the encoder of its language, when one read it (FAQ retrieval and
   * course search reuse it): `Nlu.encoder` for English, `Nlu.chineseEncoder` for Chinese. Vectors of
   * the two languages live in different spaces and are never compared with each other.
   */
  vector?: Float32Array;
}

/** What the bot already knows about a message before the NLU reads it. */
export interface ParseHints {
  /**
   * false: nobody addressed the bot (no mention, command, reply or direct chat). The engine then
   * runs only its cheap first stage unless that stage sees a possible request (nlp/engine.ts).
   * Default: treated as addressed (every model runs).
   */
  addressed?: boolean;
  /**
   * With `addressed: false`: the least confidence at which the caller acts on an actionable intent
   * (ChannelPolicy.unaddressedMinConfidence). A message the engine can show never reaches it, from
   * the TypeScript intent model alone, reaches no transformers.js model at all (nlp/engine.ts,
   * stage 0); its result is that model's reading. Absent: every unaddressed message reaches stage 1.
   */
  answerAt?: number;
}

export interface Nlu {
  parse(text: string, hints?: ParseHints): Promise<NluResult>;
  /** The engine's English sentence encoder, when it has one (the FAQ index embeds its phrasings with it). */
  readonly encoder?: SentenceEncoder | undefined;
  /** The engine's encoder for Chinese (data/models/encoder-zh), when it has one: Chinese phrasings and catalog vectors. */
  readonly chineseEncoder?: TextEncoder | undefined;
}
