/**
 * FAQ answers on held-out paraphrases (data/faq/eval/paraphrases-{en,zh}.yaml), today's engine
 * (lexical FAQ index, first-stage NLU) beside the new one (hybrid index with the encoder, cascade
 * NLU), through the real dialogue policy (bot/decide.ts) for a direct message with no history.
 *
 * Per language, on the test half (odd-numbered lines of each entry, and of `none`):
 *   direct ok   the bot answers with the right entry          (target >= 85%)
 *   direct bad  it answers with a wrong entry, or answers a `none` question (target <= 3%)
 *   choices     it offers choices that hold the right entry (choices are not answers)
 * The new engine's thresholds are calibrated on the even-numbered half: the grid search printed
 * here picks the setting with the most right answers whose wrong answers stay at or under
 * CALIBRATION_MAX_WRONG (2%, so that held-out questions stay under 3%) and that is not at the edge
 * (EDGE_MAX_WRONG), among those that keep the PINNED behaviours.
 *
 * After the table, the retrieval ceiling: how often hybrid search alone ranks the right entry first
 * (and in the top 3), the top-1 similarity of right answers against that of `none` questions, and
 * the best a single bar on the shipped score could do if it were fitted on the test half itself and
 * the NLU ignored (an upper bound for that kind of rule, printed as such): with `none` questions
 * scoring as high as many right ones, that bound, not retrieval, is what limits direct answers.
 *
 * Run: npm run bench:faq
 *      npm run bench:faq -- --kb data/faq/eval/kb   (a larger knowledge base and its paraphrases,
 *      same protocol; the pinned behaviours below name shipped entries, so none apply there)
 */
import { join, relative, resolve } from 'node:path';
import { packageRoot } from '../../../data/paths.js';
import { readFaqEvalSet, type FaqEvalItem } from '../../../data/faq/eval-set.js';
import { NluEngine } from '../../../nlp/engine.js';
import { loadTrainedModels } from '../../../nlp/trained-models.js';
import { loadConfig } from '../../config.js';
import type { NluResult } from '../../../nlp/types.js';
import { decide } from '../../decide.js';
import { emptyState } from '../../dialogue.js';
import { ChineseHybridThresholds, ChineseThresholds, FaqIndex, FaqThresholds, HybridThresholds, lookupFromMatches, type FaqMatch, type Scoring, type Thresholds } from '../../faq-index.js';

type Lang = 'en' | 'zh';
type Item = FaqEvalItem;

interface Score { ok: number; bad: number; choices: number; n: number; none: number; noneBad: number }

function score(items: readonly Item[], nlu: readonly NluResult[], index: FaqIndex, t: (Thresholds & Partial<Scoring>) | undefined, useVector: boolean,
  matches?: readonly FaqMatch[][]): Score {
  const s: Score = { ok: 0, bad: 0, choices: 0, n: 0, none: 0, noneBad: 0 };
  items.forEach((it, i) => {
    const r = nlu[i]!;
    const faq = matches && t ? lookupFromMatches(matches[i]!, t) : index.lookup(r.text, r.language, useVector ? r.vector : undefined, t);
    const { action } = decide(r, emptyState(), { direct: true, faq });
    const answered = action.type === 'faq_answer' ? action.entryId : undefined;
    if (it.id === null) {
      s.none++;
      if (answered) s.noneBad++;
      return;
    }
    s.n++;
    if (answered === it.id) s.ok++;
    else if (answered) s.bad++;
    else if (action.type === 'faq_choices' && action.entryIds.includes(it.id)) s.choices++;
  });
  return s;
}

/**
 * Wrong answers allowed on the calibration half. Not the 3% target itself: fitted at 3%, thresholds
 * answered wrongly 4.3-4.7% of the time on the other half of a random split of the calibration
 * half (40 splits); fitted at 2%, 3.1-3.5% (docs/nlu-encoder.md). Small sets flatter the fit.
 */
const CALIBRATION_MAX_WRONG = 0.02;
/**
 * A setting is also rejected when lowering its answer bars by STEP answers wrongly more than this
 * often on the calibration half: a setting right at the edge where wrong answers start answered
 * held-out questions wrongly 4% of the time (docs/nlu-encoder.md section 4d).
 */
const EDGE_MAX_WRONG = 0.03;
const STEP = 0.05;

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '-');
/** Wrong direct answers over every question asked (entries and `none`). */
const badRate = (s: Score) => (s.bad + s.noneBad) / Math.max(1, s.n + s.none);

/**
 * Behaviour the product pins down whatever the paraphrases say (test/e2e/browser-chat.test.ts,
 * test/bot/faq-hybrid.test.ts): an FAQ phrasing asked nearly word for word is answered, a vague
 * question gets choices. A setting that breaks one is not picked.
 */
const PINNED: [string, Lang, string][] = [
  ['how do I get a refund?', 'en', 'refund-policy'],
  ['I need help with my account', 'en', 'choices'],
  ['question about my account', 'en', 'choices'],
  ['可以退款吗', 'zh', 'refund-policy-zh'],
  // A request for courses, coupons or points stays one however FAQ-like (FaqLookup.answerOver).
  ['recommend me a python course', 'en', 'recommend'],
  ['python courses in chinese', 'en', 'recommend'],
  ['any coupons for pizza near me', 'en', 'recommend'],
  ['how many points do I have', 'en', 'say'],
  ['有什么python课程推荐', 'zh', 'recommend'],
  ['有没有披萨优惠券', 'zh', 'recommend'],
  ['我有多少积分', 'zh', 'say'],
];

/** What `decide` does, as PINNED names it: the entry answered, or `choices`. */
function outcome(r: NluResult, faq: ReturnType<typeof lookupFromMatches>): string {
  const { action } = decide(r, emptyState(), { direct: true, faq });
  return action.type === 'faq_answer' ? action.entryId : action.type === 'faq_choices' ? 'choices' : action.type;
}

function calibrate(items: Item[], nlu: NluResult[], index: FaqIndex, useVector: boolean, pinned: [NluResult, string][]) {
  const cal = items.map((it, i) => [it, nlu[i]!] as const).filter(([it]) => it.calib);
  const ci = cal.map(([it]) => it);
  const cn = cal.map(([, r]) => r);
  let best: { t: Thresholds & Partial<Scoring>; s: Score } | undefined;
  const semantics = useVector ? [0.6, 0.7, 0.8, 0.9, 0.95, 1] : [0];
  for (const semantic of semantics) for (const second of useVector ? [0, 0.25, 0.5] : [0]) {
    // Matches depend on the weights only; the thresholds are tried on them.
    const matches = cn.map((r) => index.search(r.text, r.language, 3, useVector ? r.vector : undefined, { semantic, second }));
    const pinnedMatches = pinned.map(([r]) => index.search(r.text, r.language, 3, useVector ? r.vector : undefined, { semantic, second }));
    for (const leadWeight of [0, 0.5, 1]) for (let always = 0.4; always <= 0.951; always += 0.05) {
      for (let ifFaq = 0.3; ifFaq <= always + 1e-9; ifFaq += 0.05) {
        for (const margin of [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3]) {
          // A lower choice bar only adds choices (the tie-break below), so 0.25 is always picked.
          // Overriding a confident other intent needs at least the bar for an unsure one.
          for (const choice of [0.25]) for (const override of [2, 0.5, 0.6, 0.7, 0.8, 0.9].filter((o) => o >= always - 1e-9)) {
            const t = { semantic, second, answerAlways: round(always), answerIfFaq: round(ifFaq), margin, choice, override, leadWeight };
            if (!pinned.every(([r, want], k) => want === outcome(r, lookupFromMatches(pinnedMatches[k]!, t)))) continue;
            const s = score(ci, cn, index, t, useVector, matches);
            if (badRate(s) > CALIBRATION_MAX_WRONG) continue;
            // Not at the edge: one step lower on every answer bar still stays under the 3% target.
            const lower = { ...t, answerAlways: t.answerAlways - STEP, answerIfFaq: t.answerIfFaq - STEP, override: t.override - STEP };
            if (badRate(score(ci, cn, index, lower, useVector, matches)) > EDGE_MAX_WRONG) continue;
            if (!best || s.ok > best.s.ok || (s.ok === best.s.ok && s.choices > best.s.choices)) best = { t, s };
          }
        }
      }
    }
  }
  return best;
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const modelDir = join(packageRoot, 'data', 'models');
  const kbArg = process.argv.indexOf('--kb');
  const kbDir = kbArg >= 0 ? resolve(process.argv[kbArg + 1] ?? '.') : undefined;
  const set = readFaqEvalSet(kbDir);
  if (set.faq.errors.length) throw new Error(`${set.faqPath}: ${JSON.stringify(set.faq.errors.slice(0, 3))}`);
  const entries = set.faq.entries.map((e) => ({ ...e, updatedAt: '' }));
  const items = set.items;
  const pins = kbDir ? [] : PINNED;
  console.log(`FAQ: ${relative(packageRoot, set.faqPath)}`);
  const texts = items.map((i) => i.text);
  console.log(`FAQ paraphrases: ${items.filter((i) => i.lang === 'en').length} English, ${items.filter((i) => i.lang === 'zh').length} Chinese ` +
    `(of which "none": ${items.filter((i) => i.id === null && i.lang === 'en').length} / ${items.filter((i) => i.id === null && i.lang === 'zh').length}); ` +
    `${entries.length} FAQ entries. Calibration: even lines, scores: odd lines.`);

  // The NLU as the bot loads it (bot/app/app.ts loadNlu): the shipped models and the TypeScript ones
  // from nlu.trainedDir (shipped ones when that folder has none); FAQ_BENCH_NO_TRAINED=1 leaves them out.
  const trained = process.env.FAQ_BENCH_NO_TRAINED === '1' ? {} : loadTrainedModels(loadConfig().nlu.trainedDir);
  const today = await NluEngine.load({ modelDir, threads: 1, encoder: false, trained });
  const todayNlu = await today.parseBatch(texts);
  await today.close();
  const next = await NluEngine.load({ modelDir, threads: 1, trained });
  const nextNlu = await next.parseBatch(texts);
  const pinnedNlu = await next.parseBatch(pins.map(([text]) => text));
  await next.close();
  const lexical = new FaqIndex(entries);
  const hybrid = await FaqIndex.build(entries, { en: next.encoder, zh: next.chineseEncoder });

  const rows: [string, Score][] = [];
  for (const lang of ['en', 'zh'] as const) {
    const sel = items.map((_, i) => i).filter((i) => items[i]!.lang === lang);
    const its = sel.map((i) => items[i]!);
    const test = sel.filter((i) => !items[i]!.calib);
    const ti = test.map((i) => items[i]!);
    rows.push([`${lang} today (lexical, FaqThresholds)`, score(ti, test.map((i) => todayNlu[i]!), lexical, FaqThresholds, false)]);
    const pinned = pins.flatMap(([text, l, want], k) => (l === lang ? [[pinnedNlu[k]!, want] as [NluResult, string]] : []));
    const lexCal = calibrate(its, sel.map((i) => nextNlu[i]!), lexical, false, pinned);
    if (lexCal) {
      console.log(`${lang} lexical, calibrated: ${JSON.stringify(lexCal.t)} (calibration half: ${lexCal.s.ok}/${lexCal.s.n} right)`);
      rows.push([`${lang} new NLU + lexical, recalibrated`, score(ti, test.map((i) => nextNlu[i]!), lexical, lexCal.t, false)]);
    }
    const cal = calibrate(its, sel.map((i) => nextNlu[i]!), hybrid, true, pinned);
    if (cal) {
      console.log(`${lang} hybrid, calibrated: ${JSON.stringify(cal.t)} (calibration half: ${cal.s.ok}/${cal.s.n} right)`);
      rows.push([`${lang} new (hybrid, calibrated here)`, score(ti, test.map((i) => nextNlu[i]!), hybrid, cal.t, true)]);
    }
    const shipped = lang === 'en' ? 'HybridThresholds' : 'encoder-zh, ChineseHybridThresholds';
    rows.push([`${lang} new (hybrid, ${shipped} as shipped)`, score(ti, test.map((i) => nextNlu[i]!), hybrid, undefined, true)]);
  }
  console.log('\nTest half (never used for calibration):');
  console.log('| engine | questions | direct ok % | direct bad % (incl. none) | choices with right entry % | none answered % |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, s] of rows) {
    console.log(`| ${name} | ${s.n} + ${s.none} none | ${pct(s.ok, s.n)} | ${pct(s.bad + s.noneBad, s.n + s.none)} | ${pct(s.choices, s.n)} | ${pct(s.noneBad, s.none)} |`);
  }
  console.log('\nRetrieval ceiling, test half (hybrid search with the shipped scoring, no dialogue policy):');
  console.log('| language | entry questions | top-1 right % | right entry in top 3 % | top-1 similarity, right: 10th / 25th / 50th percentile | `none` questions: 50th / 90th percentile / max | oracle single bar on the shipped score % (wrong <= 3%) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const lang of ['en', 'zh'] as const) {
    const test = items.map((_, i) => i).filter((i) => items[i]!.lang === lang && !items[i]!.calib);
    const shippedT = lang === 'en' ? HybridThresholds : ChineseHybridThresholds;
    const top = test.map((i) => {
      const r = nextNlu[i]!;
      const m = hybrid.search(r.text, r.language, 3, r.vector, shippedT);
      const sim = m[0]?.similarity ?? 0;
      // The score the shipped bars apply to: similarity plus the weighted lead over the runner-up.
      const score = sim + shippedT.leadWeight * (sim - (m[1]?.similarity ?? 0));
      return { id: items[i]!.id, first: m[0]?.id, sim, score, top3: m.some((x) => x.id === items[i]!.id) };
    });
    const entry = top.filter((t) => t.id !== null), none = top.filter((t) => t.id === null);
    const right = entry.filter((t) => t.first === t.id).map((t) => t.sim).sort((a, b) => a - b);
    const noneSims = none.map((t) => t.sim).sort((a, b) => a - b);
    const q = (a: number[], p: number) => (a.length ? a[Math.floor(p * (a.length - 1))]!.toFixed(2) : '-');
    console.log(`| ${lang} | ${entry.length} | ${pct(right.length, entry.length)} | ${pct(entry.filter((t) => t.top3).length, entry.length)} | ${q(right, 0.1)} / ${q(right, 0.25)} / ${q(right, 0.5)} | ${q(noneSims, 0.5)} / ${q(noneSims, 0.9)} / ${q(noneSims, 1)} | ${oracleBar(top)} |`);
  }
  console.log('Oracle single bar (no margin): answer the top-1 entry when its shipped score (similarity + leadWeight x lead over the runner-up) reaches one');
  console.log('bar, the bar chosen on this test half itself for the most right answers with wrong ones (incl. `none` answered) <= 3%, whatever the');
  console.log('NLU says: an upper bound for the shipped kind of rule, not a result.');
  console.log(`\nShipped: FaqThresholds ${JSON.stringify(FaqThresholds)}; HybridThresholds ${JSON.stringify(HybridThresholds)}; ChineseThresholds ${JSON.stringify(ChineseThresholds)}; ChineseHybridThresholds ${JSON.stringify(ChineseHybridThresholds)}`);
}

/** The most right answers (percent of entry questions) a single bar on the score gives with at most 3% wrong, the bar fitted on these very questions. */
function oracleBar(top: readonly { id: string | null; first: string | undefined; score: number }[]): string {
  const n = top.filter((t) => t.id !== null).length;
  let best = 0;
  for (const bar of [...new Set(top.map((t) => t.score))]) {
    const answered = top.filter((t) => t.first !== undefined && t.score >= bar);
    const ok = answered.filter((t) => t.first === t.id).length;
    if ((answered.length - ok) / Math.max(1, top.length) <= 0.03) best = Math.max(best, ok);
  }
  return pct(best, n);
}

await main();
