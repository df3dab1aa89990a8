import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { COMMANDS } from '../../bot/stages/gate.js';
import { packageRoot } from '../../data/paths.js';
import { loadNluExamples } from '../../nlp/training-data.js';
import { INTENTS } from '../../nlp/types.js';

/**
 * The product benchmark's data (data/nlu/eval) must stay held out: it parses, it is big enough,
 * and none of its lines is a training example. Model accuracy is measured by `npm run bench:product`,
 * never asserted here.
 */
const EVAL = join(packageRoot, 'data', 'nlu', 'eval');
const norm = (s: string) => s.trim().toLowerCase();

function holdout(): Record<string, string[]> {
  const doc = parse(readFileSync(join(EVAL, 'product-holdout.yaml'), 'utf8')) as { intents?: Record<string, unknown> };
  assert.ok(doc?.intents && typeof doc.intents === 'object', 'product-holdout.yaml has an "intents:" mapping');
  for (const [intent, lines] of Object.entries(doc.intents)) {
    assert.ok(Array.isArray(lines), `${intent} is a list`);
    for (const l of lines) assert.ok(typeof l === 'string' && l.trim(), `${intent}: every line is a non-empty string`);
  }
  return doc.intents as Record<string, string[]>;
}

function noise(): string[] {
  return readFileSync(join(EVAL, 'chat-noise.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Training texts, both as written (with [marks](label)) and as the models see them. */
function trainingTexts(): Set<string> {
  const out = new Set<string>();
  const dir = join(packageRoot, 'data', 'nlu', 'intents');
  for (const e of loadNluExamples([dir])) out.add(norm(e.text));
  for (const f of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))) {
    const doc = parse(readFileSync(join(dir, f), 'utf8')) as { examples: string[] };
    for (const raw of doc.examples) out.add(norm(raw));
  }
  return out;
}

describe('data/nlu/eval (held-out product benchmark data)', () => {
  it('product-holdout.yaml: every contract intent, only contract intents, >= 20 examples each, no line under two intents', () => {
    const h = holdout();
    for (const intent of Object.keys(h)) assert.ok((INTENTS as readonly string[]).includes(intent), `unknown intent ${intent}`);
    for (const intent of INTENTS) assert.ok((h[intent]?.length ?? 0) >= 20, `${intent} has ${h[intent]?.length ?? 0} examples, want >= 20`);
    const owner = new Map<string, string>();
    for (const [intent, lines] of Object.entries(h)) {
      for (const l of lines) {
        const prev = owner.get(norm(l));
        assert.ok(prev === undefined || prev === intent, `"${l}" is under both ${prev} and ${intent}`);
        owner.set(norm(l), intent);
      }
    }
  });

  it('chat-noise.txt: >= 1000 non-empty lines, none addressed to the bot', () => {
    const lines = noise();
    assert.ok(lines.length >= 1000, `${lines.length} lines, want >= 1000`);
    const ours = new RegExp(`^!(?:${Object.keys(COMMANDS).join('|')})\\b`, 'i');
    const addressed = lines.filter((l) => /@crossfeed\b/i.test(l) || /^crossfeed\b/i.test(l) || ours.test(l));
    assert.deepEqual(addressed, [], 'noise must be unaddressed: no @crossfeed, no crossfeed commands');
  });

  it('no held-out line appears verbatim (case-insensitive, trimmed) in data/nlu/intents/*.yaml', () => {
    const train = trainingTexts();
    const leaked = [...Object.values(holdout()).flat(), ...noise()].filter((l) => train.has(norm(l)));
    assert.deepEqual(leaked, [], 'held-out lines found in the training data');
  });
});
