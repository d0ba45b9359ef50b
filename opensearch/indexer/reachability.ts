/**
 * Whether OpenSearch has been answering: since when every attempt to use it (bulk requests, setup)
 * has failed, and why. `/healthz` turns degraded once that lasts too long, while the collector
 * keeps accepting into the disk buffer.
 */
export class Reachability {
  private failingSince: number | null = null;
  private lastFailure: string | null = null;

  /** An attempt got a usable answer. */
  reached(): void {
    this.failingSince = null;
    this.lastFailure = null;
  }

  /** An attempt got no answer or an error for the whole request. */
  failed(reason: string, now = Date.now()): void {
    this.failingSince ??= now;
    this.lastFailure = reason;
  }

  /** Milliseconds since attempts started failing; 0 while OpenSearch answers. */
  unreachableMs(now = Date.now()): number {
    return this.failingSince === null ? 0 : Math.max(0, now - this.failingSince);
  }

  reason(): string | null {
    return this.lastFailure;
  }
}
