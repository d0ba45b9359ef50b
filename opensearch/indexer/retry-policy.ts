/**
 * When to try again: exponential backoff with full jitter (a uniformly random wait between 0 and
 * min(cap, initial * 2^attempt)), as in AWS's "Exponential Backoff And Jitter". Jitter spreads the
 * retries of many collectors after an outage instead of having them hit the cluster together.
 * There is no limit in time: the disk buffer holds the data while OpenSearch is away.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicyOptions {
  /** Upper bound of the first wait. */
  initialDelayMs: number;
  /** Upper bound of any wait. */
  maxDelayMs: number;
}

export type RetryReason = 'unreachable' | 'throttled' | 'server_error' | 'refused' | 'items' | 'dead_letter_write';

/** Request-level statuses worth retrying: throttling, server errors, and conditions an operator fixes. */
export function isRetryableStatus(status: number): boolean {
  // 401/403: credentials or privileges being fixed (or a security plugin starting); 404: a data
  // stream deleted without auto-creation; 408: timed out in the server. None is the data's fault.
  return status === 429 || status >= 500 || status === 401 || status === 403 || status === 404 || status === 408;
}

export class RetryPolicy {
  constructor(
    private readonly options: RetryPolicyOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before retry number `attempt` (0 for the first retry). */
  delayMs(attempt: number): number {
    const exponent = Math.min(Math.max(attempt, 0), 30);
    const ceiling = Math.min(this.options.maxDelayMs, this.options.initialDelayMs * 2 ** exponent);
    return Math.floor(this.random() * ceiling);
  }

  /** Waits before retry `attempt`; resolves false at once when `signal` aborts (shutting down). */
  async wait(attempt: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    try {
      await sleep(this.delayMs(attempt), undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }
}
