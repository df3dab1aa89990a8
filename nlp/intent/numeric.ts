/**
 * Small numeric helpers shared by the intent models: a seeded PRNG (training must be reproducible
 * from a seed, so Math.random is never used), string hashing for features, softmax, and the
 * base64 packing of typed arrays used by the model format.
 */

/** mulberry32: tiny, fast and good enough for shuffling and weight initialisation. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = (seed >>> 0) ^ 0x9e3779b9;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Fisher-Yates, in place. */
  shuffle<T extends { [i: number]: number } & { length: number }>(xs: T): T {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i]!;
      xs[i] = xs[j]!;
      xs[j] = t;
    }
    return xs;
  }
}

/**
 * FNV-1a over the UTF-16 code units of `s[start, end)`, mixed with `seed` so that feature kinds
 * (word, bigram, char n-gram) live in separate hash spaces. Hashing a range avoids allocating a
 * substring per character n-gram.
 */
export function hashRange(s: string, start: number, end: number, seed: number): number {
  let h = (0x811c9dc5 ^ Math.imul(seed, 0x01000193)) >>> 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  // Final avalanche (murmur3 fmix32): FNV alone leaves the low bits of short keys correlated.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Softmax of `z[0, n)` divided by `temperature`, in place; returns `z`. */
export function softmaxInPlace(z: Float32Array | Float64Array, n: number, temperature = 1): typeof z {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (z[i]! > max) max = z[i]!;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp((z[i]! - max) / temperature);
    z[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) z[i] = z[i]! / sum;
  return z;
}

/** Typed array -> base64 of its bytes (little-endian on every platform Node runs on). */
export function packArray(a: Float32Array | Int32Array | Uint8Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** base64 -> Float32Array; throws when the byte count does not match `expected` elements. */
export function unpackFloat32(b64: string, expected: number, what: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength !== expected * 4) throw new RangeError(`${what}: expected ${expected} float32 values, got ${buf.byteLength / 4}`);
  const out = new Float32Array(expected);
  new Uint8Array(out.buffer).set(buf);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i]!)) throw new RangeError(`${what}: value ${i} is not finite`);
  return out;
}

/** base64 -> Int32Array; throws when the byte count does not match `expected` elements. */
export function unpackInt32(b64: string, expected: number, what: string): Int32Array {
  const buf = Buffer.from(b64, 'base64');
  if (buf.byteLength !== expected * 4) throw new RangeError(`${what}: expected ${expected} int32 values, got ${buf.byteLength / 4}`);
  const out = new Int32Array(expected);
  new Uint8Array(out.buffer).set(buf);
  return out;
}
