/**
 * Does the NLU's sentence encoder help retrieval? Scores FAQ retrieval on held-out paraphrases
 * (data/faq/eval/paraphrases.yaml, top-1 entry) and course retrieval on requests that never name
 * their topic (data/catalog/eval/topic-queries.yaml, top-1 course has the topic): lexical (what the
 * bot uses), the encoder alone (mean-pooled, normalized hidden states of the shipped intent
 * model, cut out by nlp/train/export_encoder.py), and blends of the two.
 * Run: npm run bench:retrieval
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { parse } from 'yaml';
import { readCatalogFile } from '../../../data/catalog/importer.js';
import type { CatalogItem } from '../../../data/catalog/types.js';
import { packageRoot, seedCatalogDir } from '../../../data/paths.js';
import { parseFaqYaml } from '../../../data/faq/format.js';
import { Recommender } from '../../../recommender/recommender.js';
import { FaqIndex } from '../../faq-index.js';

const args = process.argv.slice(2);
const encoderDir = args[args.indexOf('--encoder') + 1] ?? 'var/encoder';
const BLEND_WEIGHTS = [0.5, 1, 2, 4];

type Vec = number[];
const dot = (a: Vec, b: Vec) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const pct = (n: number, of: number) => `${n}/${of} (${((100 * n) / of).toFixed(1)}%)`;

async function main(): Promise<void> {
  env.allowRemoteModels = false;
  env.localModelPath = join(encoderDir, '..');
  const extractor = await pipeline('feature-extraction', encoderDir.split('/').pop() ?? 'encoder', { local_files_only: true });
  const embed = async (texts: string[]): Promise<Vec[]> => (await extractor(texts, { pooling: 'mean', normalize: true })).tolist() as Vec[];

  // FAQ: the entry of the best phrasing, in the query's language.
  const faq = parseFaqYaml(readFileSync(join(packageRoot, 'data', 'faq', 'faq.yaml'), 'utf8')).entries.map((e) => ({ ...e, updatedAt: '' }));
  const paraphrases = parse(readFileSync(join(packageRoot, 'data', 'faq', 'eval', 'paraphrases.yaml'), 'utf8')) as { text: string; id: string }[];
  const index = new FaqIndex(faq);
  const phrasings = faq.flatMap((e) => e.questions.map((q) => ({ id: e.id, language: e.language, q })));
  const P = await embed(phrasings.map((p) => p.q));
  const Q = await embed(paraphrases.map((p) => p.text));
  const faqHits = { lexical: 0, encoder: 0, blend: BLEND_WEIGHTS.map(() => 0) };
  paraphrases.forEach((p, i) => {
    const language = /[\u4e00-\u9fff]/.test(p.text) ? 'zh' : 'en';
    const lexical = new Map(index.search(p.text, language, 100).map((m) => [m.id, m.similarity]));
    if ([...lexical.keys()][0] === p.id) faqHits.lexical++;
    const cos = new Map<string, number>();
    phrasings.forEach((ph, j) => {
      if (ph.language !== language) return;
      const c = dot(P[j] ?? [], Q[i] ?? []);
      if (c > (cos.get(ph.id) ?? -2)) cos.set(ph.id, c);
    });
    if (top(cos) === p.id) faqHits.encoder++;
    BLEND_WEIGHTS.forEach((w, k) => {
      if (top(blend(lexical, cos, w)) === p.id) faqHits.blend[k]!++;
    });
  });

  // Courses: does the best course have the topic the request means?
  const items: CatalogItem[] = [];
  for (const f of ['courses.json', 'coupons.json', 'insurance.json']) items.push(...(await readCatalogFile(join(seedCatalogDir, f))).items);
  const courses = items.filter((i) => i.kind === 'course');
  const queries = parse(readFileSync(join(packageRoot, 'data', 'catalog', 'eval', 'topic-queries.yaml'), 'utf8')) as { text: string; topic: string }[];
  const recommender = new Recommender(items);
  const I = await embed(courses.map((c) => [c.title, c.description, ...c.topics].join(' ')));
  const C = await embed(queries.map((q) => q.text));
  const topicOf = (id: string | undefined) => courses.find((c) => c.id === id)?.topics ?? [];
  const courseHits = { lexical: 0, encoder: 0, blend: BLEND_WEIGHTS.map(() => 0) };
  queries.forEach((q, i) => {
    const ranked = recommender.recommend({ kind: 'course', text: q.text }, 50).suggestions;
    if (topicOf(ranked[0]?.itemId).includes(q.topic)) courseHits.lexical++;
    const max = Math.max(1e-9, ...ranked.map((s) => s.score));
    const lexical = new Map(ranked.map((s) => [s.itemId, s.score / max]));
    const cos = new Map(courses.map((c, j) => [c.id, dot(I[j] ?? [], C[i] ?? [])]));
    if (topicOf(top(cos)).includes(q.topic)) courseHits.encoder++;
    BLEND_WEIGHTS.forEach((w, k) => {
      if (topicOf(top(blend(lexical, cos, w))).includes(q.topic)) courseHits.blend[k]!++;
    });
  });

  const line = (name: string, h: typeof faqHits, n: number) =>
    `${name}: lexical ${pct(h.lexical, n)}, encoder alone ${pct(h.encoder, n)}, blends ${BLEND_WEIGHTS.map((w, k) => `w=${w} ${pct(h.blend[k] ?? 0, n)}`).join(', ')}`;
  process.stdout.write(`${line(`FAQ top-1 on ${paraphrases.length} held-out paraphrases`, faqHits, paraphrases.length)}\n`);
  process.stdout.write(`${line(`Course top-1 topic on ${queries.length} requests without the topic word`, courseHits, queries.length)}\n`);
  process.stdout.write('blend = lexical + w x 0.1 x z-score of the cosine among candidates\n');
}

/** Lexical score plus w x 0.1 x the cosine's z-score among the candidates (cosines bunch near 1). */
function blend(lexical: ReadonlyMap<string, number>, cos: ReadonlyMap<string, number>, w: number): Map<string, number> {
  const vals = [...cos.values()];
  const mean = vals.reduce((a, b) => a + b, 0) / Math.max(1, vals.length);
  const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, vals.length)) || 1;
  return new Map([...cos].map(([id, c]) => [id, (lexical.get(id) ?? 0) + (w * 0.1 * (c - mean)) / sd]));
}

function top(scores: ReadonlyMap<string, number>): string | undefined {
  let best: [string, number] | undefined;
  for (const e of scores) if (!best || e[1] > best[1] || (e[1] === best[1] && e[0] < best[0])) best = e;
  return best?.[0];
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:retrieval failed: ${err instanceof Error ? err.message : String(err)}\n(run /usr/bin/python3 nlp/train/export_encoder.py first)\n`);
  process.exit(1);
});
