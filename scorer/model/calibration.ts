import type { Calibration } from './sidecar.js';

/**
 * Raw anomaly score (oriented: higher = more anomalous) → risk in [0, 1]: piecewise-linear
 * between the benign-quantile knots, then beyond the last knot
 * `1 - (1 - r_last) * exp(-(s - s_last) / tail_scale)` (formula documented in models/README.md).
 */
export function calibrate(calibration: Calibration, score: number): number {
  const { raw, risk, tail_scale } = calibration;
  const n = raw.length;
  if (!(score > raw[0]!)) return risk[0]!;
  const lastRaw = raw[n - 1]!;
  if (score >= lastRaw) {
    const lastRisk = risk[n - 1]!;
    return 1 - (1 - lastRisk) * Math.exp(-(score - lastRaw) / tail_scale);
  }
  // Binary search for the segment holding `score`.
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (raw[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const span = raw[hi]! - raw[lo]!;
  if (span <= 0) return risk[hi]!;
  return risk[lo]! + ((risk[hi]! - risk[lo]!) * (score - raw[lo]!)) / span;
}
