/**
 * Training examples as users write them (YAML marks turned into offsets), checked before training:
 * one bad example should name itself, not crash the trainer halfway or silently teach a wrong span.
 */

export interface SpanEntity {
  /** UTF-16 offsets into `text`, end exclusive. */
  start: number;
  end: number;
  label: string;
}

export interface SpanExample {
  text: string;
  entities: SpanEntity[];
}

export interface ExampleProblem {
  /** Position of the example in the list given to the trainer. */
  index: number;
  message: string;
}

export class EntityExampleError extends Error {
  readonly code = 'CF_ENTITY_EXAMPLES';
  constructor(readonly problems: readonly ExampleProblem[]) {
    const shown = problems.slice(0, 20).map((p) => `example ${p.index}: ${p.message}`);
    const more = problems.length > shown.length ? `\n  - ... and ${problems.length - shown.length} more` : '';
    super(`invalid entity training examples:\n  - ${shown.join('\n  - ')}${more}`);
  }
}

/** Every problem in the examples, in order; empty when all are usable. */
export function checkSpanExamples(examples: readonly unknown[]): ExampleProblem[] {
  const problems: ExampleProblem[] = [];
  examples.forEach((ex, index) => {
    for (const message of problemsOf(ex)) problems.push({ index, message });
  });
  return problems;
}

function problemsOf(ex: unknown): string[] {
  if (typeof ex !== 'object' || ex === null) return ['not an object'];
  const { text, entities } = ex as Partial<SpanExample>;
  if (typeof text !== 'string') return ['"text" is not a string'];
  if (!Array.isArray(entities)) return ['"entities" is not an array'];
  const out: string[] = [];
  const spans: SpanEntity[] = [];
  entities.forEach((e: Partial<SpanEntity> | null, k) => {
    if (typeof e !== 'object' || e === null) return void out.push(`entity ${k} is not an object`);
    const { start, end, label } = e;
    if (typeof label !== 'string' || label.trim() === '') return void out.push(`entity ${k} has no label`);
    if (!Number.isInteger(start) || !Number.isInteger(end)) return void out.push(`entity ${k} (${label}) offsets are not integers`);
    if (start! < 0 || end! > text.length || start! >= end!) {
      return void out.push(`entity ${k} (${label}) [${start}, ${end}) is outside the text (length ${text.length}) or empty`);
    }
    if (text.slice(start, end).trim() === '') return void out.push(`entity ${k} (${label}) covers only whitespace`);
    spans.push({ start: start!, end: end!, label });
  });
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < spans.length; k++) {
    const a = spans[k - 1]!, b = spans[k]!;
    if (b.start < a.end) out.push(`entities ${a.label} [${a.start}, ${a.end}) and ${b.label} [${b.start}, ${b.end}) overlap`);
  }
  return out;
}

/** A span without the whitespace users often include at its edges ("[ python ](topic)"). */
export function trimSpan(text: string, e: SpanEntity): SpanEntity {
  let { start, end } = e;
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { start, end, label: e.label };
}
