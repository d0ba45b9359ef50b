/**
 * Token buckets per sender address: each sender may send `rate` messages a second on average and
 * `burst` at once. One hostile or broken sender can then neither fill the queue and the disk
 * buffer nor crowd out the others. Bounded: at most `maxSenders` buckets (the least recently
 * seen goes first; a forgotten sender starts with a full bucket again).
 */
export interface SenderRateOptions {
  /** Messages per second per sender; 0 = no limit. */
  rate: number;
  burst: number;
  maxSenders?: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

const DEFAULT_MAX_SENDERS = 65_536;

export class SenderRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxSenders: number;

  constructor(private readonly options: SenderRateOptions) {
    this.maxSenders = options.maxSenders ?? DEFAULT_MAX_SENDERS;
  }

  get enabled(): boolean {
    return this.options.rate > 0;
  }

  /**
   * Takes `count` tokens for `sender` at time `now` (ms). Returns how many ms the sender is over
   * its rate: 0 when it is within it. The tokens are taken either way (a stream sender's messages
   * were already read: it is paused for that long instead).
   */
  take(sender: string, count: number, now: number): number {
    if (this.options.rate <= 0) return 0;
    let bucket = this.buckets.get(sender);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxSenders) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.options.burst, updated: now };
    } else {
      this.buckets.delete(sender);
      bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((now - bucket.updated) * this.options.rate) / 1000);
      bucket.updated = now;
    }
    this.buckets.set(sender, bucket);
    bucket.tokens -= count;
    return bucket.tokens >= 0 ? 0 : Math.ceil((-bucket.tokens * 1000) / this.options.rate);
  }

  /** A datagram-style check: one message, allowed only when a token is there (else not taken). */
  allow(sender: string, now: number): boolean {
    if (this.options.rate <= 0) return true;
    if (this.take(sender, 1, now) === 0) return true;
    this.buckets.get(sender)!.tokens += 1;
    return false;
  }
}
