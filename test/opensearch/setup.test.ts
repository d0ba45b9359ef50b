import t, { type Test } from 'tap';
import type { Client } from '@opensearch-project/opensearch';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { createOpenSearchClient } from '../../opensearch/client.js';
import { callOpenSearch } from '../../opensearch/http.js';
import { openSearchLayout, resolveLayoutOptions, type OpenSearchLayoutInput } from '../../opensearch/layout.js';
import { applyOpenSearchSetup, formatSetupReport, type SetupReport } from '../../opensearch/setup.js';
import { componentTemplates } from '../../opensearch/templates.js';
import { sharedOpenSearch } from '../helpers/opensearch.js';
import { requireService } from '../helpers/services.js';

// Every test uses its own namespace, so the tests share one cluster without seeing each other.
let namespaceCounter = 0;
function optionsForTest(overrides: OpenSearchLayoutInput = {}): OpenSearchLayoutInput {
  namespaceCounter += 1;
  return { namespace: `t${process.pid}n${namespaceCounter}`, replicas: 0, refreshInterval: '1s', ism: 'if-available', ...overrides };
}

async function clusterClient(t: Test): Promise<Client | undefined> {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return undefined;
  const client = createOpenSearchClient({ url: cluster.url });
  t.teardown(() => client.close());
  return client;
}

const outcomes = (report: SetupReport) => report.changes.map((change) => `${change.object} ${change.name} ${change.outcome}`);

function event(fields: Partial<EcsEvent> & { '@timestamp': string }): Record<string, unknown> {
  return {
    ecs: { version: '8.11.0' },
    event: { created: fields['@timestamp'], kind: 'event', original: 'raw line', dataset: 'system.auth' },
    log: {},
    ...fields,
  };
}

t.test('applying the setup twice creates everything once and then reports nothing changed', async (t) => {
  const client = await clusterClient(t);
  if (!client) return;
  const options = optionsForTest();
  const layout = openSearchLayout(resolveLayoutOptions(options));

  const first = await applyOpenSearchSetup(client, options);
  t.ok(first.changed);
  const created = first.changes.filter((change) => change.outcome === 'created').map((change) => change.name);
  t.same(
    created.sort(),
    [
      layout.ecsComponent,
      layout.anomalyComponent,
      ...layout.streams.flatMap((stream) => [stream.settingsComponent, stream.indexTemplate, stream.dataStream]),
    ].sort(),
    'component templates, index templates and data streams are created',
  );

  const second = await applyOpenSearchSetup(client, options);
  t.notOk(second.changed, 'second run changes nothing');
  t.same(
    second.changes.filter((change) => change.outcome !== 'unchanged' && change.outcome !== 'skipped'),
    [],
  );
  t.match(formatSetupReport(second), /0 created, 0 updated, \d+ unchanged/);

  const streams = await callOpenSearch<{ data_streams: Array<{ name: string; template: string }> }>(
    client,
    'GET',
    `/_data_stream/logs-siemad*-${layout.options.namespace}`,
  );
  t.same(
    streams.body.data_streams.map((stream) => [stream.name, stream.template]).sort(),
    [
      [`logs-siemad-${layout.options.namespace}`, `siemad-${layout.options.namespace}-logs`],
      [`logs-siemad.anomalies-${layout.options.namespace}`, `siemad-${layout.options.namespace}-anomalies`],
    ],
    'both data streams exist, each bound to its index template',
  );
});

t.test('events indexed into the logs data stream get the ECS mappings', async (t) => {
  const client = await clusterClient(t);
  if (!client) return;
  const options = optionsForTest();
  await applyOpenSearchSetup(client, options);
  const stream = `logs-siemad-${resolveLayoutOptions(options).namespace}`;

  const events = [
    event({
      '@timestamp': '2026-11-22T10:00:00Z',
      message: 'Failed password for root',
      source: { ip: '10.1.2.3', port: 50522 },
      user: { name: 'root' },
      related: { ip: ['10.1.2.3'] },
    }),
    event({
      '@timestamp': '2026-11-22T10:00:01Z',
      message: 'Failed password for admin',
      source: { ip: '10.200.0.9' },
      user: { name: 'admin' },
    }),
    event({
      '@timestamp': '2026-11-22T10:00:02Z',
      message: 'Accepted publickey for root',
      source: { ip: '192.0.2.44' },
      user: { name: 'root' },
    }),
    event({
      '@timestamp': '2026-11-22T10:00:03Z',
      message: 'Connection from IPv6 peer',
      source: { ip: '2001:db8::1' },
      user: { name: 'root' },
    }),
    {
      ...event({
        '@timestamp': '2026-11-22T10:00:04Z',
        message: 'stray fields',
        user: { name: 'eve' },
        kv: { foo: 'bar', nested_key: 'x' },
      }),
      stray_top_level: { deeply: { nested: 1 } },
      anomaly: {
        is_anomaly: true,
        score: 0.93,
        level: 'high',
        model_scores: { iforest: 0.91, hbos: 0.8 },
        reasons: ['rare source'],
        model_version: 'm1',
      },
    },
  ];
  const bulkBody = events.flatMap((document) => [{ create: {} }, document]);
  const bulk = await client.bulk({ index: stream, body: bulkBody, refresh: 'true' });
  t.equal(bulk.body.errors, false, 'all documents accepted');

  const inPrivateRange = await client.search({ index: stream, body: { query: { term: { 'source.ip': '10.0.0.0/8' } } } });
  t.same(
    inPrivateRange.body.hits.hits.map((hit) => (hit._source as { source: { ip: string } }).source.ip).sort(),
    ['10.1.2.3', '10.200.0.9'],
    'a CIDR term query on source.ip finds exactly the 10/8 addresses',
  );

  const byUser = await callOpenSearch<{ aggregations: { users: { buckets: Array<{ key: string; doc_count: number }> } } }>(
    client,
    'POST',
    `/${stream}/_search`,
    {
      body: { size: 0, aggs: { users: { terms: { field: 'user.name' } } } },
    },
  );
  const buckets = byUser.body.aggregations.users.buckets;
  t.same(
    Object.fromEntries(buckets.map((bucket) => [bucket.key, bucket.doc_count])),
    { root: 3, admin: 1, eve: 1 },
    'terms aggregation on user.name',
  );

  const mapping = await callOpenSearch<Record<string, { mappings: { properties: Record<string, unknown> } }>>(
    client,
    'GET',
    `/${stream}/_mapping`,
  );
  const properties = Object.values(mapping.body)[0]?.mappings.properties ?? {};
  t.notOk('stray_top_level' in properties, 'an unknown field creates no mapping');
  t.match(properties, {
    '@timestamp': { type: 'date' },
    message: { type: 'match_only_text', fields: { keyword: { type: 'keyword', ignore_above: 1024 } } },
    source: { properties: { ip: { type: 'ip' }, port: { type: 'long' } } },
    related: { properties: { ip: { type: 'ip' } } },
    kv: { type: 'flat_object' },
    labels: { type: 'flat_object' },
    log: { properties: { syslog: { properties: { structured_data: { type: 'flat_object' } } } } },
    event: {
      properties: {
        original: { type: 'keyword', index: false, doc_values: false },
        risk_score: { type: 'float' },
        severity: { type: 'long' },
      },
    },
    anomaly: {
      properties: {
        is_anomaly: { type: 'boolean' },
        score: { type: 'float' },
        level: { type: 'keyword' },
        reasons: { type: 'text', fields: { keyword: { type: 'keyword' } } },
        model_scores: { properties: { iforest: { type: 'float' }, hbos: { type: 'float' } } },
      },
    },
  });

  const kvSearch = await client.search({ index: stream, body: { query: { term: { 'kv.foo': 'bar' } } } });
  t.equal(kvSearch.body.hits.hits.length, 1, 'a flat_object key is searchable');
  const originalSearch = await client.search({ index: stream, body: { query: { term: { 'event.original': 'raw line' } } } }).then(
    () => 'searchable',
    () => 'rejected',
  );
  t.equal(originalSearch, 'rejected', 'event.original is not indexed');
});

t.test('a malformed ip drops that field, not the event', async (t) => {
  const client = await clusterClient(t);
  if (!client) return;
  const options = optionsForTest();
  await applyOpenSearchSetup(client, options);
  const stream = `logs-siemad-${resolveLayoutOptions(options).namespace}`;
  const response = await client.index({
    index: stream,
    body: event({ '@timestamp': '2026-11-22T10:00:00Z', source: { ip: 'not-an-ip' } }),
    refresh: 'true',
    op_type: 'create',
  });
  t.equal(response.body.result, 'created');
});

/** Applies the setup, then rewrites the ECS component template as another schema version would
 * have written it (`shift` versions away); returns the current schema version. */
async function setUpWithEcsTemplateVersionShift(client: Client, options: OpenSearchLayoutInput, shift: number): Promise<number> {
  const layout = openSearchLayout(resolveLayoutOptions(options));
  await applyOpenSearchSetup(client, options);
  const ecs = componentTemplates(layout).find((template) => template.name === layout.ecsComponent);
  if (!ecs) throw new Error('no ECS component template');
  const version = ecs.body.version + shift;
  await callOpenSearch(client, 'PUT', `/_component_template/${layout.ecsComponent}`, {
    body: { ...ecs.body, version, _meta: { ...ecs.body._meta, schema_version: version } },
  });
  return ecs.body.version;
}

t.test('a template written by an older schema version is updated and the report says from which', async (t) => {
  const client = await clusterClient(t);
  if (!client) return;
  const options = optionsForTest();
  const layout = openSearchLayout(resolveLayoutOptions(options));
  const current = await setUpWithEcsTemplateVersionShift(client, options, -1);

  const upgrade = await applyOpenSearchSetup(client, options);
  const logsStream = layout.streams[0]?.dataStream ?? '';
  t.match(
    upgrade.changes.find((change) => change.name === layout.ecsComponent),
    {
      outcome: 'updated',
      detail: `updated from v${current - 1} to v${current}`,
    },
  );
  t.match(
    upgrade.changes.find((change) => change.name === logsStream),
    { outcome: 'updated', detail: /rolled over/ },
    'the data stream rolls over to apply it',
  );
  t.match(formatSetupReport(upgrade), new RegExp(`component_template\\s+${layout.ecsComponent}\\s+updated \\(updated from v0 to v1\\)`));

  const stream = await callOpenSearch<{ data_streams: Array<{ generation: number }> }>(client, 'GET', `/_data_stream/${logsStream}`);
  t.equal(stream.body.data_streams[0]?.generation, 2, 'a second backing index was started');
  t.notOk((await applyOpenSearchSetup(client, options)).changed, 'and the next run is quiet again');
});

t.test('a newer schema version on the cluster is left alone', async (t) => {
  const client = await clusterClient(t);
  if (!client) return;
  const options = optionsForTest();
  const layout = openSearchLayout(resolveLayoutOptions(options));
  await setUpWithEcsTemplateVersionShift(client, options, +1);
  const report = await applyOpenSearchSetup(client, options);
  t.match(
    report.changes.find((change) => change.name === layout.ecsComponent),
    { outcome: 'skipped', detail: /newer/ },
  );
});

t.test('changed options update the settings component and nothing else', async (t) => {
  const client = await clusterClient(t);
  if (!client) return;
  const options = optionsForTest();
  await applyOpenSearchSetup(client, options);
  const report = await applyOpenSearchSetup(client, { ...options, totalFieldsLimit: 1500 });
  t.same(
    outcomes(report).filter((line) => !line.endsWith(' unchanged') && !line.endsWith(' skipped')),
    [
      `component_template siemad-${options.namespace}-logs-settings updated`,
      `component_template siemad-${options.namespace}-anomalies-settings updated`,
      `data_stream logs-siemad-${options.namespace} updated`,
      `data_stream logs-siemad.anomalies-${options.namespace} updated`,
    ],
  );
  const settings = await callOpenSearch<Record<string, { settings: { index: { mapping: { total_fields: { limit: string } } } } }>>(
    client,
    'GET',
    `/logs-siemad-${options.namespace}/_settings`,
  );
  const limits = Object.values(settings.body).map((index) => index.settings.index.mapping.total_fields.limit);
  t.same(limits.sort(), ['1000', '1500'], 'the new write index has the new limit');
});

t.test('ISM: policies are required by default and the error says how to proceed', async (t) => {
  const client = await clusterClient(t);
  if (!client) return;
  const plugins = await callOpenSearch<Array<{ component: string }>>(client, 'GET', '/_cat/plugins', { querystring: { format: 'json' } });
  if (plugins.body.some((plugin) => plugin.component === 'opensearch-index-management')) {
    t.pass('cluster has ISM; covered by the ISM test');
    return;
  }
  await t.rejects(applyOpenSearchSetup(client, optionsForTest({ ism: 'required' })), {
    code: 'SIEMAD_OPENSEARCH_SETUP_FAILED',
    message: /no ISM plugin \(opensearch-index-management\).*if-available or off/,
  });
  const report = await applyOpenSearchSetup(client, optionsForTest({ ism: 'if-available' }));
  t.equal(report.ism, 'unavailable');
  t.same(
    report.changes.filter((change) => change.object === 'ism_policy').map((change) => change.outcome),
    ['skipped', 'skipped'],
    'policies are reported as skipped',
  );
});

t.test('ISM policies exist and are attached to the backing indices', async (t) => {
  const client = await clusterClient(t);
  if (!client) return;
  const plugins = await callOpenSearch<Array<{ component: string }>>(client, 'GET', '/_cat/plugins', { querystring: { format: 'json' } });
  if (!plugins.body.some((plugin) => plugin.component === 'opensearch-index-management')) {
    // Not a peer we can install: the ISM plugin zip is not published on Maven Central for 2.x.
    t.plan(0, 'the test cluster has no ISM plugin (add one via SIEMAD_OPENSEARCH_PLUGIN_ZIPS)');
    return;
  }
  const options = optionsForTest({ ism: 'required', logs: { retentionDays: 7 } });
  const layout = openSearchLayout(resolveLayoutOptions(options));
  const first = await applyOpenSearchSetup(client, options);
  t.same(
    first.changes.filter((change) => change.object === 'ism_policy').map((change) => change.outcome),
    ['created', 'created'],
  );
  t.notOk((await applyOpenSearchSetup(client, options)).changed, 'second run changes nothing');

  for (const stream of layout.streams) {
    const policy = await callOpenSearch<{ policy: { states: Array<{ name: string }> } }>(
      client,
      'GET',
      `/_plugins/_ism/policies/${stream.policyId}`,
    );
    t.same(
      policy.body.policy.states.map((state) => state.name),
      ['hot', 'delete'],
    );
    const explain = await callOpenSearch<Record<string, { 'index.plugins.index_state_management.policy_id'?: string; policy_id?: string }>>(
      client,
      'GET',
      `/_plugins/_ism/explain/.ds-${stream.dataStream}-*`,
    );
    const policies = Object.entries(explain.body)
      .filter(([name]) => name.startsWith('.ds-'))
      .map(([, info]) => info['index.plugins.index_state_management.policy_id'] ?? info.policy_id);
    t.same(policies, [stream.policyId], `${stream.dataStream}: its backing index is managed by ${stream.policyId}`);
  }
});
