import { overlapsAny, RuleEntityExtractor } from './entity-rules.js';
import { loadTextClassifier, loadTokenTagger, type ModelOptions, type TaggedGroup, type TextClassifier, type TokenTagger } from './models.js';
import type { LexiconEntry } from './rules/lexicon.js';
import { ENCODER_HEAD_FILE, type TrainedModels } from './trained-models.js';
import { EntityWorker, type EntityOutput } from './entity-worker.js';
import type { PredictedEntity } from './entities-train/index.js';
import { cleanTextWithMap, detectLanguage, MAX_MESSAGE_CHARS } from './text.js';
import { headScores, loadMultilingualEncoder, loadSentenceEncoder, type SentenceEncoder, type TextEncoder } from './encoder.js';
import { isOutOfScope, ruleProbabilities } from './intent/oos-rule.js';
import { NluResultCache } from './result-cache.js';
import { ENTITY_LABELS, INTENTS, type Entity, type EntityLabel, type IntentName, type Nlu, type NluResult, type ParseHints } from './types.js';

export interface NluEngineOptions extends ModelOptions {
  /** Models from `crossfeed nlu train` (users' own intents and entities), when present. */
  trained?: TrainedModels;
  /** Catalog vocabulary for the rule extractor (brands, cities, areas, cuisines). */
  lexicon?: readonly LexiconEntry[];
  /** Model spans below this score are dropped. */
  minEntityScore?: number;
  /**
   * Run the entity models (transformers.js tagger, TypeScript-trained tagger) in a worker thread
   * while the intent models and rules run in this one, so both cores work on every batch. The
   * tagger then lives only in the worker; if the worker fails, it is loaded here and work goes on.
   * Costs a second V8 heap (README, Benchmarks, has the figures). Default false.
   */
  batchWorker?: boolean;
  /**
   * Load the pretrained sentence encoders as the second stage of the cascade: data/models/encoder
   * re-reads the intent of English messages that the first stage let through, and data/models/encoder-zh
   * gives Chinese ones a vector (FAQ retrieval, course search). Default true; a missing or damaged
   * encoder file is then an error at load that names the file (never a silent fall-back to the first
   * stage alone).
   */
  encoder?: boolean;
  /**
   * Results kept for repeated messages (exact text and hints; nlp/result-cache.ts), least recently
   * used dropped first. Default 0 (off); the bot sets it from `nlu.resultCache` (2048 entries).
   */
  resultCache?: number;
  /** Called with every batch of texts a model is run on (tests and benchmarks count model calls). */
  onModelCall?: (model: 'intent' | 'entities' | 'encoder' | 'encoder-zh', texts: readonly string[]) => void;
}

/** Intents the bot acts on without being addressed (bot/stages/understand.ts, attend). */
const ACTIONABLE = new Set<string>(['recommend_course', 'get_coupon', 'ask_insurance', 'faq']);
/**
 * First stage of the cascade: an unaddressed message goes on to the entity models and the encoder
 * only if today's intent model gives the actionable intents together at least this probability.
 * The bot acts on unaddressed chat only at 0.85 (ChannelPolicy.unaddressedMinConfidence), so this
 * keeps requests the first stage is unsure of and drops what it calls chat (docs/nlu-encoder.md).
 */
export const CASCADE_MIN_ACTIONABLE = 0.2;
/** Weight of the encoder's intent probabilities against the first stage's, for English messages. */
export const ENCODER_WEIGHT = 0.5;

const INTENT_SET = new Set<string>(INTENTS);
const TRAINED_ENTITY_MIN_SCORE = 0.85;
const LABEL_SET = new Set<string>(ENTITY_LABELS);
/** Texts per transformers.js call in parseBatch; larger batches gain little on 2 cores and pad more. */
const MODEL_BATCH = 32;
/** At most this many waiting `parse` calls go into one parseBatch. */
const COALESCE_MAX = 256;

interface Waiting { raw: string; hints: ParseHints | undefined; resolve: (r: NluResult) => void; reject: (e: unknown) => void }

/** Intent from the shipped transformers.js classifier; entities from rules, completed by the tagger model. */
export class NluEngine implements Nlu {
  private readonly waiting: Waiting[] = [];
  private draining = false;
  /** Results of messages seen before (chat repeats itself); see NluResultCache. */
  readonly cache: NluResultCache;

  private constructor(
    private readonly modelOptions: ModelOptions,
    private readonly classify: TextClassifier,
    /** The shipped tagger in this thread; with a batch worker it is loaded only if the worker fails. */
    private tagger: TokenTagger | undefined,
    private readonly rules: RuleEntityExtractor,
    private readonly minEntityScore: number,
    private readonly trained: TrainedModels,
    private worker: EntityWorker | undefined,
    /** Second stage: the pretrained encoder, for messages the first stage let through. */
    readonly encoder: SentenceEncoder | undefined,
    /** Second stage for Chinese: a vector only (its intent stays with the first stage). */
    readonly chineseEncoder: TextEncoder | undefined,
    private readonly onModelCall: NluEngineOptions['onModelCall'],
    resultCache: number,
  ) {
    this.cache = new NluResultCache(resultCache);
  }

  static async load(o: NluEngineOptions): Promise<NluEngine> {
    const { modelDir, threads, dtype } = o;
    const options: ModelOptions = { modelDir, threads, dtype };
    const trained = o.trained ?? {};
    let worker = o.batchWorker ? new EntityWorker(options, trained) : undefined;
    const [classify, workerReady, encoder, chineseEncoder] = await Promise.all([
      loadTextClassifier('intent', o),
      worker ? worker.ready.then(() => true, () => false) : false,
      o.encoder === false ? undefined : loadSentenceEncoder('encoder', options),
      o.encoder === false ? undefined : loadMultilingualEncoder(options),
    ]);
    if (trained.encoderHead && encoder && trained.encoderHead.encoderHash !== encoder.hash) {
      await worker?.close();
      throw new Error(`the trained encoder head (${ENCODER_HEAD_FILE}) was trained on another encoder than ${o.modelDir}/encoder; run \`crossfeed nlu train\` again`);
    }
    if (worker && !workerReady) {
      await worker.close();
      worker = undefined;
    }
    // Without a working batch worker the tagger runs here (and a broken model folder fails here, clearly).
    const tagger = worker ? undefined : await loadTokenTagger('entities', o);
    return new NluEngine(options, classify, tagger, new RuleEntityExtractor([...(o.lexicon ?? []), ...(trained.synonyms ?? [])]), o.minEntityScore ?? 0.6, trained, worker,
      encoder, chineseEncoder, o.onModelCall, o.resultCache ?? 0);
  }

  /**
   * One message. Calls that arrive while a batch is being parsed wait for it and then go together
   * into the next parseBatch, so a busy bot gets batching for free (one message alone goes at once).
   * Results are exactly parseBatch's, which are exactly those of each message alone.
   */
  parse(raw: string, hints?: ParseHints): Promise<NluResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ raw, hints, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    // Let calls made in the same turn of the event loop join the first batch.
    await new Promise((r) => setImmediate(r));
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, COALESCE_MAX);
      try {
        const results = await this.parseBatch(batch.map((w) => w.raw), batch.map((w) => w.hints ?? {}));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (err) {
        batch.forEach((w) => w.reject(err));
      }
    }
    this.draining = false;
  }

  /**
   * The same results as `parse` on each text, with the transformers.js models run on batches.
   * Texts are grouped by length before batching (a batch is padded to its longest text), so a
   * caller can pass chat in arrival order; results come back in the caller's order.
   */
  async parseBatch(raws: readonly string[], hints?: readonly ParseHints[]): Promise<NluResult[]> {
    const results: NluResult[] = new Array(raws.length);
    // Messages seen before take their earlier result; the rest are read once each.
    const missed = new Map<string, number[]>();
    const uncached: number[] = [];
    raws.forEach((raw, i) => {
      const key = this.cache.key(raw, hints?.[i]);
      const hit = this.cache.get(key);
      if (hit) results[i] = hit;
      else if (key === undefined) uncached.push(i);
      else if (missed.has(key)) missed.get(key)!.push(i);
      else missed.set(key, [i]);
    });
    const todo = [...uncached, ...[...missed.values()].map((same) => same[0]!)];
    if (!todo.length) return results;
    const read = await this.read(todo.map((i) => raws[i]!), hints && todo.map((i) => hints[i] ?? {}));
    todo.forEach((i, k) => (results[i] = read[k]!));
    for (const [key, same] of missed) {
      this.cache.set(key, results[same[0]!]!);
      for (const i of same.slice(1)) results[i] = this.cache.get(key)!;
    }
    return results;
  }

  /** parseBatch without the cache. */
  private async read(raws: readonly string[], hints?: readonly ParseHints[]): Promise<NluResult[]> {
    const prepared = raws.map(prepare);
    const results: NluResult[] = new Array(raws.length);
    const nonEmpty: number[] = [];
    prepared.forEach((p, i) => {
      if (p.text) nonEmpty.push(i);
      else results[i] = { text: p.text, intent: 'oos', confidence: 1, alternatives: [], entities: [], language: p.language };
    });
    const chunked = (list: number[]) => {
      const chunks: number[][] = [];
      for (let k = 0; k < list.length; k += MODEL_BATCH) chunks.push(list.slice(k, k + MODEL_BATCH));
      return chunks;
    };
    const textsOf = (chunk: number[]) => chunk.map((i) => prepared[i]!.text);
    // The TypeScript intent model, once per text (it votes in every result).
    const trainedRanked = new Map<number, Ranked | undefined>();
    const tsRanked = (i: number): Ranked | undefined => {
      if (!trainedRanked.has(i)) trainedRanked.set(i, this.trained.intent?.predict(prepared[i]!.text).ranked);
      return trainedRanked.get(i);
    };
    // Stage 0: unaddressed chat that cannot reach the caller's confidence, whatever the
    // transformers.js models said, reaches none of them (see `canReach`).
    const todo = nonEmpty.filter((i) => {
      const answerAt = hints?.[i]?.addressed === false ? hints[i]!.answerAt : undefined;
      const ranked = answerAt === undefined ? undefined : tsRanked(i);
      if (!ranked || canReach(ranked, answerAt!)) return true;
      results[i] = this.shallow(prepared[i]!, combineIntents([], ranked));
      return false;
    });
    todo.sort((a, b) => prepared[a]!.text.length - prepared[b]!.text.length || a - b);
    // Stage 1: today's small intent model (and the user's TypeScript model) on every message left.
    const first = new Map<number, { label: string; score: number }[]>();
    for (const chunk of chunked(todo)) {
      const texts = textsOf(chunk);
      this.onModelCall?.('intent', texts);
      const scores = await this.classify(texts, { top_k: INTENTS.length });
      chunk.forEach((i, j) => first.set(i, scores[j] ?? []));
    }
    // Only what may be meant for the bot goes on to the entity models and the encoder; with the
    // caller's confidence known, only what they could still make answerable.
    const deep = todo.filter((i) => {
      const h = hints?.[i];
      if (h?.addressed !== false) return true;
      const scores = first.get(i)!;
      if (!mayBeForBot(scores)) return false;
      if (h.answerAt === undefined) return true;
      const encoded = this.encoder !== undefined && prepared[i]!.language === 'en';
      const shipped = (intent: string) => {
        const s = scores.find((x) => x.label === intent)?.score ?? 0;
        return encoded ? (1 - ENCODER_WEIGHT) * s + ENCODER_WEIGHT : s;
      };
      return canReach(tsRanked(i), h.answerAt, shipped);
    });
    const deepSet = new Set(deep);
    for (const i of todo) {
      if (!deepSet.has(i)) results[i] = this.shallow(prepared[i]!, combineIntents(first.get(i)!, tsRanked(i)));
    }
    const chunks = chunked(deep);
    // Every chunk goes to the worker first, so it never waits for this thread between chunks.
    const offloaded = chunks.map((chunk) => this.offload(textsOf(chunk)));
    for (const [c, chunk] of chunks.entries()) {
      const texts = textsOf(chunk);
      const encoded = await this.encode(chunk.map((i) => prepared[i]!));
      const entityOut = await offloaded[c];
      let groups: readonly TaggedGroup[][];
      if (entityOut) groups = entityOut.groups;
      else {
        this.onModelCall?.('entities', texts);
        groups = await (await this.localTagger())(texts, { aggregation_strategy: 'simple' });
      }
      chunk.forEach((i, j) => {
        const scores = mixScores(first.get(i)!, encoded[j]?.scores);
        let ranked = combineIntents(scores, tsRanked(i));
        // The deployment's head may carry an out-of-scope rule (`crossfeed nlu train`); it only
        // ever turns an answer into oos, so `canReach` stays an upper bound.
        const rule = this.trained.encoderHead?.oos;
        const read = encoded[j];
        if (rule && read?.scores && isOutOfScope(rule, ruleProbabilities(tsRanked(i), read.scores), read.vector)) ranked = outOfScope(ranked);
        results[i] = this.finish(raws[i]!, prepared[i]!, ranked, groups[j] ?? [], entityOut?.entities[j]);
        const vector = encoded[j]?.vector;
        if (vector) results[i]!.vector = vector;
      });
    }
    return results;
  }

  /**
   * The encoders' reading of a chunk: English texts get the encoder's vector and intent
   * probabilities, Chinese ones encoder-zh's vector only (the English encoder's vocabulary has 244
   * Chinese characters, and the first stage reads Chinese intents better: docs/nlu-encoder.md).
   */
  private async encode(items: readonly Prepared[]): Promise<(Encoded | undefined)[]> {
    const out: (Encoded | undefined)[] = items.map(() => undefined);
    // The deployment's own head from `crossfeed nlu train`, when it has one, else the shipped one.
    const head = this.encoder && (this.trained.encoderHead ?? this.encoder.head);
    const readers = [
      { language: 'en', model: 'encoder', encoder: this.encoder, head },
      { language: 'zh', model: 'encoder-zh', encoder: this.chineseEncoder, head: undefined },
    ] as const;
    for (const r of readers) {
      const idx = r.encoder ? items.flatMap((p, k) => (p.language === r.language ? [k] : [])) : [];
      if (!idx.length) continue;
      const texts = idx.map((k) => items[k]!.text);
      this.onModelCall?.(r.model, texts);
      const vectors = await r.encoder!.embed(texts);
      idx.forEach((k, j) => (out[k] = { vector: vectors[j]!, ...(r.head ? { scores: headScores(r.head, vectors[j]!) } : {}) }));
    }
    return out;
  }

  /** The entity models' output for a chunk from the worker, or undefined to compute it here. */
  private offload(texts: string[]): Promise<EntityOutput | undefined> {
    if (!this.worker?.usable) return Promise.resolve(undefined);
    this.onModelCall?.('entities', texts);
    // A failed worker only costs speed: the models run here instead.
    return this.worker.run(texts).catch(() => undefined);
  }

  /** The shipped tagger in this thread, loaded on first use when the batch worker is gone. */
  private async localTagger(): Promise<TokenTagger> {
    this.tagger ??= await loadTokenTagger('entities', this.modelOptions);
    return this.tagger;
  }

  /** Stops the batch worker thread, if one was started. The engine stays usable (in one thread). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.close();
  }

  /**
   * Everything after the transformers.js models for one message: TypeScript models, rules, offsets.
   * `trainedSpans` is the TypeScript tagger's output when the worker computed it.
   */
  private finish(raw: string, { text, map, language }: Prepared, ranked: ReturnType<typeof combineIntents>,
    groups: readonly TaggedGroup[], trainedSpans?: readonly PredictedEntity[]): NluResult {
    const best = ranked[0] ?? { intent: 'oos' as const, confidence: 1 };
    const entities = this.rules.extract(text, language);
    entities.push(...this.modelEntities(text, groups, entities));
    if (this.trained.entities) entities.push(...this.trainedEntities(text, entities, trainedSpans));
    entities.sort((a, b) => a.start - b.start);
    // Offsets refer to the caller's string, not to the cleaned copy.
    const located = entities.map((e) => ({ ...e, start: map[e.start]!, end: map[e.end - 1]! + 1, text: raw.slice(map[e.start]!, map[e.end - 1]! + 1) }));
    return { text, intent: best.intent, confidence: best.confidence, alternatives: ranked.slice(1), entities: located, language };
  }

  /** A result without entities (stages 0 and 1 only). */
  private shallow(p: Prepared, ranked: ReturnType<typeof combineIntents>): NluResult {
    const best = ranked[0] ?? { intent: 'oos' as const, confidence: 1 };
    return { text: p.text, intent: best.intent, confidence: best.confidence, alternatives: ranked.slice(1), entities: [], language: p.language };
  }

  /** Spans the TypeScript-trained tagger found that neither rules nor the shipped tagger covered. */
  private trainedEntities(text: string, found: readonly Entity[], predicted?: readonly PredictedEntity[]): Entity[] {
    return (predicted ?? this.trained.entities!.predict(text))
      // This tagger's score is sigmoid(3 x margin), from 0.5 up; 0.85 is where its spans were right ~85-90% of the time.
      .filter((p) => p.score >= TRAINED_ENTITY_MIN_SCORE && LABEL_SET.has(p.label) && !overlapsAny(p, found))
      .map((p): Entity => ({ label: p.label as EntityLabel, value: p.text.toLowerCase(), text: p.text, start: p.start, end: p.end, source: 'model' }));
  }

  /** Spans the tagger found that no rule covered, located back in the text. */
  private modelEntities(text: string, groups: readonly TaggedGroup[], ruled: readonly Entity[]): Entity[] {
    const out: Entity[] = [];
    let from = 0;
    for (const g of groups) {
      if (g.score < this.minEntityScore || !LABEL_SET.has(g.entity_group)) continue;
      const span = locate(text, g.word, from);
      if (!span) continue;
      from = span.end;
      const entity: Entity = { label: g.entity_group as EntityLabel, value: '', text: text.slice(span.start, span.end),
        start: span.start, end: span.end, source: 'model' };
      if (overlapsAny(entity, ruled) || entity.label === 'budget' || entity.label === 'age') continue;
      out.push({ ...entity, value: entity.text.toLowerCase() });
    }
    return out;
  }
}

/** Does the first stage think this unaddressed message may be a request to the bot? */
export function mayBeForBot(first: readonly { label: string; score: number }[]): boolean {
  const actionable = first.reduce((s, x) => s + (ACTIONABLE.has(x.label) ? x.score : 0), 0);
  return actionable >= CASCADE_MIN_ACTIONABLE;
}

type Ranked = readonly { intent: string; confidence: number }[];

/**
 * Could an actionable intent's final confidence reach `answerAt`? `shipped(X)` is the most the
 * transformers.js models can still give intent X (1 before any ran; after stage 1, stage 1's
 * probability averaged with an encoder that gives X everything, or stage 1's alone for Chinese,
 * which the encoder never reads). `combineIntents` averages that probability p with the TypeScript
 * model's t (0.5 p + 0.5 t over the intents both know, t alone over the others, normalised); the
 * shipped models know every actionable intent. With T the TypeScript model's mass on the bot's
 * intents, X's final share is at most (p + t_X) / (1 + T) (p alone without a TypeScript model).
 * Below `answerAt`, less a rounding margin, no model still to run can make the message answerable.
 */
export function canReach(trained: Ranked | undefined, answerAt: number, shipped: (intent: string) => number = () => 1): boolean {
  let total = 0;
  const t = new Map<string, number>();
  for (const x of trained ?? []) {
    if (!INTENT_SET.has(x.intent)) continue;
    total += x.confidence;
    t.set(x.intent, x.confidence);
  }
  let best = 0;
  for (const intent of ACTIONABLE) best = Math.max(best, trained ? (shipped(intent) + (t.get(intent) ?? 0)) / (1 + total) : shipped(intent));
  return best >= answerAt - 1e-3;
}

/** The first stage's and the encoder's intent probabilities, averaged (the first stage's alone without the encoder). */
export function mixScores(first: readonly { label: string; score: number }[], second?: readonly { label: string; score: number }[]) {
  if (!second) return first;
  const p = new Map<string, number>();
  for (const s of first) p.set(s.label, (1 - ENCODER_WEIGHT) * s.score);
  for (const s of second) p.set(s.label, (p.get(s.label) ?? 0) + ENCODER_WEIGHT * s.score);
  return [...p].map(([label, score]) => ({ label, score })).sort((a, b) => b.score - a.score);
}

/** An encoder's reading: intent probabilities only from the English encoder's head. */
interface Encoded { scores?: { label: string; score: number }[]; vector: Float32Array }

interface Prepared {
  text: string;
  map: number[];
  language: 'en' | 'zh';
}

function prepare(raw: string): Prepared {
  // Long texts are cut by design: chat messages are short, and inference time must stay bounded.
  const { text: cleaned, map } = cleanTextWithMap(raw.length > MAX_MESSAGE_CHARS * 4 ? raw.slice(0, MAX_MESSAGE_CHARS * 4) : raw);
  const text = cleaned.slice(0, MAX_MESSAGE_CHARS);
  return { text, map, language: detectLanguage(text) };
}

/** Finds a decoded WordPiece string in the original text, ignoring case and the spaces the decoder adds. */
function locate(text: string, word: string, from: number): { start: number; end: number } | undefined {
  const chars = [...word.replace(/\s+/g, '')];
  if (chars.length === 0) return undefined;
  const pattern = chars.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s*');
  const re = new RegExp(pattern, 'iu');
  const m = re.exec(text.slice(from)) ?? re.exec(text);
  if (!m) return undefined;
  const offset = re.exec(text.slice(from)) ? from : 0;
  return { start: offset + m.index, end: offset + m.index + m[0].length };
}

/**
 * The shipped transformer and the TypeScript model trained on the deployment's own data vote with
 * equal weight on the intents both know; an intent only the deployment's data has (a team's own
 * FAQ topics, say) takes the TypeScript model's probability. Intents outside the bot's contract are
 * dropped: the dialogue policy cannot act on them.
 */
export function combineIntents(shipped: readonly { label: string; score: number }[], trained?: readonly { intent: string; confidence: number }[]) {
  const p = new Map<string, number>();
  for (const s of shipped) if (INTENT_SET.has(s.label)) p.set(s.label, s.score);
  if (trained) {
    const known = new Set(p.keys());
    for (const t of trained) {
      if (!INTENT_SET.has(t.intent)) continue;
      p.set(t.intent, known.has(t.intent) ? 0.5 * (p.get(t.intent) ?? 0) + 0.5 * t.confidence : t.confidence);
    }
  }
  const total = [...p.values()].reduce((a, b) => a + b, 0) || 1;
  return [...p.entries()]
    .map(([intent, score]) => ({ intent: intent as IntentName, confidence: round(score / total) }))
    .sort((a, b) => b.confidence - a.confidence)
    .slice(0, 4);
}

/** `ranked` answered out-of-scope: oos first, at one less the best intent's confidence (as the TypeScript model's threshold does). */
export function outOfScope(ranked: ReturnType<typeof combineIntents>): ReturnType<typeof combineIntents> {
  if (ranked[0]?.intent === 'oos') return ranked;
  return [{ intent: 'oos' as const, confidence: round(1 - (ranked[0]?.confidence ?? 0)) }, ...ranked.filter((x) => x.intent !== 'oos')].slice(0, 4);
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
