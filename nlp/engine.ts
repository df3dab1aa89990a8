import { overlapsAny, RuleEntityExtractor } from './entity-rules.js';
import { loadTextClassifier, loadTokenTagger, type ModelOptions, type TaggedGroup, type TextClassifier, type TokenTagger } from './models.js';
import type { LexiconEntry } from './rules/lexicon.js';
import type { TrainedModels } from './trained-models.js';
import { TrainedModelsWorker, type TrainedOutput } from './trained-worker.js';
import type { PredictedEntity } from './entities-train/index.js';
import { cleanTextWithMap, detectLanguage, MAX_MESSAGE_CHARS } from './text.js';
import { ENTITY_LABELS, INTENTS, type Entity, type EntityLabel, type IntentName, type Nlu, type NluResult } from './types.js';

export interface NluEngineOptions extends ModelOptions {
  /** Models from `crossfeed nlu train` (users' own intents and entities), when present. */
  trained?: TrainedModels;
  /** Catalog vocabulary for the rule extractor (brands, cities, areas, cuisines). */
  lexicon?: readonly LexiconEntry[];
  /** Model spans below this score are dropped. */
  minEntityScore?: number;
  /**
   * parseBatch runs the TypeScript-trained models in a worker thread (started on the first batch of
   * at least WORKER_MIN_BATCH messages) while the transformers.js models run in this one: about 40%
   * more messages/s on 2 cores, for 50-70 MiB more resident memory (a second V8 heap with its own
   * copy of the models). Default false.
   */
  batchWorker?: boolean;
}

const INTENT_SET = new Set<string>(INTENTS);
const TRAINED_ENTITY_MIN_SCORE = 0.85;
const LABEL_SET = new Set<string>(ENTITY_LABELS);
/** Texts per transformers.js call in parseBatch; larger batches gain little on 2 cores and pad more. */
const MODEL_BATCH = 32;
/** Smaller batches stay in this thread: the round trip to the worker costs more than it saves. */
const WORKER_MIN_BATCH = 8;

/** Intent from the shipped transformers.js classifier; entities from rules, completed by the tagger model. */
export class NluEngine implements Nlu {
  private worker: TrainedModelsWorker | undefined;

  private constructor(
    private readonly classify: TextClassifier,
    private readonly tagger: TokenTagger | undefined,
    private readonly rules: RuleEntityExtractor,
    private readonly minEntityScore: number,
    private readonly trained: TrainedModels,
    private readonly batchWorker: boolean,
  ) {}

  static async load(o: NluEngineOptions): Promise<NluEngine> {
    const [classify, tagger] = await Promise.all([
      loadTextClassifier('intent', o),
      loadTokenTagger('entities', o),
    ]);
    return new NluEngine(classify, tagger, new RuleEntityExtractor(o.lexicon ?? []), o.minEntityScore ?? 0.6, o.trained ?? {}, o.batchWorker ?? false);
  }

  async parse(raw: string): Promise<NluResult> {
    return (await this.parseBatch([raw]))[0]!;
  }

  /**
   * The same results as `parse` on each text, with the transformers.js models run on batches.
   * Texts are grouped by length before batching (a batch is padded to its longest text), so a
   * caller can pass chat in arrival order; results come back in the caller's order.
   */
  async parseBatch(raws: readonly string[]): Promise<NluResult[]> {
    const prepared = raws.map(prepare);
    const results: NluResult[] = new Array(raws.length);
    const todo: number[] = [];
    prepared.forEach((p, i) => {
      if (p.text) todo.push(i);
      else results[i] = { text: p.text, intent: 'oos', confidence: 1, alternatives: [], entities: [], language: p.language };
    });
    todo.sort((a, b) => prepared[a]!.text.length - prepared[b]!.text.length || a - b);
    for (let k = 0; k < todo.length; k += MODEL_BATCH) {
      const chunk = todo.slice(k, k + MODEL_BATCH);
      const texts = chunk.map((i) => prepared[i]!.text);
      // Posted before the transformers.js models run, so both cores work on this chunk.
      const offloaded = this.offload(texts);
      const [scores, groups] = await Promise.all([
        this.classify(texts, { top_k: INTENTS.length }),
        this.tagger ? this.tagger(texts, { aggregation_strategy: 'simple' }) : undefined,
      ]);
      const trained = await offloaded;
      chunk.forEach((i, j) => {
        results[i] = this.finish(raws[i]!, prepared[i]!, scores[j] ?? [], groups?.[j], trained && { ranked: trained.ranked[j], entities: trained.entities[j] });
      });
    }
    return results;
  }

  /** The TypeScript-trained models' output for a chunk from the worker, or undefined to compute it here. */
  private offload(texts: string[]): Promise<TrainedOutput | undefined> {
    if (!this.batchWorker || texts.length < WORKER_MIN_BATCH || !(this.trained.intent || this.trained.entities)) return Promise.resolve(undefined);
    this.worker ??= new TrainedModelsWorker(this.trained);
    if (!this.worker.usable) return Promise.resolve(undefined);
    // A failed worker only costs speed: the models run here instead.
    return this.worker.run(texts).catch(() => undefined);
  }

  /** Stops the batch worker thread, if one was started. The engine stays usable (in one thread). */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    if (w) await w.close();
  }

  /** Everything after the transformers.js models for one message: TypeScript models, rules, offsets. */
  private finish(raw: string, { text, map, language }: Prepared, scores: readonly { label: string; score: number }[],
    groups: readonly TaggedGroup[] | undefined, trained?: { ranked: TrainedOutput['ranked'][number]; entities: TrainedOutput['entities'][number] }): NluResult {
    const ranked = combineIntents(scores, trained ? trained.ranked : this.trained.intent?.predict(text).ranked);
    const best = ranked[0] ?? { intent: 'oos' as const, confidence: 1 };
    const entities = this.rules.extract(text, language);
    if (groups) entities.push(...this.modelEntities(text, groups, entities));
    if (this.trained.entities) entities.push(...this.trainedEntities(text, entities, trained?.entities));
    entities.sort((a, b) => a.start - b.start);
    // Offsets refer to the caller's string, not to the cleaned copy.
    const located = entities.map((e) => ({ ...e, start: map[e.start]!, end: map[e.end - 1]! + 1, text: raw.slice(map[e.start]!, map[e.end - 1]! + 1) }));
    return { text, intent: best.intent, confidence: best.confidence, alternatives: ranked.slice(1), entities: located, language };
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

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
