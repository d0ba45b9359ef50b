/**
 * The Grafana datasources the dashboards use, by the fixed UIDs that
 * `provisioning/grafana/datasources/siemad.yaml` gives them (a test checks both agree), and the
 * index patterns of the siemad data streams in any namespace.
 */
import { DEFAULT_LAYOUT_OPTIONS, openSearchLayout, type StreamKind } from '../opensearch/layout.js';

export interface DatasourceRef {
  readonly type: string;
  readonly uid: string;
}

export const OPENSEARCH_PLUGIN = 'grafana-opensearch-datasource';
/** Grafana's built-in PostgreSQL datasource (its plugin id since Grafana 10.3; `postgres` before). */
export const POSTGRES_PLUGIN = 'grafana-postgresql-datasource';

export const DATASOURCES = {
  prometheus: { type: 'prometheus', uid: 'siemad-prometheus' },
  logs: { type: OPENSEARCH_PLUGIN, uid: 'siemad-opensearch-logs' },
  anomalies: { type: OPENSEARCH_PLUGIN, uid: 'siemad-opensearch-anomalies' },
  postgres: { type: POSTGRES_PLUGIN, uid: 'siemad-postgres' },
} as const satisfies Record<string, DatasourceRef>;

/**
 * `logs-siemad-*` and `logs-siemad.anomalies-*`: the data streams of the default prefix in every
 * namespace. The two never overlap (`logs-siemad-` needs the hyphen right after the prefix).
 */
export function streamIndexPattern(kind: StreamKind): string {
  const layout = openSearchLayout(DEFAULT_LAYOUT_OPTIONS);
  const stream = layout.streams.find((s) => s.kind === kind);
  if (stream === undefined) throw new Error(`no ${kind} stream in the OpenSearch layout`);
  const namespace = DEFAULT_LAYOUT_OPTIONS.namespace;
  return `${stream.dataStream.slice(0, -namespace.length)}*`;
}

/** The field every siemad document is timed by (index patterns, datasources, date histograms). */
export const TIME_FIELD = '@timestamp';

/** The Prometheus scrape job of the collectors (`provisioning/prometheus/prometheus.yml`). */
export const PROMETHEUS_JOB = 'siemad';
