/**
 * Where the timestamp readers put what they read. One slot is reused for every message, so
 * reading a timestamp allocates nothing; copy the values out before the next read.
 */
export interface TimestampSlot {
  /** Epoch milliseconds of the timestamp. */
  epochMs: number;
  /** True when the timestamp carried no year and one was inferred. */
  yearInferred: boolean;
}

export function createTimestampSlot(): TimestampSlot {
  return { epochMs: 0, yearInferred: false };
}
