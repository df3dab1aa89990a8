import type { SpanExample } from '../../nlp/entities-train/index.js';

/** "any [python](topic) course" -> text and UTF-16 spans, as the YAML loader produces them. */
export function marked(s: string): SpanExample {
  let text = '';
  let last = 0;
  const entities: SpanExample['entities'] = [];
  for (const m of s.matchAll(/\[([^\]]+)\]\(([^)]+)\)/g)) {
    text += s.slice(last, m.index);
    entities.push({ start: text.length, end: text.length + m[1]!.length, label: m[2]! });
    text += m[1]!;
    last = m.index + m[0].length;
  }
  return { text: text + s.slice(last), entities };
}
