import t from 'tap';
import { openSearchLayout, resolveLayoutOptions } from '../../opensearch/layout.js';
import { componentTemplates, indexTemplates } from '../../opensearch/templates.js';

const layout = openSearchLayout(resolveLayoutOptions({ shards: 2, replicas: 0, totalFieldsLimit: 1200 }));

t.test('each data stream has an index template composed of the ECS, anomaly and its settings components', async (t) => {
  t.same(
    indexTemplates(layout).map(({ name, body }) => [name, body.index_patterns, body.composed_of, body.data_stream]),
    [
      [
        'siemad-default-logs',
        ['logs-siemad-default'],
        ['siemad-default-ecs-mappings', 'siemad-default-anomaly-mappings', 'siemad-default-logs-settings'],
        {},
      ],
      [
        'siemad-default-anomalies',
        ['logs-siemad.anomalies-default'],
        ['siemad-default-ecs-mappings', 'siemad-default-anomaly-mappings', 'siemad-default-anomalies-settings'],
        {},
      ],
    ],
  );
});

t.test('settings carry the options, a field limit and ignore_malformed', async (t) => {
  const settings = componentTemplates(layout).find(({ name }) => name === 'siemad-default-logs-settings')?.body.template.settings;
  t.match(settings, {
    'index.number_of_shards': 2,
    'index.number_of_replicas': 0,
    'index.mapping.total_fields.limit': 1200,
    'index.mapping.ignore_malformed': true,
  });
});

t.test('every template records its schema version and a fingerprint that follows its content', async (t) => {
  const all = [...componentTemplates(layout), ...indexTemplates(layout)];
  for (const { name, body } of all) {
    t.equal(body.version, body._meta.schema_version, `${name}: version`);
    t.equal(body._meta.managed_by, 'siemad', `${name}: managed_by`);
  }
  const other = componentTemplates(openSearchLayout(resolveLayoutOptions({ shards: 3, replicas: 0, totalFieldsLimit: 1200 })));
  const fingerprints = (templates: typeof other) => Object.fromEntries(templates.map(({ name, body }) => [name, body._meta.fingerprint]));
  const before = fingerprints(componentTemplates(layout));
  const after = fingerprints(other);
  t.equal(after['siemad-default-ecs-mappings'], before['siemad-default-ecs-mappings'], 'mappings unchanged');
  t.not(after['siemad-default-logs-settings'], before['siemad-default-logs-settings'], 'settings changed');
});

t.test('addresses are ip, the top level is not dynamic and model scores are floats', async (t) => {
  const ecs = componentTemplates(layout).find(({ name }) => name === 'siemad-default-ecs-mappings')?.body.template.mappings;
  t.equal(ecs?.dynamic, false);
  t.match(ecs?.properties, {
    source: { properties: { ip: { type: 'ip' } } },
    destination: { properties: { ip: { type: 'ip' } } },
    client: { properties: { ip: { type: 'ip' } } },
    related: { properties: { ip: { type: 'ip' } } },
  });
  const anomaly = componentTemplates(layout).find(({ name }) => name === 'siemad-default-anomaly-mappings')?.body.template.mappings;
  t.same(anomaly?.dynamic_templates, [
    { siemad_anomaly_model_scores: { path_match: 'anomaly.model_scores.*', mapping: { type: 'float' } } },
  ]);
});
