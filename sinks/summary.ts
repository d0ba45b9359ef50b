import type { EcsEvent } from '../collector/ecs/event.js';
import { AnomalousEntities, anomalyKey } from './anomalous-entities.js';
import type { EventSink } from './sink.js';

/** Counts kept per table; beyond it, rarer keys are not tracked (bounded memory on huge inputs). */
const MAX_KEYS = 100_000;

class TopCounter {
  private readonly counts = new Map<string, number>();

  add(key: string | undefined, n = 1): void {
    if (key === undefined || key === '') return;
    const current = this.counts.get(key);
    if (current !== undefined) this.counts.set(key, current + n);
    else if (this.counts.size < MAX_KEYS) this.counts.set(key, n);
  }

  top(n: number): [string, number][] {
    return [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, n);
  }

  get size(): number {
    return this.counts.size;
  }
}

/**
 * `siemad analyze --format table`: a readable summary of what the input contained — volumes by
 * dataset and action, parse errors, the busiest failing sources and users.
 */
export class SummarySink implements EventSink {
  readonly name = 'summary';
  private total = 0;
  private parseErrors = 0;
  private decoded = 0;
  private readonly actions = new TopCounter();
  private readonly failingSources = new TopCounter();
  private readonly failingUsers = new TopCounter();
  private readonly deniedSources = new TopCounter();
  private readonly anomalies = new AnomalousEntities();
  private first: string | undefined;
  private last: string | undefined;

  constructor(private readonly print: (text: string) => void) {}

  async write(events: readonly EcsEvent[]): Promise<void> {
    for (const event of events) {
      this.total++;
      const count = event.event.count ?? 1;
      if (event.error?.type === 'syslog_parse') this.parseErrors++;
      if (event.event.action !== undefined) this.decoded++;
      this.actions.add(`${event.event.dataset} ${event.event.action ?? '-'}`);
      const ts = event['@timestamp'];
      if (this.first === undefined || ts < this.first) this.first = ts;
      if (this.last === undefined || ts > this.last) this.last = ts;
      if (event.event.outcome === 'failure' && event.event.category?.includes('authentication')) {
        this.failingSources.add(event.source?.ip, count);
        this.failingUsers.add(event.user?.name, count);
      }
      if (event.event.type?.includes('denied')) this.deniedSources.add(event.source?.ip, count);
      if (event.anomaly?.is_anomaly === true) this.anomalies.add(anomalyKey(event), event.anomaly, event['@timestamp']);
    }
  }

  async close(): Promise<void> {
    this.print(this.render());
  }

  private renderAnomalies(limit: number): string {
    const ranked = this.anomalies.ranked(limit);
    const lines = [`most anomalous entities (${this.anomalies.size} entities, ${this.anomalies.eventCount} anomalous events)`];
    for (const [rank, [entity, entry]] of ranked.entries()) {
      lines.push(
        `${String(rank + 1).padStart(2)}. ${entity}  risk ${entry.maxScore.toFixed(2)} ${entry.level}, ${entry.count} events, ${entry.first.slice(0, 19)} .. ${entry.last.slice(0, 19)}`,
      );
      for (const reason of entry.reasons) lines.push(`      - ${reason}`);
      if (entry.action !== undefined) lines.push(`      → ${entry.action}`);
    }
    return lines.join('\n');
  }

  render(): string {
    const lines: string[] = [];
    const pct = (n: number): string => (this.total === 0 ? '0.0' : ((100 * n) / this.total).toFixed(1));
    lines.push(
      `events: ${this.total}   decoded to an action: ${this.decoded} (${pct(this.decoded)}%)   parse errors: ${this.parseErrors}   anomalous: ${this.anomalies.eventCount}`,
    );
    if (this.first !== undefined) lines.push(`time range: ${this.first} .. ${this.last}`);
    if (this.anomalies.size > 0) lines.push('', this.renderAnomalies(15));
    lines.push('', table('dataset / action', 'events', this.actions.top(25)));
    if (this.failingSources.size > 0)
      lines.push('', table('authentication failures by source.ip', 'failures', this.failingSources.top(10)));
    if (this.failingUsers.size > 0) lines.push('', table('authentication failures by user.name', 'failures', this.failingUsers.top(10)));
    if (this.deniedSources.size > 0) lines.push('', table('firewall denies by source.ip', 'denied', this.deniedSources.top(10)));
    return lines.join('\n') + '\n';
  }
}

function table(title: string, countTitle: string, rows: [string, number][]): string {
  const width = Math.max(title.length, ...rows.map(([key]) => key.length));
  const out = [`${title.padEnd(width)}  ${countTitle.padStart(8)}`, `${'-'.repeat(width)}  ${'-'.repeat(8)}`];
  for (const [key, count] of rows) out.push(`${key.padEnd(width)}  ${String(count).padStart(8)}`);
  return out.join('\n');
}
