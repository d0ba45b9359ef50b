/**
 * Per-token token buckets: `rate` units per second refill up to `burst`. One limiter counts
 * requests (every authenticated route), another the log lines submitted (analyze and batch).
 * Bounded: buckets of tokens not seen lately go first beyond MAX_BUCKETS.
 */
const MAX_BUCKETS = 10_000;

export interface RateLimit {
  /** Units per second (0: no limit). */
  rate: number;
  burst: number;
}

interface Bucket {
  level: number;
  at: number;
}

export class TokenRateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(readonly limit: RateLimit) {}

  /**
   * Takes `cost` units for `key`; 0 when allowed, else the seconds to wait before the same request
   * would be (the bucket is left as it was: a refused request costs nothing).
   */
  take(key: string, cost: number, now = Date.now()): number {
    const { rate, burst } = this.limit;
    if (rate <= 0) return 0;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { level: burst, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.level = Math.min(burst, bucket.level + ((now - bucket.at) / 1000) * rate);
      bucket.at = now;
    }
    if (cost > burst) return Math.ceil(cost / rate);
    if (bucket.level >= cost) {
      bucket.level -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - bucket.level) / rate));
  }
}
