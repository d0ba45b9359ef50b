import t from 'tap';
import { DEFAULT_LAYOUT_OPTIONS, openSearchLayout, resolveLayoutOptions } from '../../opensearch/layout.js';

t.test('defaults name the data streams logs-siemad-default and logs-siemad.anomalies-default', async (t) => {
  const layout = openSearchLayout(resolveLayoutOptions());
  t.same(
    layout.streams.map((stream) => [stream.kind, stream.dataStream, stream.indexTemplate, stream.settingsComponent, stream.policyId]),
    [
      ['logs', 'logs-siemad-default', 'siemad-default-logs', 'siemad-default-logs-settings', 'siemad-default-logs-retention'],
      [
        'anomalies',
        'logs-siemad.anomalies-default',
        'siemad-default-anomalies',
        'siemad-default-anomalies-settings',
        'siemad-default-anomalies-retention',
      ],
    ],
  );
  t.equal(layout.ecsComponent, 'siemad-default-ecs-mappings');
  t.equal(layout.anomalyComponent, 'siemad-default-anomaly-mappings');
  t.same([layout.options.logs.retentionDays, layout.options.anomalies.retentionDays], [30, 365], 'retention: logs 30 days, anomalies 365');
});

t.test('prefix and namespace change every name; partial retention options keep the other defaults', async (t) => {
  const options = resolveLayoutOptions({ prefix: 'sec', namespace: 'prod', logs: { retentionDays: 90 } });
  const layout = openSearchLayout(options);
  t.same(
    layout.streams.map((stream) => stream.dataStream),
    ['logs-sec-prod', 'logs-sec.anomalies-prod'],
  );
  t.equal(layout.ecsComponent, 'sec-prod-ecs-mappings');
  t.same(options.logs, { ...DEFAULT_LAYOUT_OPTIONS.logs, retentionDays: 90 });
});

t.test('invalid options are rejected naming the setting', async (t) => {
  const cases: Array<[Parameters<typeof resolveLayoutOptions>[0], string, RegExp]> = [
    [{ prefix: 'Siemad' }, 'prefix', /prefix must be 1-32 of a-z/],
    [{ namespace: 'a-b' }, 'namespace', /namespace must be/],
    [{ logs: { retentionDays: 0 } }, 'logs.retentionDays', /integer from 1/],
    [{ anomalies: { rolloverAge: '1 day' } }, 'anomalies.rolloverAge', /1d, 12h or 30m/],
    [{ logs: { rolloverPrimaryShardSize: '30GB' } }, 'logs.rolloverPrimaryShardSize', /30gb or 500mb/],
    [{ shards: 0 }, 'shards', /integer from 1 to 1024/],
    [{ replicas: 1.5 }, 'replicas', /integer from 0/],
    [{ totalFieldsLimit: 10 }, 'totalFieldsLimit', /integer from 500/],
    [{ refreshInterval: 'often' }, 'refreshInterval', /5s or 1m/],
    [{ ism: 'maybe' as never }, 'ism', /required, if-available, off/],
  ];
  for (const [input, setting, message] of cases) {
    t.throws(() => resolveLayoutOptions(input), { code: 'SIEMAD_CONFIG_INVALID', setting, message }, setting);
  }
});
