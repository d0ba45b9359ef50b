import { hash32, SECOND_SEED } from './hash.js';

/**
 * "Have we seen this within the horizon?" in fixed memory: two Bloom filters, each covering one
 * generation (half the horizon) of event time. A member is seen if either generation has it; when
 * event time enters a new generation the older filter is cleared and reused. So a member is
 * remembered for at least half the horizon and at most the whole horizon. False positives (a new
 * member reported as seen) occur at the configured rate; there are no false negatives.
 */
export class RotatingBloomFilter {
  private readonly bits: number;
  private readonly hashes: number;
  private current: Uint32Array;
  private previous: Uint32Array;
  private generation = -Infinity;
  private readonly generationLength: number;

  constructor(capacity: number, falsePositiveRate: number, horizonMs: number) {
    const bits = Math.ceil((-capacity * Math.log(falsePositiveRate)) / (Math.LN2 * Math.LN2));
    this.bits = Math.max(64, bits);
    this.hashes = Math.max(1, Math.round((this.bits / capacity) * Math.LN2));
    this.current = new Uint32Array(Math.ceil(this.bits / 32));
    this.previous = new Uint32Array(Math.ceil(this.bits / 32));
    this.generationLength = horizonMs / 2;
  }

  get byteLength(): number {
    return this.current.byteLength * 2;
  }

  /** Returns whether `member` had been seen; marks it at event time `timeMs` when `add` is true. */
  test(member: string, timeMs: number, add: boolean): boolean {
    this.rotate(timeMs);
    const h1 = hash32(member);
    const h2 = hash32(member, SECOND_SEED) | 1;
    let inCurrent = true;
    let inPrevious = true;
    for (let k = 0; k < this.hashes; k++) {
      const bit = (h1 + Math.imul(k, h2)) >>> 0;
      const index = bit % this.bits;
      const word = index >>> 5;
      const mask = 1 << (index & 31);
      if ((this.current[word]! & mask) === 0) {
        inCurrent = false;
        if (add) this.current[word]! |= mask;
      }
      if ((this.previous[word]! & mask) === 0) inPrevious = false;
    }
    return inCurrent || inPrevious;
  }

  private rotate(timeMs: number): void {
    const generation = Math.floor(timeMs / this.generationLength);
    if (generation <= this.generation) return;
    if (generation === this.generation + 1) {
      const reuse = this.previous;
      this.previous = this.current;
      reuse.fill(0);
      this.current = reuse;
    } else {
      this.previous.fill(0);
      this.current.fill(0);
    }
    this.generation = generation;
  }
}
