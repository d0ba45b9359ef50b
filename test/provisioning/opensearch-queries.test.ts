/**
 * The OpenSearch queries of the Grafana dashboards and of the OpenSearch Dashboards saved objects,
 * run against a real OpenSearch holding siemad's templates and a few events: each must run
 * without a (shard) failure on the index pattern it names, and the panels an analyst starts from
 * must find the events they are about.
 */
import t from 'tap';
import { ACTIONS } from '../../collector/decoders/actions.js';
import { DATASETS } from '../../collector/decoders/fields.js';
import { ECS_VERSION, TAGS, type EcsEvent } from '../../collector/ecs/event.js';
import { DATASOURCES, TIME_FIELD, streamIndexPattern } from '../../grafana/datasources.js';
import type { SavedObject } from '../../grafana/opensearch-dashboards/saved-objects.js';
import { createOpenSearchClient } from '../../opensearch/client.js';
import { openSearchLayout, resolveLayoutOptions, type OpenSearchLayoutInput } from '../../opensearch/layout.js';
import { applyOpenSearchSetup } from '../../opensearch/setup.js';
import { sharedOpenSearch } from '../helpers/opensearch.js';
import { requireService } from '../helpers/services.js';
import { allPanels, committedDashboards, readRepoFile, type TargetJson } from './provisioning-files.js';

type SearchBody = Record<string, unknown>;
interface SearchResult {
  status: number;
  json: {
    error?: unknown;
    _shards?: { failed: number; failures?: unknown[] };
    hits?: { hits: { _source: Record<string, any> }[] };
    aggregations?: Record<string, any>;
  };
}

const now = new Date().toISOString();
const SOURCE_IP = '203.0.113.9';
const REASON = 'failed logins from this source: 40 in 5 min';
const ENTITY = `source.ip=${SOURCE_IP}`;

function event(fields: Omit<Partial<EcsEvent>, 'event'> & { event?: Partial<EcsEvent['event']> }): EcsEvent {
  const { event: eventFields, ...rest } = fields;
  return {
    '@timestamp': now,
    ecs: { version: ECS_VERSION },
    log: {},
    ...rest,
    event: { created: now, kind: 'event', original: fields.message ?? '', dataset: DATASETS.systemSyslog.dataset, ...eventFields },
  };
}

const failedLogin = event({
  message: `Failed password for root from ${SOURCE_IP} port 4242 ssh2`,
  event: {
    dataset: DATASETS.systemAuth.dataset,
    action: ACTIONS.sshLogin,
    category: ['authentication'],
    type: ['info'],
    outcome: 'failure',
  },
  source: { ip: SOURCE_IP, port: 4242 },
  user: { name: 'root' },
  host: { hostname: 'web-1' },
});
// Located as the collector's GeoIP enrichment would locate a public address (the test's own is documentation).
const GEO = { country_iso_code: 'BR', country_name: 'Brazil', continent_code: 'SA', location: { lat: -10, lon: -55 } };
const AS = { number: 64500, organization: { name: 'Example Transit' } };
const anomalousLogin: EcsEvent = {
  ...failedLogin,
  source: { ip: SOURCE_IP, port: 4242, geo: GEO, as: AS },
  event: { ...failedLogin.event, risk_score: 0.93, risk_score_norm: 93, severity: 99 },
  anomaly: {
    is_anomaly: true,
    score: 0.93,
    level: 'critical',
    model_scores: { auth: 0.93 },
    reasons: [REASON],
    recommended_action: `block ${SOURCE_IP}`,
    model_version: 'provisioning-test',
    entity: ENTITY,
  },
};
const firewallDeny = event({
  message: '[UFW BLOCK] IN=eth0 OUT= SRC=198.51.100.7 DST=192.0.2.1 PROTO=TCP SPT=51515 DPT=23',
  event: { dataset: DATASETS.iptables.dataset, action: ACTIONS.firewallPacket, category: ['network'], type: ['denied'] },
  source: { ip: '198.51.100.7', port: 51515 },
  destination: { ip: '192.0.2.1', port: 23 },
  network: { transport: 'tcp' },
  rule: { name: 'UFW BLOCK' },
});
const unparsed = event({ message: 'garbage', tags: [TAGS.parseError] });

/** Grafana variables in Lucene queries, replaced by what "All" selects. */
function luceneOf(query: string | undefined): string {
  return (query ?? '*').replaceAll('$level', '*');
}

function filtered(lucene: string): SearchBody {
  return {
    bool: { filter: [{ query_string: { query: lucene, analyze_wildcard: true } }, { range: { [TIME_FIELD]: { gte: 'now-1d' } } }] },
  };
}

/** What the OpenSearch datasource plugin sends for a target (interval "auto" resolved to 1h). */
function grafanaSearch(
  target: TargetJson & { bucketAggs?: { id: string; type: string; field?: string; settings?: Record<string, string> }[] },
): SearchBody {
  const raw = target.metrics?.find((metric) => metric.type === 'raw_data') as { settings?: { size?: string } } | undefined;
  if (raw !== undefined)
    return { query: filtered(luceneOf(target.query)), size: Number(raw.settings?.size ?? 500), sort: [{ [TIME_FIELD]: 'desc' }] };
  const leaf: Record<string, unknown> = {};
  for (const metric of target.metrics ?? []) {
    if (metric.type === 'cardinality' || metric.type === 'max') leaf[metric.id] = { [metric.type]: { field: metric.field } };
  }
  let aggs = leaf;
  for (const bucket of [...(target.bucketAggs ?? [])].reverse()) {
    const settings = bucket.settings ?? {};
    const definition =
      bucket.type === 'terms'
        ? {
            terms: {
              field: bucket.field,
              size: Number(settings.size),
              order: { _count: settings.order },
              min_doc_count: Number(settings.min_doc_count),
            },
          }
        : bucket.type === 'histogram'
          ? { histogram: { field: bucket.field, interval: Number(settings.interval), min_doc_count: Number(settings.min_doc_count) } }
          : { date_histogram: { field: bucket.field, fixed_interval: '1h', min_doc_count: Number(settings.min_doc_count) } };
    aggs = { [bucket.id]: { ...definition, ...(Object.keys(aggs).length > 0 ? { aggs } : {}) } };
  }
  return { query: filtered(luceneOf(target.query)), size: 0, aggs };
}

/** What OpenSearch Dashboards sends for a visualization's aggs (schema order: segment, group, bucket). */
function visualizationSearch(
  lucene: string,
  aggs: { id: string; type: string; schema: string; params: Record<string, any> }[],
): SearchBody {
  let nested: Record<string, unknown> = {};
  for (const agg of aggs.filter((a) => a.schema !== 'metric').reverse()) {
    const { params } = agg;
    const definition =
      agg.type === 'terms'
        ? { terms: { field: params.field, size: params.size, order: { _count: params.order } } }
        : agg.type === 'histogram'
          ? { histogram: { field: params.field, interval: params.interval, extended_bounds: params.extended_bounds } }
          : { date_histogram: { field: params.field, fixed_interval: '1h', min_doc_count: params.min_doc_count } };
    nested = { [agg.id]: { ...definition, ...(Object.keys(nested).length > 0 ? { aggs: nested } : {}) } };
  }
  return { query: filtered(lucene), size: 0, aggs: nested };
}

async function search(url: string, index: string, body: SearchBody): Promise<SearchResult> {
  const response = await fetch(`${url}/${encodeURIComponent(index)}/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, json: (await response.json()) as SearchResult['json'] };
}

function bucketKeys(aggregations: Record<string, any> | undefined): unknown[] {
  const first = Object.values(aggregations ?? {})[0] as { buckets?: { key: unknown }[] } | undefined;
  return (first?.buckets ?? []).map((bucket) => bucket.key);
}

t.test('dashboard and saved-object queries run on a real OpenSearch and find the events they are about', async (t) => {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return;
  const layoutInput: OpenSearchLayoutInput = { namespace: `prov${process.pid}`, replicas: 0, refreshInterval: '1s', ism: 'if-available' };
  const client = createOpenSearchClient({ url: cluster.url });
  t.teardown(() => client.close());
  await applyOpenSearchSetup(client, layoutInput);
  const [logs, anomalies] = openSearchLayout(resolveLayoutOptions(layoutInput)).streams;
  const documents: [string, EcsEvent][] = [
    [logs!.dataStream, failedLogin],
    [logs!.dataStream, anomalousLogin],
    [logs!.dataStream, firewallDeny],
    [logs!.dataStream, unparsed],
    [anomalies!.dataStream, anomalousLogin],
  ];
  const bulk = await client.bulk({ refresh: true, body: documents.flatMap(([index, doc]) => [{ create: { _index: index } }, doc]) });
  t.equal(bulk.body.errors, false, 'the events are indexed');

  // The index patterns reach each stream and only it.
  for (const [kind, stream, other] of [
    ['logs', logs!.dataStream, anomalies!.dataStream],
    ['anomalies', anomalies!.dataStream, logs!.dataStream],
  ] as const) {
    const response = await fetch(`${cluster.url}/_resolve/index/${encodeURIComponent(streamIndexPattern(kind))}`);
    const streams = ((await response.json()) as { data_streams: { name: string }[] }).data_streams.map((ds) => ds.name);
    t.ok(streams.includes(stream), `${streamIndexPattern(kind)} reaches ${stream}`);
    t.notOk(streams.includes(other), `${streamIndexPattern(kind)} does not reach ${other}`);
  }

  // The queries run on this test's own streams (the patterns reach them, checked above): on a
  // cluster shared with other tests, top-N buckets over every stream would be other tests' data.
  const indexByUid: Record<string, string> = {
    [DATASOURCES.logs.uid]: logs!.dataStream,
    [DATASOURCES.anomalies.uid]: anomalies!.dataStream,
  };
  const results = new Map<string, SearchResult>();
  for (const { file, dashboard } of committedDashboards()) {
    for (const panel of allPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const uid = (target.datasource ?? panel.datasource)?.uid;
        const index = uid === undefined ? undefined : indexByUid[uid];
        if (index === undefined) continue;
        const result = await search(cluster.url, index, grafanaSearch(target));
        const where = `${file} "${panel.title}"`;
        t.equal(result.status, 200, `${where} runs${result.status === 200 ? '' : `: ${JSON.stringify(result.json.error)}`}`);
        t.equal(
          result.json._shards?.failed,
          0,
          `${where}: no shard fails${result.json._shards?.failed ? `: ${JSON.stringify(result.json._shards.failures)}` : ''}`,
        );
        results.set(panel.title ?? '', result);
      }
    }
  }
  t.ok(results.size >= 20, `${results.size} panels queried`);
  t.ok(bucketKeys(results.get('Failed logins by source IP')?.json.aggregations).includes(SOURCE_IP), 'failed logins by source IP');
  t.ok(bucketKeys(results.get('Failed logins by user')?.json.aggregations).includes('root'), 'failed logins by user');
  t.ok(
    bucketKeys(results.get('Firewall denies by destination port')?.json.aggregations).includes(23),
    'firewall denies by destination port',
  );
  t.ok(bucketKeys(results.get('Unparsed and undecoded messages')?.json.aggregations).includes(TAGS.parseError), 'unparsed messages by tag');
  t.ok(bucketKeys(results.get('Top entities')?.json.aggregations).includes(ENTITY), 'top anomalous entities');
  t.ok(bucketKeys(results.get('Top reasons')?.json.aggregations).includes(REASON), 'top anomaly reasons');
  t.same(bucketKeys(results.get('Anomalies by source country')?.json.aggregations), ['BR'], 'the map of anomalies by source country');
  t.ok(bucketKeys(results.get('Top source countries')?.json.aggregations).includes('BR'), 'anomalies by source country');
  t.ok(bucketKeys(results.get('Top source networks')?.json.aggregations).includes(AS.organization.name), 'anomalies by network owner');
  const latest = results.get('Latest anomalies')?.json.hits?.hits.map((hit) => hit._source) ?? [];
  t.ok(
    latest.some((doc) => doc.source?.geo?.country_iso_code === 'BR' && doc.source?.as?.organization?.name === AS.organization.name),
    'latest anomalies carry the country and network columns',
  );
  t.ok(
    latest.some((doc) => doc.anomaly?.entity === ENTITY && doc.anomaly?.recommended_action === `block ${SOURCE_IP}`),
    'latest anomalies with the recommended action',
  );

  const objects = readRepoFile('provisioning', 'opensearch-dashboards', 'saved-objects.ndjson')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as SavedObject);
  const byId = new Map(objects.map((object) => [object.id, object]));
  const sourceOf = (object: SavedObject): { query: { query: string } } =>
    JSON.parse((object.attributes.kibanaSavedObjectMeta as { searchSourceJSON: string }).searchSourceJSON) as { query: { query: string } };
  const patternOf = (object: SavedObject): string => {
    const reference = object.references[0]!;
    const target = byId.get(reference.id)!;
    return reference.type === 'index-pattern' ? (target.attributes.title as string) : patternOf(target);
  };
  const queryOf = (object: SavedObject): string => {
    const reference = object.references[0]!;
    return reference.type === 'search' ? queryOf(byId.get(reference.id)!) : sourceOf(object).query.query;
  };
  const expectedHits: Record<string, (doc: Record<string, any>) => boolean> = {
    'siemad-failed-logins': (doc) => doc.source?.ip === SOURCE_IP && doc.event?.outcome === 'failure',
    'siemad-firewall-denies': (doc) => doc.destination?.port === 23,
    'siemad-anomalies-high-critical': (doc) => doc.anomaly?.entity === ENTITY,
  };
  const expectedBuckets: Record<string, unknown[]> = {
    'siemad-anomalies-map': ['BR'],
    'siemad-anomalies-by-source-country': ['BR'],
  };
  for (const object of objects) {
    if (object.type !== 'search' && object.type !== 'visualization') continue;
    const body =
      object.type === 'search'
        ? { query: filtered(queryOf(object)), size: 100, sort: [{ [TIME_FIELD]: 'desc' }] }
        : visualizationSearch(
            queryOf(object),
            (JSON.parse(object.attributes.visState as string) as { aggs: Parameters<typeof visualizationSearch>[1] }).aggs,
          );
    const pattern = patternOf(object);
    const ownStream =
      pattern === streamIndexPattern('anomalies')
        ? anomalies!.dataStream
        : pattern === streamIndexPattern('logs')
          ? logs!.dataStream
          : pattern;
    const result = await search(cluster.url, ownStream, body);
    t.equal(result.status, 200, `${object.id} runs${result.status === 200 ? '' : `: ${JSON.stringify(result.json.error)}`}`);
    t.equal(result.json._shards?.failed, 0, `${object.id}: no shard fails`);
    const wanted = expectedHits[object.id];
    if (wanted !== undefined)
      t.ok(
        result.json.hits?.hits.some((hit) => wanted(hit._source)),
        `${object.id} finds its event`,
      );
    const buckets = expectedBuckets[object.id];
    if (buckets !== undefined) t.same(bucketKeys(result.json.aggregations), buckets, `${object.id} finds its countries`);
  }
});
