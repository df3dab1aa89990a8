// Verifies the exported NLU models through transformers.js, from local files only.
//
//   node nlp/train/check_models.mjs            (run from the repository root)
//
// 1. tokenizer parity: token ids from transformers.js == ids from the Python tokenizer used for
//    training (nlp/train/wordpiece.py) on >= 200 strings (English, Chinese, mixed, emoji, ...)
// 2. ONNX parity: logits from onnxruntime (transformers.js) == torch logits saved by the training
//    script in /tmp/crossfeed_nlu_fixture.json (skipped with a warning if that file is missing)
// 3. predictions for sample chat messages (intent + entities)
// 4. latency: single message, warm, median over 200 calls
// Exit code 1 if a parity check fails or a must-pass prediction is wrong.
import { env, pipeline, Tensor } from '@huggingface/transformers';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const modelsDir = path.join(root, 'data', 'models');
env.allowRemoteModels = false;
env.localModelPath = modelsDir + '/';

const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const TOK_FIXTURE = path.join(os.tmpdir(), 'crossfeed_tokenizer_fixture.json');
const NLU_FIXTURE = '/tmp/crossfeed_nlu_fixture.json';
let failures = 0;
const fail = (msg) => { failures++; console.log(`FAIL ${msg}`); };

const t0 = performance.now();
const intent = await pipeline('text-classification', 'intent');
const entities = await pipeline('token-classification', 'entities');
console.log(`loaded both pipelines in ${(performance.now() - t0).toFixed(0)} ms`);

// ---------------------------------------------------------------------------------------------
// 1. tokenizer parity
{
  const same = fs.readFileSync(path.join(modelsDir, 'intent', 'tokenizer.json'), 'utf8') ===
    fs.readFileSync(path.join(modelsDir, 'entities', 'tokenizer.json'), 'utf8');
  if (!same) fail('intent/ and entities/ tokenizer.json differ');
  const r = spawnSync(PYTHON, [path.join(root, 'nlp', 'train', 'wordpiece.py'), '--fixture',
    path.join(modelsDir, 'intent', 'tokenizer.json'), TOK_FIXTURE], { encoding: 'utf8' });
  if (r.status !== 0) {
    fail(`could not run the Python tokenizer: ${r.stderr || r.error}`);
  } else {
    const rows = JSON.parse(fs.readFileSync(TOK_FIXTURE, 'utf8'));
    let bad = 0;
    for (const row of rows) {
      const ids = Array.from(intent.tokenizer(row.text).input_ids.data, Number);
      if (JSON.stringify(ids) !== JSON.stringify(row.ids)) {
        bad++;
        if (bad <= 10) {
          console.log(`  mismatch ${JSON.stringify(row.text)}\n    py: ${row.tokens.join(' ')}` +
            `\n    js: ${ids.map((i) => intent.tokenizer.decode([i])).join(' ')}`);
        }
      }
    }
    if (bad) fail(`tokenizer parity: ${bad}/${rows.length} strings differ`);
    else console.log(`tokenizer parity: ${rows.length}/${rows.length} strings give identical ids`);
  }
}

// ---------------------------------------------------------------------------------------------
// 2. ONNX (onnxruntime via transformers.js) vs torch logits
const toTensor = (rows) => new Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length]);
async function logitsOf(pipe, ids, mask) {
  const out = await pipe.model({ input_ids: toTensor(ids), attention_mask: toTensor(mask) });
  return Array.from(out.logits.data);
}
const maxDiff = (a, b) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
if (fs.existsSync(NLU_FIXTURE)) {
  const fx = JSON.parse(fs.readFileSync(NLU_FIXTURE, 'utf8'));
  let worst = 0;
  for (const c of fx.single) {
    const ids = Array.from(intent.tokenizer(c.text).input_ids.data, Number);
    if (JSON.stringify(ids) !== JSON.stringify(c.input_ids)) fail(`fixture ids differ for ${c.text}`);
    const mask = [c.input_ids.map(() => 1)];
    const li = await logitsOf(intent, [c.input_ids], mask);
    const le = await logitsOf(entities, [c.input_ids], mask);
    worst = Math.max(worst, maxDiff(li, c.intent_logits), maxDiff(le, c.entity_logits.flat()));
  }
  const b = fx.batch;
  const bi = await logitsOf(intent, b.input_ids, b.attention_mask);
  const be = await logitsOf(entities, b.input_ids, b.attention_mask);
  worst = Math.max(worst, maxDiff(bi, b.intent_logits.flat()), maxDiff(be, b.entity_logits.flat(2)));
  if (worst > 1e-4) fail(`ONNX vs torch logits: max |diff| ${worst.toExponential(2)} > 1e-4`);
  else console.log(`ONNX (transformers.js) vs torch logits: max |diff| ${worst.toExponential(2)} over ` +
    `${fx.single.length} single inputs + 1 padded batch (both models)`);
} else {
  console.log(`WARN ${NLU_FIXTURE} not found: run nlp/train/train_models.py first for the ONNX parity check`);
}

// ---------------------------------------------------------------------------------------------
// 2b. int8 models (onnx/model_quantized.onnx, the bot's default) against fp32 on the same inputs
if (['intent', 'entities'].every((m) => fs.existsSync(path.join(modelsDir, m, 'onnx', 'model_quantized.onnx')))) {
  const qIntent = await pipeline('text-classification', 'intent', { dtype: 'q8' });
  const qEntities = await pipeline('token-classification', 'entities', { dtype: 'q8' });
  const texts = ['recommend me a beginner python course under $30', '有没有python入门课', 'gg lol', 'any ramen coupons near Brooklyn?',
    "I need travel insurance, I'm 34", '主播今天播多久', '想学剪辑 有便宜的课吗', 'stop sending me ads', 'KEKW KEKW', '换一个'];
  let same = 0, worst = 0, tagSame = 0;
  for (const t of texts) {
    const enc = intent.tokenizer([t], { padding: true });
    const [a, b] = [await intent.model(enc), await qIntent.model(enc)];
    worst = Math.max(worst, maxDiff(Array.from(a.logits.data), Array.from(b.logits.data)));
    same += (await intent(t))[0].label === (await qIntent(t))[0].label;
    const tags = async (p) => JSON.stringify((await p(t, { aggregation_strategy: 'simple' })).map((e) => [e.entity_group, e.word]));
    tagSame += (await tags(entities)) === (await tags(qEntities));
  }
  console.log(`int8 (q8) vs fp32: same top intent ${same}/${texts.length}, same entity spans ${tagSame}/${texts.length}, ` +
    `max |intent logit diff| ${worst.toFixed(3)}`);
  if (same < texts.length - 1) fail(`int8 intent model disagrees with fp32 on ${texts.length - same}/${texts.length} sample messages`);
}

// ---------------------------------------------------------------------------------------------
// 3. predictions
const topicsDoc = YAML.parse(fs.readFileSync(path.join(root, 'data', 'catalog', 'topics.yaml'), 'utf8'));
const topicOf = new Map();
for (const [id, alts] of Object.entries(topicsDoc.topics)) {
  topicOf.set(id.toLowerCase(), id);
  for (const a of alts) topicOf.set(String(a).toLowerCase(), id);
}
const trainingTexts = new Set();
const intentsDir = path.join(root, 'data', 'nlu', 'intents');
for (const f of fs.readdirSync(intentsDir).filter((f) => f.endsWith('.yaml'))) {
  for (const ex of YAML.parse(fs.readFileSync(path.join(intentsDir, f), 'utf8')).examples ?? []) {
    trainingTexts.add(ex.replace(/\[([^\[\]]+)\]\([A-Za-z_]+(?::[^()]*)?\)/g, '$1').trim().toLowerCase());
  }
}

// [message, expected intent, must pass?]
const samples = [
  ['recommend me a beginner python course under $30', 'recommend_course', true],
  ['有没有python入门课', 'recommend_course', false],
  ['any good course to learn Python?', 'recommend_course', false],
  ['gg lol', 'oos', true],
  ['KEKW KEKW', 'oos', false],
  ['@crossfeed cheaper?', 'refine', false],
  ['any ramen coupons near Brooklyn?', 'get_coupon', false],
  ["I need travel insurance, I'm 34", 'ask_insurance', false],
  ['talk to a human', 'human_handoff', false],
  ['how do I get a refund', 'faq', false],
  ['yo bot got any rust courses for noobs', 'recommend_course', false],
  ['想学剪辑 有便宜的课吗', 'recommend_course', false],
  ['any sushi deals in queens?', 'get_coupon', false],
  ['上海有没有火锅优惠券', 'get_coupon', false],
  ['how much is pet insurance for my 2 year old cat', 'ask_insurance', false],
  ['my login isnt working', 'faq', false],
  ['签到', 'check_in', false],
  ['how many points do i have', 'points_balance', false],
  ['用积分换星巴克的券', 'redeem_points', false],
  ['换一个', 'refine', false],
  ['hey @crossfeed', 'greet', false],
  ['thx bot', 'thanks', false],
  ['what can you do?', 'bot_help', false],
  ['stop sending me ads', 'opt_out', false],
  ['主播今天播多久', 'oos', false],
  ['i took a python course in college lol', 'oos', false], // close to an augmentation template
  ['my cousin finished a rust course and wont stop talking about it', 'oos', false],
  ['我朋友在学python 天天炫耀', 'oos', false],
  ['the ramen at my place is better than any coupon lol', 'oos', false],
  ['that boss fight was a masterclass in pain', 'oos', false],
];

console.log('\npredictions (* = text appears verbatim in the training data):');
let ok = 0;
for (const [text, expected, must] of samples) {
  const [top, second] = await intent(text, { top_k: 2 });
  const ents = await entities(text, { aggregation_strategy: 'simple' });
  const entStr = ents.map((e) => {
    const norm = e.entity_group === 'topic' && topicOf.has(e.word) && topicOf.get(e.word) !== e.word ? `->${topicOf.get(e.word)}` : '';
    return `${e.entity_group}="${e.word}"${norm}(${e.score.toFixed(2)})`;
  }).join(' ');
  const good = top.label === expected;
  ok += good;
  const seen = trainingTexts.has(text.trim().toLowerCase()) ? '*' : ' ';
  const low = top.score < 0.7 ? ' [<0.7: treat as oos]' : '';
  console.log(`${good ? 'ok ' : 'BAD'} ${seen} ${JSON.stringify(text).padEnd(52)} ${top.label} ${top.score.toFixed(3)}` +
    ` (2nd ${second.label} ${second.score.toFixed(3)})${entStr ? '  ' + entStr : ''}${low}${good ? '' : `  expected ${expected}`}`);
  if (must && !good) fail(`"${text}" should be ${expected}, got ${top.label}`);
}
console.log(`${ok}/${samples.length} sample intents as expected`);
{
  const [r] = await intent(samples[0][0]);
  if (r.label !== 'recommend_course' || r.score < 0.8) fail(`"${samples[0][0]}" confidence ${r.score.toFixed(3)} < 0.8`);
}

// ---------------------------------------------------------------------------------------------
// 4. latency (single message, warm)
async function bench(fn, n = 200) {
  const texts = samples.map((s) => s[0]);
  for (let i = 0; i < 20; i++) await fn(texts[i % texts.length]);
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(texts[i % texts.length]);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n / 2)], p90: ms[Math.floor(n * 0.9)], p99: ms[Math.floor(n * 0.99)] };
}
const fmt = (r) => `median ${r.p50.toFixed(2)} ms, p90 ${r.p90.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`;
const li = await bench((t) => intent(t));
const le = await bench((t) => entities(t, { aggregation_strategy: 'simple' }));
const lb = await bench(async (t) => { await intent(t); await entities(t, { aggregation_strategy: 'simple' }); });
console.log(`\nlatency over 200 warm single-message calls (${os.cpus().length} cores, default onnxruntime threads):`);
console.log(`  intent   ${fmt(li)}\n  entities ${fmt(le)}\n  both     ${fmt(lb)}`);
console.log(`  resident memory ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
for (const m of ['intent', 'entities']) {
  const bytes = fs.statSync(path.join(modelsDir, m, 'onnx', 'model.onnx')).size;
  console.log(`  ${m}/onnx/model.onnx ${(bytes / 1e6).toFixed(2)} MB`);
}

if (failures) {
  console.log(`\n${failures} check(s) FAILED`);
  process.exit(1);
}
console.log('\nall checks passed');
