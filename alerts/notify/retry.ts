/**
 * When a failed delivery is tried again: exponential backoff from `initialDelayMs`, doubled per
 * failed attempt up to `maxDelayMs`, with "equal jitter" (half the delay fixed, half random) so
 * that collectors retrying the same receiver after an outage spread out instead of arriving
 * together. A receiver's Retry-After (429, 503) is honoured up to the cap.
 */
export interface RetryPolicy {
  /** Attempts in all; after the last one fails the delivery is marked failed. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 10, initialDelayMs: 2_000, maxDelayMs: 5 * 60_000 };

/** ms to wait after the `failedAttempts`-th failure (1 for the first). */
export function retryDelayMs(
  policy: RetryPolicy,
  failedAttempts: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  const wanted = retryAfterMs !== undefined ? Math.max(jittered, retryAfterMs) : jittered;
  return Math.round(Math.min(wanted, policy.maxDelayMs));
}

/** `Retry-After`: seconds, or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
