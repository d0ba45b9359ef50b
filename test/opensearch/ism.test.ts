import t from 'tap';
import { ismPolicies, policyMarkOf, retentionPolicy } from '../../opensearch/ism.js';
import { openSearchLayout, resolveLayoutOptions } from '../../opensearch/layout.js';
import { SCHEMA_VERSION } from '../../opensearch/managed-object.js';

const layout = openSearchLayout(
  resolveLayoutOptions({ logs: { retentionDays: 14, rolloverAge: '12h', rolloverPrimaryShardSize: '10gb' } }),
);

t.test('the logs policy rolls over by age or primary-shard size and deletes after the retention', async (t) => {
  const [logs] = ismPolicies(layout);
  if (!logs) return t.fail('no policy');
  t.equal(logs.id, 'siemad-default-logs-retention');
  const { policy } = logs.body;
  t.equal(policy.default_state, 'hot');
  t.match(policy.states, [
    {
      name: 'hot',
      actions: [{ rollover: { min_index_age: '12h', min_primary_shard_size: '10gb' } }],
      transitions: [{ state_name: 'delete', conditions: { min_rollover_age: '14d' } }],
    },
    { name: 'delete', actions: [{ delete: {} }], transitions: [] },
  ]);
  t.same(policy.ism_template, [{ index_patterns: ['logs-siemad-default'], priority: 500 }], 'attached to the data stream by ism_template');
});

t.test('the anomalies policy keeps a year by default', async (t) => {
  const anomalies = ismPolicies(layout)[1];
  t.match(anomalies?.body.policy.states[0]?.transitions, [{ conditions: { min_rollover_age: '365d' } }]);
  t.same(anomalies?.body.policy.ism_template[0]?.index_patterns, ['logs-siemad.anomalies-default']);
});

t.test('the description carries schema version and fingerprint, which change with the options only', async (t) => {
  const [logs] = layout.streams;
  if (!logs) return t.fail('no stream');
  const mark = policyMarkOf(retentionPolicy(logs).policy.description);
  t.equal(mark?.version, SCHEMA_VERSION);
  t.match(mark?.fingerprint, /^[0-9a-f]{16}$/);
  t.same(policyMarkOf(retentionPolicy(logs).policy.description), mark, 'same options, same mark');
  const longer = { ...logs, retention: { ...logs.retention, retentionDays: 15 } };
  t.not(policyMarkOf(retentionPolicy(longer).policy.description)?.fingerprint, mark?.fingerprint, 'other retention, other fingerprint');
  t.equal(policyMarkOf(retentionPolicy(logs, 7).policy.description)?.version, 7);
  t.equal(policyMarkOf('a policy someone wrote by hand'), undefined);
  t.equal(policyMarkOf(undefined), undefined);
});
