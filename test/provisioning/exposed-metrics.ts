/**
 * The metric names a collector with the OpenSearch output exposes, read from the exposition text
 * of a real registry (PipelineMetrics with the default process metrics, the disk buffer and the
 * indexer of a real OpenSearchOutput). Dashboards and rules are checked against this list, so a
 * metric renamed in code fails their tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INDEXER_CONFIG } from '../../opensearch/indexer/config.js';
import { OpenSearchOutput } from '../../opensearch/output.js';
import { createLogger } from '../../core/logger.js';
import { PipelineMetrics } from '../../pipeline/metrics.js';
import { SourceTracker } from '../../pipeline/sources.js';

const MIB = 1024 * 1024;

/** Sample names of each metric type: a histogram `h` is queried as h_bucket, h_sum and h_count. */
function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/** Parses the `# TYPE name type` lines of a Prometheus text exposition. */
export function exposedSeries(exposition: string): Map<string, string> {
  const series = new Map<string, string>();
  for (const line of exposition.split('\n')) {
    const match = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (match === null) continue;
    for (const name of seriesNames(match[1]!, match[2]!)) series.set(name, match[2]!);
  }
  return series;
}

/** Series name -> metric type, as `GET /metrics` of `siemad serve --opensearch-url ...` lists them. */
export async function collectorSeries(): Promise<Map<string, string>> {
  const metrics = new PipelineMetrics();
  // serve registers the scorer's calibration gauges when scoring is on (the default).
  metrics.watchCalibration(() => [{ family: 'auth', threshold: 0.4, warm: false, flaggedPer10k: 0 }]);
  // serve watches its log sources; one source, so the per-source series are exposed too.
  const sources = new SourceTracker();
  sources.record('web-01', '192.0.2.10', Date.now(), false, true);
  metrics.watchSources(sources, 20);
  const dataDir = await mkdtemp(join(tmpdir(), 'siemad-metrics-'));
  // Nothing is ever sent: setup is off and the buffer stays empty, so the port need not answer.
  const output = await OpenSearchOutput.open({
    connection: { url: 'http://127.0.0.1:9' },
    layout: {},
    setup: false,
    buffer: { directory: join(dataDir, 'buffer'), maxTotalBytes: 16 * MIB, fsync: 'never', fsyncIntervalMs: 1000 },
    deadLetter: { directory: join(dataDir, 'dead-letter'), maxTotalBytes: 16 * MIB },
    indexer: DEFAULT_INDEXER_CONFIG,
    logger: createLogger('silent'),
    registry: metrics.registry,
  });
  try {
    return exposedSeries(await metrics.registry.metrics());
  } finally {
    await output.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Series Prometheus itself adds to every scrape job. */
export const SCRAPE_SERIES: ReadonlySet<string> = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/**
 * Metric names a PromQL expression selects: identifiers followed by a `{...}` matcher or a range,
 * and every `siemad_*` identifier (label values and strings are removed first).
 */
export function metricNamesIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const names = new Set<string>();
  for (const match of withoutStrings.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?=\{|\[)/g)) names.add(match[1]!);
  for (const match of withoutStrings.matchAll(/\bsiemad_[a-zA-Z0-9_:]*/g)) names.add(match[0]);
  // `by (...)`, `without (...)`, functions and keywords are followed by `(` or nothing: not matched above.
  return [...names];
}
