/**
 * Queries of Grafana's OpenSearch datasource plugin (`grafana-opensearch-datasource`), whose model
 * is the Elasticsearch one (metrics + bucket aggregations over a Lucene query). Written here
 * rather than with the foundation SDK's `elasticsearch` builders: in the SDK version we use
 * those emit `"type": "unknown"` for metrics and leak builder internals into settings.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DATASOURCES, TIME_FIELD, type DatasourceRef } from './datasources.js';
import { aggregatable, type EcsFieldPath } from './ecs-fields.js';

export type MetricAggregation =
  | { id: string; type: 'count' }
  | { id: string; type: 'avg' | 'max' | 'min' | 'sum' | 'cardinality'; field: string }
  | { id: string; type: 'raw_data'; settings: { size: string; order: 'desc' | 'asc'; useTimeRange: boolean } };

export type BucketAggregation =
  | { id: string; type: 'date_histogram'; field: string; settings: { interval: string; min_doc_count: string; trimEdges: string } }
  | { id: string; type: 'histogram'; field: string; settings: { interval: string; min_doc_count: string } }
  | { id: string; type: 'terms'; field: string; settings: { size: string; order: 'desc' | 'asc'; orderBy: string; min_doc_count: string } };

export interface OpenSearchQuery extends cog.Dataquery {
  refId: string;
  datasource: DatasourceRef;
  queryType: 'lucene';
  query: string;
  alias?: string;
  timeField: string;
  metrics: MetricAggregation[];
  bucketAggs: BucketAggregation[];
}

/** Counts of documents: `count()` ... with buckets added by the methods below, outermost first. */
export class OpenSearchQueryBuilder implements cog.Builder<cog.Dataquery> {
  private readonly metrics: MetricAggregation[] = [];
  private readonly buckets: BucketAggregation[] = [];
  private aliasPattern: string | undefined;
  private refIdValue = 'A';

  constructor(
    private readonly datasource: DatasourceRef,
    private readonly lucene: string,
  ) {}

  private nextId(): string {
    return String(this.metrics.length + this.buckets.length + 1);
  }

  count(): this {
    this.metrics.push({ id: this.nextId(), type: 'count' });
    return this;
  }

  /** Distinct values of `field` (approximate above 3000, as OpenSearch counts them). */
  cardinality(field: EcsFieldPath): this {
    this.metrics.push({ id: this.nextId(), type: 'cardinality', field: aggregatable(field) });
    return this;
  }

  max(field: EcsFieldPath): this {
    this.metrics.push({ id: this.nextId(), type: 'max', field: aggregatable(field) });
    return this;
  }

  /** The newest `size` documents, all fields (a table panel picks its columns). */
  rawData(size: number): this {
    this.metrics.push({ id: this.nextId(), type: 'raw_data', settings: { size: String(size), order: 'desc', useTimeRange: true } });
    return this;
  }

  /** The `size` most frequent values of `field` (its keyword sub-field when it is text). */
  terms(field: EcsFieldPath, size: number): this {
    this.buckets.push({
      id: this.nextId(),
      type: 'terms',
      field: aggregatable(field),
      settings: { size: String(size), order: 'desc', orderBy: '_count', min_doc_count: '1' },
    });
    return this;
  }

  /** Fixed-width buckets of a numeric field, empty ones included so the shape of the distribution shows. */
  histogram(field: EcsFieldPath, interval: number): this {
    this.buckets.push({
      id: this.nextId(),
      type: 'histogram',
      field: aggregatable(field),
      settings: { interval: String(interval), min_doc_count: '0' },
    });
    return this;
  }

  /** Buckets over time at Grafana's automatic interval; empty buckets kept so rates drop to zero. */
  overTime(): this {
    this.buckets.push({
      id: this.nextId(),
      type: 'date_histogram',
      field: TIME_FIELD,
      settings: { interval: 'auto', min_doc_count: '0', trimEdges: '0' },
    });
    return this;
  }

  alias(pattern: string): this {
    this.aliasPattern = pattern;
    return this;
  }

  refId(refId: string): this {
    this.refIdValue = refId;
    return this;
  }

  build(): OpenSearchQuery {
    if (this.metrics.length === 0) throw new Error(`OpenSearch query ${JSON.stringify(this.lucene)} has no metric`);
    return {
      refId: this.refIdValue,
      datasource: this.datasource,
      queryType: 'lucene',
      query: this.lucene,
      ...(this.aliasPattern !== undefined ? { alias: this.aliasPattern } : {}),
      timeField: TIME_FIELD,
      metrics: [...this.metrics],
      bucketAggs: [...this.buckets],
      // Marks the object as a dataquery for the SDK's types; JSON.stringify leaves functions out.
      _implementsDataqueryVariant() {},
    };
  }
}

export function logsQuery(lucene: string): OpenSearchQueryBuilder {
  return new OpenSearchQueryBuilder(DATASOURCES.logs, lucene);
}

export function anomaliesQuery(lucene: string): OpenSearchQueryBuilder {
  return new OpenSearchQueryBuilder(DATASOURCES.anomalies, lucene);
}
