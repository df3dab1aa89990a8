import assert from 'node:assert/strict';
import { join } from 'node:path';
import { packageRoot } from '../../data/paths.js';
import { readFaqEvalSet } from '../../data/faq/eval-set.js';

/**
 * The larger FAQ knowledge base and its held-out paraphrases (data/faq/eval/kb, issue 12): a valid
 * FAQ file, every paraphrase naming one of its entries (in the paraphrase's language) or `none`,
 * enough of them, and none a copy of a phrasing the index is built from.
 */
describe('data/faq/eval/kb: the knowledge base and its held-out paraphrases', () => {
  const set = readFaqEvalSet(join(packageRoot, 'data', 'faq', 'eval', 'kb'));
  const norm = (s: string) => s.toLowerCase().replace(/[\s?？!！.。,，]+/g, ' ').trim();

  it('is a valid FAQ file with at least 50 entries per language, each with 3-5 phrasings', () => {
    assert.deepEqual(set.faq.errors, []);
    for (const lang of ['en', 'zh'] as const) {
      const entries = set.faq.entries.filter((e) => e.language === lang);
      assert.ok(entries.length >= 50, `${lang}: ${entries.length} entries`);
      for (const e of entries) assert.ok(e.questions.length >= 3 && e.questions.length <= 5, `${e.id}: ${e.questions.length} phrasings`);
    }
  });

  it('names only existing entries of its own language, or none', () => {
    const lang = new Map(set.faq.entries.map((e) => [e.id, e.language]));
    const wrong = set.items.filter((it) => it.id !== null && lang.get(it.id) !== it.lang).map((it) => `${it.lang} ${it.id}: ${it.text}`);
    assert.deepEqual(wrong, []);
  });

  it('holds at least 300 answerable and 60 `none` questions per language', () => {
    for (const lang of ['en', 'zh'] as const) {
      const its = set.items.filter((it) => it.lang === lang);
      const answerable = its.filter((it) => it.id !== null).length;
      const none = its.length - answerable;
      assert.ok(answerable >= 300, `${lang}: ${answerable} answerable`);
      assert.ok(none >= 60, `${lang}: ${none} none`);
    }
  });

  it('copies no phrasing (case, spaces and punctuation aside) and repeats no paraphrase', () => {
    const phrasings = new Set(set.faq.entries.flatMap((e) => e.questions.map(norm)));
    assert.deepEqual(set.items.filter((it) => phrasings.has(norm(it.text))).map((it) => it.text), []);
    const seen = new Set<string>();
    const repeated = set.items.filter((it) => (seen.has(norm(it.text)) ? true : (seen.add(norm(it.text)), false))).map((it) => it.text);
    assert.deepEqual(repeated, []);
  });
});
