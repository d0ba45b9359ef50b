/**
 * The window semantics both stores implement, so they give the same answers:
 *
 * Count window W: time is cut into slices of W/12 aligned on the epoch; the count at time t is the
 * sum of amounts whose slice lies in the 12 slices ending with t's slice. (The window thus spans
 * between 11/12·W and W; cheap in Redis — 12 hash fields — and in memory.)
 *
 * Distinct window W: the same with slices of W/6: a member counts if it was last seen in one of
 * the 6 slices ending with t's slice. Up to EXACT_MEMBERS members per series are tracked exactly;
 * beyond that the series becomes one HyperLogLog per slice, and the count is the estimate of the
 * union of the window's slices.
 *
 * Times are whole seconds of event time.
 */
export const COUNT_SLICES = 12;
export const DISTINCT_SLICES = 6;
export const EXACT_MEMBERS = 64;

export function sliceLength(windowMs: number, slices: number): number {
  return Math.max(1, Math.floor(windowMs / 1000 / slices));
}

/** First second that still belongs to the window ending in the slice of `second`. */
export function windowStart(second: number, windowMs: number, slices: number): number {
  const length = sliceLength(windowMs, slices);
  return (Math.floor(second / length) - (slices - 1)) * length;
}

/** Whole seconds of an event time in ms. */
export function toSecond(timeMs: number): number {
  return Math.floor(timeMs / 1000);
}
