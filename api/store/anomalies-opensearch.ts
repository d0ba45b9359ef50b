/**
 * GET /api/v1/anomalies from the OpenSearch anomalies data stream: filters in a bool query,
 * sorted by @timestamp or anomaly.score (then event.id), pages by search_after.
 */
import type { Client } from '@opensearch-project/opensearch';
import { LEVEL_RANK, textWords, type AnomalyFilter, type AnomalyPage, type AnomalyQuery } from './anomalies.js';

const LEVELS = Object.keys(LEVEL_RANK) as (keyof typeof LEVEL_RANK)[];

export class OpenSearchAnomalyQuery implements AnomalyQuery {
  readonly name = 'opensearch';

  constructor(
    private readonly client: Client,
    /** The anomalies data stream, e.g. logs-siemad.anomalies-default. */
    private readonly dataStream: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async search(filter: AnomalyFilter): Promise<AnomalyPage> {
    const must: Record<string, unknown>[] = [{ term: { 'anomaly.is_anomaly': true } }];
    if (filter.minScore !== undefined) must.push({ range: { 'anomaly.score': { gte: filter.minScore } } });
    if (filter.level !== undefined)
      must.push({ terms: { 'anomaly.level': LEVELS.filter((level) => LEVEL_RANK[level] >= LEVEL_RANK[filter.level!]) } });
    if (filter.since !== undefined || filter.until !== undefined) {
      must.push({
        range: {
          '@timestamp': {
            ...(filter.since ? { gte: filter.since.toISOString() } : {}),
            ...(filter.until ? { lt: filter.until.toISOString() } : {}),
          },
        },
      });
    }
    if (filter.sourceIp !== undefined) must.push({ term: { 'source.ip': filter.sourceIp } });
    if (filter.user !== undefined) must.push({ term: { 'user.name': filter.user } });
    if (filter.host !== undefined) must.push({ term: { 'host.hostname': filter.host } });
    if (filter.kind !== undefined) must.push({ term: { 'anomaly.kind': filter.kind } });
    const words = textWords(filter.text);
    if (words.length > 0) must.push({ match: { 'anomaly.reasons': { query: words.join(' '), operator: 'and' } } });
    const field = filter.sort === 'score' ? 'anomaly.score' : '@timestamp';
    const body: Record<string, unknown> = {
      size: filter.limit + 1,
      query: { bool: { filter: must } },
      sort: [{ [field]: { order: 'desc' } }, { 'event.id': { order: 'desc' } }],
      track_total_hits: false,
    };
    if (filter.after !== undefined) body.search_after = filter.after;
    const response = await this.client.search({ index: this.dataStream, body, ignore_unavailable: true, allow_no_indices: true } as never, {
      requestTimeout: this.timeoutMs,
    });
    const hits = (response.body as { hits?: { hits?: { _source: Record<string, unknown>; sort?: unknown[] }[] } }).hits?.hits ?? [];
    const page = hits.slice(0, filter.limit);
    const last = page[page.length - 1];
    const sort = last?.sort;
    return {
      anomalies: page.map((hit) => hit._source),
      ...(hits.length > filter.limit && sort !== undefined ? { next: [Number(sort[0]), String(sort[1])] as [number, string] } : {}),
    };
  }
}
