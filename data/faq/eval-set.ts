import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../paths.js';
import { parseFaqYaml, type ParsedFaq } from './format.js';

/**
 * An FAQ evaluation set: an FAQ file and its held-out paraphrases, `paraphrases-en.yaml` and
 * `paraphrases-zh.yaml` (entry id -> list of questions; `none` lists questions the FAQ does not
 * answer). The shipped set is data/faq/faq.yaml with data/faq/eval/; a knowledge-base folder such
 * as data/faq/eval/kb holds one FAQ file (any *.yaml not named paraphrases-*) beside its two
 * paraphrase files. Used by `npm run bench:faq [-- --kb <dir>]` and by test/data/faq-kb.test.ts.
 */

export type EvalLang = 'en' | 'zh';
/** One paraphrase: `id` null for a `none` question; `calib` for the even-numbered lines of its list. */
export interface FaqEvalItem { text: string; id: string | null; lang: EvalLang; calib: boolean }
export interface FaqEvalSet { faqPath: string; faq: ParsedFaq; items: FaqEvalItem[] }

export const shippedEvalDir = join(packageRoot, 'data', 'faq', 'eval');

export function readParaphrases(path: string, lang: EvalLang): FaqEvalItem[] {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${path} must map entry ids to lists of questions`);
  return Object.entries(doc).flatMap(([id, lines]) => {
    if (!Array.isArray(lines)) throw new Error(`${path}: "${id}" must hold a list of questions`);
    return lines.map((text, k) => ({ text: String(text), id: id === 'none' ? null : id, lang, calib: k % 2 === 0 }));
  });
}

/** The shipped set when `kbDir` is undefined, else the knowledge base in that folder. */
export function readFaqEvalSet(kbDir?: string): FaqEvalSet {
  const dir = kbDir ?? shippedEvalDir;
  let faqPath = join(packageRoot, 'data', 'faq', 'faq.yaml');
  if (kbDir !== undefined) {
    const faqs = readdirSync(kbDir).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('paraphrases'));
    if (faqs.length !== 1) throw new Error(`${kbDir} must hold exactly one FAQ file (*.yaml not named paraphrases-*), found ${faqs.length}`);
    faqPath = join(kbDir, faqs[0]!);
  }
  const faq = parseFaqYaml(readFileSync(faqPath, 'utf8'), faqPath);
  const items = (['en', 'zh'] as const).flatMap((lang) => readParaphrases(join(dir, `paraphrases-${lang}.yaml`), lang));
  return { faqPath, faq, items };
}
