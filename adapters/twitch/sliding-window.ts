/**
 * A log of event times over a sliding window: "how many in the last W ms" and "when may the next
 * one go if at most L are allowed". Twitch counts per message over the last 30 s, so a fixed
 * reservoir refill (which allows twice the limit across a refill boundary) is not good enough.
 */
export class SlidingWindow {
  private readonly times: number[] = [];

  constructor(private readonly windowMs: number) {}

  record(at: number): void {
    this.times.push(at);
  }

  /** Events in (now - window, now]. */
  count(now: number): number {
    this.prune(now);
    return this.times.length;
  }

  /** Milliseconds to wait from `now` until fewer than `limit` events lie inside the window. */
  waitFor(limit: number, now: number): number {
    this.prune(now);
    if (limit <= 0) return Number.POSITIVE_INFINITY;
    const excess = this.times.length - limit;
    if (excess < 0) return 0;
    // The (excess)-th oldest event must leave the window first.
    const leaving = this.times[excess] ?? now;
    return Math.max(0, leaving + this.windowMs - now);
  }

  /**
   * A copy to plan with: `next(t)` is the earliest time from `t` at which one more event fits under
   * `limit`, `take(t)` records one there. The window itself is not changed.
   */
  playForward(limit: number, now: number): { next(at: number): number; take(at: number): void } {
    this.prune(now);
    const times = [...this.times];
    const windowMs = this.windowMs;
    let first = 0;
    return {
      next(at) {
        if (limit <= 0) return Number.POSITIVE_INFINITY;
        for (;;) {
          while (first < times.length && times[first]! <= at - windowMs) first++;
          if (times.length - first < limit) return at;
          at = times[times.length - limit]! + windowMs;
        }
      },
      take(at) {
        times.push(at);
      },
    };
  }

  private prune(now: number): void {
    let drop = 0;
    while (drop < this.times.length && (this.times[drop] ?? 0) <= now - this.windowMs) drop++;
    if (drop) this.times.splice(0, drop);
  }
}
