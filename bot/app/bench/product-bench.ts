/**
 * Product benchmark: the NLU the bot runs, on data that no model was trained on.
 *
 *   1. Intent accuracy on data/nlu/eval/product-holdout.yaml (overall, per language, per intent,
 *      top confusions). Each line goes through the bot's gate first, as a direct message, so a
 *      leading @mention is stripped exactly as in production.
 *   2. False triggers on data/nlu/eval/chat-noise.txt: every line is posted as an unaddressed Twitch
 *      group-chat message through the bot's own gate -> understand -> attend stages; a line that
 *      gets past `attend` would be answered. Also the share the NLU puts in any intent but oos.
 *
 * The NLU is loaded as the bot loads it (bot/app/app.ts): loadConfig(), the shipped models from
 * models.dir, the `crossfeed nlu train` models from nlu.trainedDir when present, the catalog lexicon.
 *
 * Run: npm run bench:product [-- --json] [-- --holdout <yaml>] [-- --noise <txt>]
 * Compare:  CROSSFEED_NLU_DIR=/tmp/nlu-trained npm run bench:product
 *           CROSSFEED_NLU_DIR=/tmp/nonexistent npm run bench:product
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { catalogLexicon } from '../../../nlp/rules/catalog-lexicon.js';
import { DefaultBotOptions, type BotOptions } from '../../bot.js';
import { compose } from '../../composer.js';
import { loadConfig } from '../../config.js';
import type { BotContext } from '../../context.js';
import type { ChatMessage } from '../../message.js';
import { gate } from '../../stages/gate.js';
import type { ChannelPolicy } from '../../channel-policy.js';
import { attend, understand } from '../../stages/understand.js';
import type { Outbound } from '../../transcript.js';
import { seedCatalogIfEmpty } from '../../../data/catalog/seed.js';
import { packageRoot } from '../../../data/paths.js';
import { openStore } from '../store.js';
import { NluEngine } from '../../../nlp/engine.js';
import { ENTITY_FILE, INTENT_FILE, loadTrainedModels } from '../../../nlp/trained-models.js';
import { detectLanguage } from '../../../nlp/text.js';
import { INTENTS, type IntentName, type Lang, type Nlu, type NluResult, type ParseHints } from '../../../nlp/types.js';

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const JSON_OUT = args.includes('--json');
const HOLDOUT = resolve(arg('holdout') ?? join(packageRoot, 'data', 'nlu', 'eval', 'product-holdout.yaml'));
const NOISE = resolve(arg('noise') ?? join(packageRoot, 'data', 'nlu', 'eval', 'chat-noise.txt'));
/** Intents the bot answers unprompted in group chat (bot/stages/understand.ts); used for reporting only. */
const ACTIONABLE: readonly IntentName[] = ['recommend_course', 'get_coupon', 'ask_insurance', 'faq'];
/** Extra thresholds shown next to the configured one, to see how the false-trigger rate moves. */
const SWEEP = [0.5, 0.7, 0.85, 0.9, 0.95, 0.99];

const pct = (num: number, den: number): number => (den === 0 ? 0 : Math.round((10000 * num) / den) / 100);
const f2 = (x: number): string => x.toFixed(2);

function readHoldout(path: string): { text: string; intent: IntentName }[] {
  const doc = parse(readFileSync(path, 'utf8')) as { intents?: Record<string, unknown> } | null;
  if (!doc?.intents || typeof doc.intents !== 'object') throw new Error(`${path}: expected "intents: { <intent>: [ ... ] }"`);
  const out: { text: string; intent: IntentName }[] = [];
  for (const [intent, lines] of Object.entries(doc.intents)) {
    if (!(INTENTS as readonly string[]).includes(intent)) throw new Error(`${path}: unknown intent "${intent}"`);
    if (!Array.isArray(lines)) throw new Error(`${path}: ${intent} must be a list of strings`);
    for (const l of lines) {
      if (typeof l !== 'string' || !l.trim()) throw new Error(`${path}: ${intent} has an empty or non-string line`);
      out.push({ text: l, intent: intent as IntentName });
    }
  }
  return out;
}

function readNoise(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The NLU with the last result kept, so the bench sees what `understand` saw. */
class RecordingNlu implements Nlu {
  last: NluResult | undefined;
  constructor(private readonly inner: Nlu) {}
  async parse(text: string, hints?: ParseHints): Promise<NluResult> {
    this.last = await this.inner.parse(text, hints);
    return this.last;
  }
}

const silent: Outbound = { send: async () => undefined };

function message(text: string, direct: boolean, i: number): ChatMessage {
  return {
    platform: direct ? 'web' : 'twitch', channel: direct ? 'bench-web' : '#bench', direct, text, time: new Date(), id: `bench-${i}`,
    user: { platformId: `viewer${i}`, displayName: `viewer${i}`, roles: [] },
  };
}

function newContext(m: ChatMessage, policy: ChannelPolicy): BotContext {
  return { message: m, out: silent, text: '', addressed: 'maybe', policy };
}

interface HoldoutRow { text: string; gold: IntentName; pred: IntentName; confidence: number; lang: Lang; ms: number }
interface NoiseRow { text: string; stage: 'dropped_by_gate' | 'addressed' | 'understood'; pred: IntentName; confidence: number; reply: boolean; lang: Lang }

async function measure(useEncoder: boolean) {
  const started = performance.now();
  const config = loadConfig();
  const options: BotOptions = {
    ...DefaultBotOptions,
    botNames: config.bot.names, commandPrefix: config.bot.commandPrefix,
    answerUnaddressed: config.bot.answerUnaddressed, unaddressedMinConfidence: config.bot.unaddressedMinConfidence,
  };
  // --transformer-only measures the shipped transformers.js models alone (no TypeScript-trained ones).
  const trained: ReturnType<typeof loadTrainedModels> = process.argv.includes('--transformer-only') ? {} : loadTrainedModels(config.nlu.trainedDir);
  const store = await openStore(config.database);
  let lexiconSize = 0;
  let nlu: NluEngine;
  try {
    await seedCatalogIfEmpty(store.catalog);
    const lexicon = catalogLexicon(await store.catalog.list());
    lexiconSize = lexicon.length;
    nlu = await NluEngine.load({ modelDir: config.models.dir, threads: config.models.threads, trained, lexicon, encoder: useEncoder });
  } finally {
    await store.close();
  }
  const models = {
    shipped: { dir: config.models.dir, intent: existsSync(join(config.models.dir, 'intent')), entities: existsSync(join(config.models.dir, 'entities')) },
    trained: {
      dir: trained.dir ?? null,
      intent: trained.intent && trained.dir ? join(trained.dir, INTENT_FILE) : null,
      entities: trained.entities && trained.dir ? join(trained.dir, ENTITY_FILE) : null,
    },
    lexiconEntries: lexiconSize,
  };
  const envShown = ['CROSSFEED_CONFIG', 'CROSSFEED_MODEL_DIR', 'CROSSFEED_NLU_DIR', 'CROSSFEED_DB', 'CROSSFEED_MODEL_THREADS']
    .filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`);
  const command = [...envShown, 'node', process.argv[1] ? relativeToRoot(process.argv[1]) : 'dist/bot/app/bench/product-bench.js', ...args].join(' ');

  const recorder = new RecordingNlu(nlu);
  const gateOnly = compose<BotContext>([gate(options), async () => undefined]);

  // 1. Held-out intents, as direct messages (what the NLU sees after the gate).
  const holdout = readHoldout(HOLDOUT);
  const hRows: HoldoutRow[] = [];
  for (const [i, ex] of holdout.entries()) {
    const ctx = newContext(message(ex.text, true, i), options);
    await gateOnly(ctx);
    const text = ctx.text || ex.text;
    const t = performance.now();
    const r = await nlu.parse(text);
    hRows.push({ text: ex.text, gold: ex.intent, pred: r.intent, confidence: r.confidence, lang: detectLanguage(r.text), ms: performance.now() - t });
  }

  // 2. Chat noise through gate -> understand -> attend, unaddressed in a Twitch channel.
  const noise = readNoise(NOISE);
  const nRows: NoiseRow[] = [];
  for (const [i, line] of noise.entries()) {
    let reply = false;
    let understood = false;
    recorder.last = undefined;
    const ctx = newContext(message(line, false, i), options);
    await compose<BotContext>([
      gate(options),
      async (_c, next) => { understood = true; await next(); },
      understand(recorder),
      attend(),
      async () => { reply = true; },
    ])(ctx);
    // Lines the gate drops (other bots' !commands) never reach the NLU; classify them anyway for the non-oos share.
    const r = recorder.last ?? (await nlu.parse(line));
    const stage: NoiseRow['stage'] = !understood ? 'dropped_by_gate' : ctx.addressed === 'yes' ? 'addressed' : 'understood';
    nRows.push({ text: line, stage, pred: r.intent, confidence: r.confidence, reply: reply && ctx.addressed === 'maybe', lang: detectLanguage(r.text) });
  }

  const report = buildReport(hRows, nRows, options);
  const out = {
    command, date: new Date().toISOString(), node: process.version,
    files: { holdout: relativeToRoot(HOLDOUT), noise: relativeToRoot(NOISE) },
    models, bot: { answerUnaddressed: options.answerUnaddressed, unaddressedMinConfidence: options.unaddressedMinConfidence, actionableIntents: ACTIONABLE },
    ...report, seconds: Math.round((performance.now() - started) / 10) / 100,
  };
  await nlu.close();
  return out;
}

/** Today's engine (first stage only, `encoder: false`) and the new one (cascade + encoder), measured in the same run. */
async function main(): Promise<void> {
  const today = await measure(false);
  const next = await measure(true);
  if (JSON_OUT) {
    process.stdout.write(JSON.stringify({ today, new: next }, null, 2) + '\n');
    return;
  }
  process.stdout.write(renderText(next) + '\n\n');
  const row = (name: string, o: typeof next) => `| ${name} | ${f2(o.holdout.accuracy_pct)} | ${f2(o.holdout.by_language['en']!.accuracy_pct)} | ${f2(o.holdout.by_language['zh']!.accuracy_pct)} | ` +
    `${f2(o.holdout.unaddressed.actionable_answered_pct)} | ${f2(o.noise.false_trigger_rate_pct)} (${o.noise.false_triggers}/${o.noise.n}) | ${f2(o.holdout.ms_per_message)} |`;
  process.stdout.write(['Side by side (same run):',
    '| engine | held-out intent acc % | en % | zh % | actionable answered unaddressed % | noise false triggers % | ms/message |',
    '|---|---|---|---|---|---|---|', row('today (first stage only)', today), row('new (cascade + encoder)', next)].join('\n') + '\n');
}

function relativeToRoot(p: string): string {
  const abs = resolve(p);
  return abs.startsWith(packageRoot + '/') ? abs.slice(packageRoot.length + 1) : abs;
}

function buildReport(h: HoldoutRow[], n: NoiseRow[], o: BotOptions) {
  const correct = h.filter((r) => r.pred === r.gold).length;
  const byLanguage: Record<string, { n: number; correct: number; accuracy_pct: number }> = {};
  for (const lang of ['en', 'zh'] as const) {
    const rows = h.filter((r) => r.lang === lang);
    const c = rows.filter((r) => r.pred === r.gold).length;
    byLanguage[lang] = { n: rows.length, correct: c, accuracy_pct: pct(c, rows.length) };
  }
  const byIntent = INTENTS.map((intent) => {
    const gold = h.filter((r) => r.gold === intent);
    const predicted = h.filter((r) => r.pred === intent);
    const tp = gold.filter((r) => r.pred === intent).length;
    const precision = pct(tp, predicted.length);
    const recall = pct(tp, gold.length);
    return { intent, n: gold.length, correct: tp, accuracy_pct: recall, precision_pct: precision,
      f1_pct: precision + recall === 0 ? 0 : Math.round((200 * precision * recall) / (precision + recall)) / 100 };
  }).filter((r) => r.n > 0 || r.precision_pct > 0);
  const pairs = new Map<string, { gold: IntentName; pred: IntentName; count: number; examples: string[] }>();
  for (const r of h) {
    if (r.pred === r.gold) continue;
    const key = `${r.gold}>${r.pred}`;
    const p = pairs.get(key) ?? { gold: r.gold, pred: r.pred, count: 0, examples: [] };
    p.count++;
    if (p.examples.length < 2) p.examples.push(r.text);
    pairs.set(key, p);
  }
  const confusions = [...pairs.values()].sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold)).slice(0, 10);
  const actionableGold = h.filter((r) => ACTIONABLE.includes(r.gold));
  const answered = actionableGold.filter((r) => r.pred === r.gold && r.confidence >= o.unaddressedMinConfidence).length;
  const nonActionableGold = h.filter((r) => !ACTIONABLE.includes(r.gold));
  const wronglyAnswered = nonActionableGold.filter((r) => o.answerUnaddressed && ACTIONABLE.includes(r.pred) && r.confidence >= o.unaddressedMinConfidence).length;

  const triggers = n.filter((r) => r.reply);
  const triggerByIntent: Record<string, number> = {};
  for (const r of triggers) triggerByIntent[r.pred] = (triggerByIntent[r.pred] ?? 0) + 1;
  const nonOos = n.filter((r) => r.pred !== 'oos');
  const nonOosByIntent: Record<string, number> = {};
  for (const r of nonOos) nonOosByIntent[r.pred] = (nonOosByIntent[r.pred] ?? 0) + 1;
  const byLang: Record<string, { n: number; false_triggers: number; false_trigger_rate_pct: number; non_oos_pct: number }> = {};
  for (const lang of ['en', 'zh'] as const) {
    const rows = n.filter((r) => r.lang === lang);
    const t = rows.filter((r) => r.reply).length;
    byLang[lang] = { n: rows.length, false_triggers: t, false_trigger_rate_pct: pct(t, rows.length), non_oos_pct: pct(rows.filter((r) => r.pred !== 'oos').length, rows.length) };
  }
  const reachable = n.filter((r) => r.stage === 'understood');
  const sweep = SWEEP.map((t) => {
    const k = reachable.filter((r) => o.answerUnaddressed && ACTIONABLE.includes(r.pred) && r.confidence >= t).length;
    const a = actionableGold.filter((r) => r.pred === r.gold && r.confidence >= t).length;
    return { threshold: t, noise_false_trigger_pct: pct(k, n.length), holdout_actionable_answered_pct: pct(a, actionableGold.length) };
  });
  return {
    holdout: {
      n: h.length, correct, accuracy_pct: pct(correct, h.length), by_language: byLanguage, by_intent: byIntent, top_confusions: confusions,
      unaddressed: {
        actionable_n: actionableGold.length, actionable_answered: answered, actionable_answered_pct: pct(answered, actionableGold.length),
        non_actionable_n: nonActionableGold.length, non_actionable_answered: wronglyAnswered, non_actionable_answered_pct: pct(wronglyAnswered, nonActionableGold.length),
      },
      ms_per_message: Math.round((100 * h.reduce((a, r) => a + r.ms, 0)) / Math.max(1, h.length)) / 100,
    },
    noise: {
      n: n.length, false_triggers: triggers.length, false_trigger_rate_pct: pct(triggers.length, n.length), false_triggers_by_intent: triggerByIntent,
      non_oos: nonOos.length, non_oos_pct: pct(nonOos.length, n.length), non_oos_by_intent: nonOosByIntent, by_language: byLang,
      dropped_by_gate: n.filter((r) => r.stage === 'dropped_by_gate').length, addressed: n.filter((r) => r.stage === 'addressed').length,
      threshold_sweep: sweep,
      triggering_lines: triggers.sort((a, b) => b.confidence - a.confidence).map((r) => ({ text: r.text, intent: r.pred, confidence: r.confidence })),
    },
  };
}

type Out = { command: string; date: string; node: string; files: { holdout: string; noise: string }; seconds: number;
  models: { shipped: { dir: string; intent: boolean; entities: boolean }; trained: { dir: string | null; intent: string | null; entities: string | null }; lexiconEntries: number };
  bot: { answerUnaddressed: boolean; unaddressedMinConfidence: number } } & ReturnType<typeof buildReport>;

function renderText(o: Out): string {
  const H = o.holdout;
  const N = o.noise;
  const t = o.bot.unaddressedMinConfidence;
  const L: string[] = [];
  L.push(`command: ${o.command}`);
  L.push(`date: ${o.date}, Node ${o.node}, ${f2(o.seconds)} s`);
  L.push(`models: shipped transformers.js intent + entities from ${o.models.shipped.dir}` +
    `${o.models.shipped.intent && o.models.shipped.entities ? '' : ' (missing!)'}`);
  L.push(o.models.trained.intent || o.models.trained.entities
    ? `        + crossfeed nlu train models from ${o.models.trained.dir}: intent ${o.models.trained.intent ? 'yes' : 'no'}, entities ${o.models.trained.entities ? 'yes' : 'no'}`
    : `        + no crossfeed nlu train models (none in ${o.models.trained.dir}); shipped models only`);
  L.push(`        catalog lexicon: ${o.models.lexiconEntries} entries; unaddressed replies: ${o.bot.answerUnaddressed ? `on, confidence >= ${f2(t)}` : 'off'}`);
  L.push('');
  L.push(`Held-out intents (${o.files.holdout}, never trained on): ${H.n} messages`);
  L.push(`  accuracy            ${f2(H.accuracy_pct)}%  (${H.correct}/${H.n})`);
  for (const [lang, r] of Object.entries(H.by_language)) L.push(`  accuracy ${lang.padEnd(11)}${f2(r.accuracy_pct)}%  (${r.correct}/${r.n})`);
  L.push(`  actionable answered unaddressed (right intent, conf >= ${f2(t)}): ${f2(H.unaddressed.actionable_answered_pct)}%  (${H.unaddressed.actionable_answered}/${H.unaddressed.actionable_n})`);
  L.push(`  non-actionable that would get an unaddressed reply:            ${f2(H.unaddressed.non_actionable_answered_pct)}%  (${H.unaddressed.non_actionable_answered}/${H.unaddressed.non_actionable_n})`);
  L.push(`  ${f2(H.ms_per_message)} ms per message`);
  L.push('');
  L.push('  | intent | n | accuracy % | precision % | F1 % |');
  L.push('  |---|---|---|---|---|');
  for (const r of H.by_intent) L.push(`  | ${r.intent} | ${r.n} | ${f2(r.accuracy_pct)} | ${f2(r.precision_pct)} | ${f2(r.f1_pct)} |`);
  L.push('');
  L.push('  top confusions (gold -> predicted):');
  for (const c of H.top_confusions) L.push(`    ${String(c.count).padStart(3)}  ${c.gold} -> ${c.pred}   e.g. ${c.examples.map((e) => JSON.stringify(e)).join(', ')}`);
  if (H.top_confusions.length === 0) L.push('    none');
  L.push('');
  L.push(`Chat noise (${o.files.noise}): ${N.n} unaddressed Twitch messages through gate -> understand -> attend`);
  L.push(`  false-trigger rate  ${f2(N.false_trigger_rate_pct)}%  (${N.false_triggers}/${N.n} would get a reply)` +
    (N.false_triggers ? `  by intent: ${Object.entries(N.false_triggers_by_intent).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''));
  L.push(`  classified non-oos  ${f2(N.non_oos_pct)}%  (${N.non_oos}/${N.n})` +
    (N.non_oos ? `  by intent: ${Object.entries(N.non_oos_by_intent).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''));
  for (const [lang, r] of Object.entries(N.by_language)) {
    L.push(`  ${lang}: ${r.n} lines, false-trigger ${f2(r.false_trigger_rate_pct)}%, non-oos ${f2(r.non_oos_pct)}%`);
  }
  L.push(`  dropped by the gate (other bots' !commands): ${N.dropped_by_gate}; addressed to the bot (should be 0): ${N.addressed}`);
  L.push('  threshold sweep (noise false-trigger % / held-out actionable answered %):');
  L.push('    ' + N.threshold_sweep.map((s) => `${f2(s.threshold)}: ${f2(s.noise_false_trigger_pct)} / ${f2(s.holdout_actionable_answered_pct)}`).join('   '));
  if (N.triggering_lines.length) {
    L.push('  lines that would trigger a reply:');
    for (const r of N.triggering_lines.slice(0, 20)) L.push(`    ${f2(r.confidence)} ${r.intent.padEnd(16)} ${JSON.stringify(r.text)}`);
    if (N.triggering_lines.length > 20) L.push(`    ... ${N.triggering_lines.length - 20} more (--json lists all)`);
  }
  return L.join('\n');
}

await main();
