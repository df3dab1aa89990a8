import type { Token } from './tokenize.js';

/**
 * BIO tags over tokens. Tag 0 is O; label k (in `labels` order) owns B = 1 + k and I = 1 + L + k
 * for L labels, so that O and all B tags (the tags any tag may precede) are one contiguous block.
 * I-x may only follow B-x or I-x: the decoder never produces a span that starts with I or changes
 * label midway, so every decoded path reads back as well-formed spans.
 */
export class TagSet {
  readonly size: number;
  /** Tags below this are O or B-x; from it on, I-x. */
  readonly firstInside: number;
  /** 1 where a tag may start a sentence (not I-x). */
  readonly canStart: Uint8Array;

  constructor(readonly labels: readonly string[]) {
    const L = labels.length;
    this.size = 1 + 2 * L;
    this.firstInside = 1 + L;
    this.canStart = Uint8Array.from({ length: this.size }, (_, t) => (t < this.firstInside ? 1 : 0));
  }

  /** The B tag of label k; its I tag is `begin(k) + labels.length`. */
  begin(k: number): number {
    return 1 + k;
  }

  allowed(prev: number, cur: number): boolean {
    return cur < this.firstInside || prev === cur || prev === cur - this.labels.length;
  }

  /**
   * Tags for gold spans. A span that starts or ends inside a token (which the tokenizer never
   * produces for well-placed marks) grows to the whole token, so training never sees half a word.
   */
  encode(tokens: readonly Token[], spans: readonly { start: number; end: number; label: string }[]): Int32Array {
    const tags = new Int32Array(tokens.length);
    for (const s of spans) {
      const k = this.labels.indexOf(s.label);
      if (k < 0) continue;
      let first = true;
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i]!;
        if (t.end <= s.start || t.start >= s.end) continue;
        tags[i] = first ? 1 + k : 1 + this.labels.length + k;
        first = false;
      }
    }
    return tags;
  }

  /** Spans of a decoded path: offsets come from the tokens, so they never include surrounding spaces. */
  decode(tokens: readonly Token[], tags: Int32Array): { start: number; end: number; label: string; first: number; last: number }[] {
    const out: { start: number; end: number; label: string; first: number; last: number }[] = [];
    for (let i = 0; i < tags.length; i++) {
      const t = tags[i]!;
      if (t === 0 || t >= this.firstInside) continue;
      let last = i;
      while (last + 1 < tags.length && tags[last + 1] === t + this.labels.length) last++;
      out.push({ start: tokens[i]!.start, end: tokens[last]!.end, label: this.labels[t - 1]!, first: i, last });
    }
    return out;
  }
}
