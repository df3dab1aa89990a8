import assert from 'node:assert/strict';
import { decodeCesu8Pairs, parseCsv } from '../../nlp/bench/convert-datasets.js';

describe('nlp/bench dataset conversion helpers', () => {
  it('parses RFC 4180 CSV: quoted commas, doubled quotes, newlines inside quotes, CRLF', () => {
    const csv = 'text,category\r\n"How do I know if I will get my card, or if it is lost?",card_arrival\n"say ""hi""\nthere",greet\nplain,x\n';
    assert.deepEqual(parseCsv(csv), [
      ['text', 'category'],
      ['How do I know if I will get my card, or if it is lost?', 'card_arrival'],
      ['say "hi"\nthere', 'greet'],
      ['plain', 'x'],
    ]);
  });

  it('decodes a CESU-8 surrogate pair (as in SNIPS PlayMusic) to the real character', () => {
    const buf = Buffer.concat([Buffer.from('Pop '), Buffer.from([0xed, 0xa0, 0xbc, 0xed, 0xbd, 0x95]), Buffer.from(' off é')]);
    const s = decodeCesu8Pairs(buf);
    assert.equal(s, 'Pop \u{1F355} off é');
    assert.equal(s.length, 'Pop '.length + 2 + ' off é'.length);
  });
});
