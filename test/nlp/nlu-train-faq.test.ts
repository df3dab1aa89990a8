import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faqIntentExamples } from '../../bot/app/commands/nlu-train.js';
import { loadTrainedModels } from '../../nlp/trained-models.js';
import { runCli } from '../helpers/cli.js';

describe('nlu train learns the FAQ\'s phrasings as the faq intent', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => void (dir = mkdtempSync(join(tmpdir(), 'crossfeed-nlu-faq-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds each question once, leaving out texts already taught to any intent', () => {
    const taught = [{ text: 'How do I get a refund' }, { text: 'give me a coupon' }];
    const out = faqIntentExamples(taught, ['how do i get a  REFUND', 'Give me a coupon', 'Where do I type my promo code?', 'where do i type my promo code?', '   ']);
    assert.deepEqual(out, [{ text: 'Where do I type my promo code?', intent: 'faq' }]);
  });

  it('--faq <file> teaches its questions (the faq probability of one goes up), --no-faq-phrasings does not, a broken file is refused', async () => {
    // Questions worded like coupon and course requests, the confusion the phrasings are there to fix.
    const questions = ['where do i type in the promo code from the stream', 'how do i cash in the discount code you sent me',
      'the voucher code says invalid at checkout', 'which languages are the courses taught in', 'can i pay for a course with paypal'];
    const faqFile = join(dir, 'faq.yaml');
    writeFileSync(faqFile, `entries:\n  - id: promo-codes\n    language: en\n    tags: [coupons]\n    questions:\n${questions.map((q) => `      - ${q}\n`).join('')}    answer: Paste the code at checkout.\n`);
    const env = { cwd: dir, db: join(dir, 'train.db') };
    const withFaq = await runCli(['nlu', 'train', '--no-encoder-head', '--out', join(dir, 'with'), '--faq', faqFile], env);
    assert.equal(withFaq.code, 0, withFaq.stderr);
    assert.match(withFaq.stderr, /5 FAQ phrasings added to the faq intent's examples \(from .*faq\.yaml\)/);
    const without = await runCli(['nlu', 'train', '--no-encoder-head', '--out', join(dir, 'without'), '--no-faq-phrasings'], env);
    assert.equal(without.code, 0, without.stderr);
    assert.doesNotMatch(without.stderr, /FAQ phrasings added/);
    assert.notEqual(readFileSync(join(dir, 'with', 'intent.json'), 'utf8'), readFileSync(join(dir, 'without', 'intent.json'), 'utf8'));
    const faqP = (sub: string, text: string) => loadTrainedModels(join(dir, sub), '').intent!.predict(text).ranked.find((r) => r.intent === 'faq')?.confidence ?? 0;
    for (const q of questions) assert.ok(faqP('with', q) > faqP('without', q), `${q}: ${faqP('with', q)} vs ${faqP('without', q)}`);
    // The entity tagger never sees FAQ phrasings (their entities are not marked).
    assert.equal(readFileSync(join(dir, 'with', 'entities.json'), 'utf8'), readFileSync(join(dir, 'without', 'entities.json'), 'utf8'));
    writeFileSync(join(dir, 'bad.yaml'), 'entries:\n  - id: no-answer\n    language: en\n    questions: [hello]\n');
    const bad = await runCli(['nlu', 'train', '--no-encoder-head', '--out', join(dir, 'bad'), '--faq', join(dir, 'bad.yaml')], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.yaml: entry 1 answer/);
  });

  it('without --faq it reads the knowledge base (seeded from the shipped FAQ on a new database)', async () => {
    const r = await runCli(['nlu', 'train', '--no-encoder-head', '--out', join(dir, 'store')], { cwd: dir, db: join(dir, 'fresh.db') });
    assert.equal(r.code, 0, r.stderr);
    const n = Number(/(\d+) FAQ phrasings added .*\(from the knowledge base\)/.exec(r.stderr)?.[1]);
    assert.ok(n > 300, r.stderr);
  });
});
