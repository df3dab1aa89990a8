import { bucketHash } from './ids.js';
import type { ViolationKind } from './types.js';

/** A bucket's allowance: `limit` requests per `windowMs`, the window starting at its first request. */
export interface BucketLimit {
  readonly limit: number;
  readonly windowMs: number;
}

/** One request as the limiter sees it. `route` is `METHOD /template`; `major` its major parameter. */
export interface LimitedRequest {
  readonly route: string;
  readonly major: string;
  readonly limit: BucketLimit;
  /** Whether it counts against the global limit (authenticated bot requests do; interaction webhooks do not). */
  readonly global: boolean;
}

export type Admission =
  | { readonly ok: true; readonly headers: Record<string, string> }
  | {
    readonly ok: false; readonly headers: Record<string, string>; readonly body: Record<string, unknown>;
    readonly violation?: ViolationKind; readonly forced: boolean;
  };

interface Bucket {
  readonly hash: string;
  remaining: number;
  resetAt: number;
  /** Set by a 429: the client was told not to come back before this. */
  blockedUntil: number;
}

interface Forced {
  readonly route: string | RegExp;
  times: number;
}

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/**
 * Discord's REST rate limits: per-route buckets keyed by the major parameter, a global
 * per-second limit, and 429s injected on demand. A request that arrives while its bucket is
 * exhausted (or inside a 429's retry_after) is one the client should have held back: it gets a
 * 429 and counts as a violation.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly forced: Forced[] = [];
  private globalCount = 0;
  private globalResetAt = 0;
  private globalBlockedUntil = 0;

  constructor(private readonly globalPerSecond: number, private readonly forcedRetryAfterMs: number, private readonly now: () => number) {}

  /** The next `times` requests matching `route` (`'POST /channels/:channel/messages'`, the template alone, or a RegExp) get a 429. */
  force429(route: string | RegExp, times: number): void {
    this.forced.push({ route, times });
  }

  admit(req: LimitedRequest): Admission {
    const now = this.now();
    if (req.global) {
      if (now >= this.globalResetAt) {
        this.globalCount = 0;
        this.globalResetAt = now + 1000;
      }
      if (now < this.globalBlockedUntil || this.globalCount >= this.globalPerSecond) {
        this.globalBlockedUntil = Math.max(this.globalBlockedUntil, this.globalResetAt);
        return this.tooMany(this.globalBlockedUntil - now, {}, true, 'global_rate_limit', false);
      }
      this.globalCount++;
    }
    const key = `${req.route}|${req.major}`;
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { hash: bucketHash(req.route), remaining: req.limit.limit, resetAt: 0, blockedUntil: 0 }));
    if (now >= b.resetAt) {
      b.remaining = req.limit.limit;
      b.resetAt = now + req.limit.windowMs;
    }
    if (now < b.blockedUntil || b.remaining <= 0) {
      const until = Math.max(b.blockedUntil, b.remaining <= 0 ? b.resetAt : 0);
      return this.tooMany(until - now, this.bucketHeaders(b, req.limit, now, 0, until), false, 'ignored_rate_limit', false);
    }
    const forced = this.forced.find((f) => f.times > 0 && this.matches(f.route, req.route));
    if (forced) {
      forced.times--;
      b.blockedUntil = now + this.forcedRetryAfterMs;
      return this.tooMany(this.forcedRetryAfterMs, this.bucketHeaders(b, req.limit, now, 0, b.blockedUntil), false, undefined, true);
    }
    b.remaining--;
    return { ok: true, headers: this.bucketHeaders(b, req.limit, now, b.remaining, b.resetAt) };
  }

  private matches(pattern: string | RegExp, route: string): boolean {
    if (pattern instanceof RegExp) return pattern.test(route);
    return route === pattern || route.slice(route.indexOf(' ') + 1) === pattern;
  }

  private bucketHeaders(b: Bucket, limit: BucketLimit, now: number, remaining: number, resetAt: number): Record<string, string> {
    return {
      'X-RateLimit-Limit': String(limit.limit),
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Reset': seconds(resetAt),
      'X-RateLimit-Reset-After': seconds(resetAt - now),
      'X-RateLimit-Bucket': b.hash,
    };
  }

  private tooMany(retryMs: number, headers: Record<string, string>, global: boolean, violation: ViolationKind | undefined, forced: boolean): Admission {
    const retryAfter = Math.max(0.001, retryMs / 1000);
    return {
      ok: false, forced,
      ...(violation ? { violation } : {}),
      headers: {
        ...headers,
        // The header carries whole seconds (rounded up); the body has the exact value.
        'Retry-After': String(Math.ceil(retryAfter)),
        'X-RateLimit-Scope': global ? 'global' : 'user',
        ...(global ? { 'X-RateLimit-Global': 'true' } : {}),
      },
      body: { message: 'You are being rate limited.', retry_after: Number(retryAfter.toFixed(3)), global, code: 0 },
    };
  }
}
