/**
 * Groups questions the bot could not answer by similarity, so one FAQ entry can answer a whole
 * group. Words (Latin script) and character pairs (Chinese) are compared by Jaccard overlap;
 * each question joins the first group it is similar enough to. Pure.
 */

export interface QuestionGroup {
  /** The most frequent wording, as a label. */
  label: string;
  questions: { text: string; count: number }[];
  total: number;
  /** Where it was asked, most first. */
  channels: string[];
  lastAt: string;
}

const STOP = new Set(['a', 'an', 'the', 'is', 'are', 'do', 'does', 'i', 'you', 'to', 'of', 'for', 'and', 'or', 'my', 'me', 'it', 'can', 'what', 'how', 'in', 'on', 'with', 'please']);

export function tokens(text: string): Set<string> {
  const out = new Set<string>();
  const lower = text.toLowerCase().normalize('NFKC');
  for (const w of lower.match(/[a-z0-9]+/g) ?? []) if (!STOP.has(w)) out.add(stem(w));
  const han = lower.match(/\p{Script=Han}+/gu) ?? [];
  for (const run of han) {
    if (run.length === 1) out.add(run);
    for (let i = 0; i + 1 < run.length; i++) out.add(run.slice(i, i + 2));
  }
  return out;
}

/** A crude English stem, enough to match "shipping" with "ship" and "refunds" with "refund". */
function stem(w: string): string {
  if (w.length > 5 && w.endsWith('ing')) {
    const s = w.slice(0, -3);
    return s.length > 2 && s.at(-1) === s.at(-2) ? s.slice(0, -1) : s;
  }
  return w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w;
}

/** Wordings that differ only in case, spacing or punctuation count as one. */
function wordingKey(text: string): string {
  return text.toLowerCase().normalize('NFKC').replace(/[\s\p{P}]+/gu, ' ').trim();
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const t of a) if (b.has(t)) shared++;
  return shared / (a.size + b.size - shared);
}

export function groupQuestions(lines: readonly { text: string; platform: string; channel: string; at: string }[], threshold = 0.34): QuestionGroup[] {
  const groups: { toks: Set<string>; texts: Map<string, { text: string; count: number }>; channels: Map<string, number>; total: number; lastAt: string }[] = [];
  for (const l of lines) {
    const text = l.text.trim().replace(/\s+/g, ' ');
    if (!text) continue;
    const t = tokens(text);
    let best: (typeof groups)[number] | undefined;
    let bestScore = threshold;
    for (const g of groups) {
      const s = jaccard(t, g.toks);
      if (s >= bestScore) {
        best = g;
        bestScore = s;
      }
    }
    if (!best) {
      best = { toks: new Set(t), texts: new Map(), channels: new Map(), total: 0, lastAt: l.at };
      groups.push(best);
    }
    const key = wordingKey(text);
    const seen = best.texts.get(key);
    if (seen) seen.count++;
    else best.texts.set(key, { text, count: 1 });
    const where = `${l.platform}:${l.channel}`;
    best.channels.set(where, (best.channels.get(where) ?? 0) + 1);
    best.total++;
    if (l.at > best.lastAt) best.lastAt = l.at;
  }
  return groups.map((g) => {
    const questions = [...g.texts.values()].map((q) => ({ ...q })).sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
    return {
      label: questions[0]!.text, questions, total: g.total, lastAt: g.lastAt,
      channels: [...g.channels].sort((a, b) => b[1] - a[1]).map(([c]) => c),
    };
  }).sort((a, b) => b.total - a.total || b.lastAt.localeCompare(a.lastAt));
}
