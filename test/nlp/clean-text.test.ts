import assert from 'node:assert/strict';
import { cleanSlowly, cleanText, cleanTextWithMap } from '../../nlp/text.js';
import { seededRng } from '../../recommender/random.js';

describe('nlp/text: the fast path of cleaning', () => {
  // Plain chat, every kind of character the loop removes or rewrites, and both halves of surrogate pairs.
  const pieces = ['a', 'Z', '9', '?', 'é', '课', '程', ' ', '  ', '\t', '\n', '\r', '\u00A0', '\u3000', '\u2028', '\u00AD', '\u200B', '\u200D', '\u202E',
    '\u2060', '\u2066', '\uFEFF', '\u0000', '\u0007', '\u001F', '\u007F', '\u0085', '\u009F', '\uFFFD', '\uD800', '\uDBFF', '\uDC00', '\uDFFF',
    '\u{1F600}', '\u{E0000}', '\u{E0041}', '\u{E007F}', '\u{E0080}', '@', 'gg', 'LUL', 'python 课'];

  it('gives exactly what the character loop gives, text and offset map, on 20,000 random strings', () => {
    const next = seededRng(12);
    for (let n = 0; n < 20_000; n++) {
      const len = Math.floor(next() * 12);
      let raw = '';
      for (let k = 0; k < len; k++) raw += pieces[Math.floor(next() * pieces.length)];
      assert.deepEqual(cleanTextWithMap(raw), cleanSlowly(raw), JSON.stringify(raw));
      assert.equal(cleanText(raw), cleanSlowly(raw).text, JSON.stringify(raw));
    }
  });

  it('returns a clean line as it is, each character mapped to itself (an inner space to the character after it)', () => {
    for (const raw of ['', 'gg', 'any python course under $30?', '有没有python入门课', 'PogChamp \u{1F600} nice']) {
      assert.equal(cleanText(raw), raw);
      assert.deepEqual(cleanTextWithMap(raw).map, Array.from({ length: raw.length + 1 }, (_, i) => (raw[i] === ' ' ? i + 1 : i)));
    }
  });
});
