// Parity check of the shipped encoder: transformers.js (this script) against the token ids, pooled
// vectors and logits that nlp/train/train_encoder.py computed in Python (HF tokenizers + onnxruntime)
// and stored in data/models/encoder/parity.json. Prints the largest differences; exits 1 on a mismatch.
//   npm run build && node nlp/train/check_encoder.mjs [modelDir]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { headLogits, loadSentenceEncoder } from '../../dist/nlp/encoder.js';

const modelDir = process.argv[2] ?? 'data/models';
const rows = JSON.parse(readFileSync(join(modelDir, 'encoder', 'parity.json'), 'utf8')).sentences;
const enc = await loadSentenceEncoder('encoder', { modelDir, threads: 1 });
const vs = await enc.embed(rows.map((r) => r.text));
let bad = 0, maxV = 0, maxL = 0;
rows.forEach((r, i) => {
  const ids = enc.tokenIds(r.text);
  if (JSON.stringify(ids) !== JSON.stringify(r.input_ids)) { bad++; console.log(`token ids differ: ${r.text}`); }
  maxV = Math.max(maxV, ...r.embedding.map((x, k) => Math.abs(x - vs[i][k])));
  const l = headLogits(enc.head, vs[i]);
  maxL = Math.max(maxL, ...r.logits.map((x, k) => Math.abs(x - l[k])));
});
console.log(`${rows.length} sentences: token ids ${bad ? `${bad} differ` : 'identical'}; max |embedding diff| ${maxV.toExponential(2)}; max |logit diff| ${maxL.toExponential(2)}`);
process.exit(bad || maxV >= 1e-3 || maxL >= 0.02 ? 1 : 0);
