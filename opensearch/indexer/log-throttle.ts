/**
 * Keeps a failure that repeats every few hundred milliseconds (an outage) from flooding the log:
 * the first occurrence of a key is logged, then at most one per interval, with how many were
 * left out meanwhile.
 */
export class LogThrottle {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(private readonly intervalMs = 30_000) {}

  /** Null when this occurrence should stay quiet; else how many were suppressed since the last one logged. */
  admit(key: string, now = Date.now()): number | null {
    const entry = this.last.get(key);
    if (entry !== undefined && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    // Keys are a handful of failure kinds; the bound guards against a caller passing free text.
    if (entry === undefined && this.last.size >= 256) this.last.clear();
    this.last.set(key, { at: now, suppressed: 0 });
    return suppressed;
  }

  /** Forgets `key`, so its next occurrence is logged at once (after a recovery). */
  reset(key: string): void {
    this.last.delete(key);
  }
}
