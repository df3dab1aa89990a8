import { seededRandom } from '../collab/random.js';
import type { Interaction } from '../collab/types.js';

export interface SyntheticOptions {
  items?: number;
  interactions?: number;
  /** Topical clusters; users mostly stay within their 1-3 favourite ones, which gives CF its signal. */
  clusters?: number;
  /** Zipf exponent of item popularity. */
  zipf?: number;
  /** Share of a user's interactions drawn from their favourite clusters (the rest: global popularity). */
  topical?: number;
  /** Mean interactions per user; activity is log-normal (long tail), 1..2,000. */
  meanPerUser?: number;
  seed?: number;
  /**
   * Sessions: when > 0, a user's interactions come in sessions of 2-6 minutes apart (days between
   * sessions), and this share of a session's topical draws stay in the one favourite cluster the
   * session is about ("another one like that"). 0 (default): the original log, one event a day.
   */
  sessionFocus?: number;
}

export const DefaultSyntheticOptions = {
  items: 100_000, interactions: 1_000_000, clusters: 250, zipf: 0.9, topical: 0.75, meanPerUser: 20, seed: 42, sessionFocus: 0,
} as const satisfies Required<SyntheticOptions>;

function cdfOf(weights: ArrayLike<number>): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) c[i] = s += weights[i]!;
  for (let i = 0; i < c.length; i++) c[i]! /= s;
  return c;
}

function draw(cdf: Float64Array, r: number): number {
  let lo = 0, hi = cdf.length - 1;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid]! < r) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * A seeded, deterministic implicit-feedback log with realistic skew: Zipf item popularity,
 * log-normal user activity, topical clusters, weights 1 (view) to 3 (purchase), repeat visits,
 * and ~1% of timestamps skewed backwards by up to an hour (out of order, like real clocks).
 */
export function syntheticInteractions(options: SyntheticOptions = {}): Interaction[] {
  const o = { ...DefaultSyntheticOptions, ...options };
  const rand = seededRandom(o.seed);
  const perm = Int32Array.from({ length: o.items }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [perm[i], perm[j]] = [perm[j]!, perm[i]!]; }
  const popularity = new Float64Array(o.items);
  for (let i = 0; i < o.items; i++) popularity[i] = 1 / Math.pow(perm[i]! + 1, o.zipf);
  const globalCdf = cdfOf(popularity);
  const members: number[][] = Array.from({ length: o.clusters }, () => []);
  for (let i = 0; i < o.items; i++) members[Math.floor(rand() * o.clusters)]!.push(i);
  const clusterCdf = members.map((m) => cdfOf(m.map((i) => popularity[i]!)));
  const sigma = 1.1;
  const mu = Math.log(o.meanPerUser) - (sigma * sigma) / 2;
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const out: Interaction[] = [];
  const day = 86_400_000;
  const epoch = Date.UTC(2025, 0, 1);
  for (let u = 0; out.length < o.interactions; u++) {
    const n = Math.min(2000, Math.max(1, Math.round(Math.exp(mu + sigma * normal()))), o.interactions - out.length);
    const favourites = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => Math.floor(rand() * o.clusters));
    let t = epoch + rand() * 90 * day;
    const user = `u${u}`;
    let sessionLeft = 0;
    let sessionCluster = favourites[0]!;
    for (let e = 0; e < n; e++) {
      let item: number;
      if (o.sessionFocus > 0 && sessionLeft-- <= 0) {
        sessionLeft = 1 + Math.floor(rand() * 5);
        sessionCluster = favourites[Math.floor(rand() * favourites.length)]!;
        t += day * (1 + rand() * 3);
      }
      if (rand() < o.topical) {
        const c = o.sessionFocus > 0 && rand() < o.sessionFocus ? sessionCluster : favourites[Math.floor(rand() * favourites.length)]!;
        item = members[c]![draw(clusterCdf[c]!, rand())]!;
      } else item = draw(globalCdf, rand());
      t += o.sessionFocus > 0 ? 60_000 + rand() * 240_000 : rand() * day;
      const skew = rand() < 0.01 ? -rand() * 3_600_000 : 0;
      const r = rand();
      out.push({ user, item: `i${item}`, timestamp: Math.round(t + skew), weight: r < 0.8 ? 1 : r < 0.95 ? 2 : 3 });
    }
  }
  return out;
}

/** The same log as CSV (`user,item,timestamp,weight`), for `crossfeed recs eval`. */
export function toCsv(interactions: readonly Interaction[]): string {
  const lines = ['user,item,timestamp,weight'];
  for (const x of interactions) lines.push(`${x.user},${x.item},${x.timestamp},${x.weight ?? 1}`);
  return lines.join('\n') + '\n';
}
