/** Progress lines (standard error, for long runs) and the final summary of `siemad replay`. */
import { performance } from 'node:perf_hooks';
import type { OpenSearchOutput } from '../../opensearch/output.js';

export interface ReplayCounts {
  /** Events handed to the buffer (NDJSON events and decoded raw lines). */
  events: number;
  /** NDJSON lines that are no event (dead-lettered). */
  invalid: number;
  eventFiles: number;
  rawFiles: number;
}

export interface ReplaySummary {
  events: number;
  invalid: number;
  eventFiles: number;
  rawFiles: number;
  /** Documents (an anomaly counts in both streams) created, already present, dead-lettered. */
  created: number;
  duplicates: number;
  deadLettered: number;
  seconds: number;
  eventsPerSecond: number;
}

export class ReplayProgress {
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly output: OpenSearchOutput,
    private readonly counts: ReplayCounts,
    intervalMs: number,
    private readonly started: number,
  ) {
    this.timer = intervalMs > 0 ? setInterval(() => this.print(), intervalMs).unref() : null;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  summary(): ReplaySummary {
    const stats = this.output.indexer.stats();
    const seconds = (performance.now() - this.started) / 1000;
    return {
      ...this.counts,
      created: stats.items.created,
      duplicates: stats.items.duplicate,
      deadLettered: stats.items.dead_lettered,
      seconds: Number(seconds.toFixed(3)),
      eventsPerSecond: Math.round(this.counts.events / Math.max(seconds, 1e-3)),
    };
  }

  formatSummary(summary: ReplaySummary, deadLetterDirectory: string): string {
    const files = `${summary.eventFiles} NDJSON event file${summary.eventFiles === 1 ? '' : 's'}, ${summary.rawFiles} raw log file${summary.rawFiles === 1 ? '' : 's'}`;
    const lines = [
      `replayed ${summary.events} events (${files}) in ${summary.seconds} s (${summary.eventsPerSecond} events/s)`,
      `documents: ${summary.created} created, ${summary.duplicates} already present, ${summary.deadLettered} dead-lettered`,
    ];
    if (summary.invalid > 0) lines.push(`invalid lines: ${summary.invalid}`);
    if (summary.deadLettered > 0 || summary.invalid > 0) lines.push(`dead letters: ${deadLetterDirectory}`);
    return `${lines.join('\n')}\n`;
  }

  private print(): void {
    const stats = this.output.indexer.stats();
    const buffered = this.output.buffer.stats().events;
    const seconds = (performance.now() - this.started) / 1000;
    const unreachable =
      stats.unreachableSeconds > 0 ? `; OpenSearch unusable for ${Math.round(stats.unreachableSeconds)} s: ${stats.lastFailure ?? ''}` : '';
    process.stderr.write(
      `siemad replay: ${this.counts.events} events read, ${stats.ackedRecords} done (${stats.items.created} created, ${stats.items.duplicate} already present, ` +
        `${stats.items.dead_lettered} dead-lettered), ${buffered} buffered; ${Math.round(stats.ackedRecords / Math.max(seconds, 1e-3))} events/s${unreachable}\n`,
    );
  }
}
