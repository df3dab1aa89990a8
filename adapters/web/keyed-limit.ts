import { TokenBucket } from './rate-limit.js';

/** One token bucket per key (a client address), with a bounded number of keys remembered. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly maxKeys = 10_000,
    private readonly now = () => Date.now(),
  ) {}

  take(key: string): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      // Forgetting the oldest key only ever gives that client a fresh burst: memory stays bounded.
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = new TokenBucket(this.capacity, this.perSecond, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket.take();
  }
}
