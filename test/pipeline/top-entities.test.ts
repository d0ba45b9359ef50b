import t from 'tap';
import { Registry } from 'prom-client';
import { PipelineMetrics, TOP_ANOMALY_ENTITIES } from '../../pipeline/metrics.js';
import { TopAnomalyEntities } from '../../pipeline/top-entities.js';

const MINUTE = 60_000;

t.test('ranks by highest level, then by anomalies in the window', async (t) => {
  const top = new TopAnomalyEntities({ windowMs: 10 * MINUTE });
  const now = 1_000 * MINUTE;
  for (let i = 0; i < 50; i++) top.record('source.ip=198.51.100.1', 'port_scan', 'medium', now);
  for (let i = 0; i < 3; i++) top.record('source.ip=203.0.113.9', 'brute_force', i === 1 ? 'critical' : 'high', now);
  for (let i = 0; i < 5; i++) top.record('user.name=root', 'brute_force', 'critical', now);
  t.same(top.top(10, now), [
    { entity: 'user.name=root', kind: 'brute_force', level: 'critical', count: 5 },
    { entity: 'source.ip=203.0.113.9', kind: 'brute_force', level: 'critical', count: 3 },
    { entity: 'source.ip=198.51.100.1', kind: 'port_scan', level: 'medium', count: 50 },
  ]);
  t.same(
    top.top(1, now).map((e) => e.entity),
    ['user.name=root'],
    'only the top k',
  );
});

t.test('anomalies older than the window stop counting, and a quiet pair is forgotten', async (t) => {
  const top = new TopAnomalyEntities({ windowMs: 10 * MINUTE });
  const start = 5_000 * MINUTE;
  top.record('source.ip=192.0.2.7', 'web_scan', 'critical', start);
  top.record('source.ip=192.0.2.7', 'web_scan', 'low', start + 5 * MINUTE);
  t.same(top.top(10, start + 9 * MINUTE), [{ entity: 'source.ip=192.0.2.7', kind: 'web_scan', level: 'critical', count: 2 }]);
  t.same(
    top.top(10, start + 11 * MINUTE),
    [{ entity: 'source.ip=192.0.2.7', kind: 'web_scan', level: 'low', count: 1 }],
    'the critical one left the window',
  );
  t.same(top.top(10, start + 16 * MINUTE), []);
  t.equal(top.tracked, 0, 'forgotten');
});

t.test('tracks a bounded number of pairs, evicting the least recently seen', async (t) => {
  const top = new TopAnomalyEntities({ maxTracked: 100 });
  const now = 77 * MINUTE;
  for (let i = 0; i < 1_000; i++) top.record(`source.ip=10.0.${i >> 8}.${i & 255}`, 'port_scan', 'low', now);
  top.record('source.ip=10.0.3.231', 'port_scan', 'high', now);
  t.equal(top.tracked, 100);
  t.equal(top.top(1, now)[0]?.entity, 'source.ip=10.0.3.231');
});

t.test('the gauge exports the top entities at scrape time and drops those that fell out', async (t) => {
  const metrics = new PipelineMetrics(new Registry(), { defaultMetrics: false });
  for (let i = 0; i < 15; i++) {
    for (let n = 0; n <= i; n++)
      metrics.countAnomaly({
        is_anomaly: true,
        score: 0.5,
        level: 'medium',
        model_scores: {},
        reasons: [],
        model_version: 't',
        entity: `source.ip=198.51.100.${i}`,
        kind: 'port_scan',
      });
  }
  let values = (await metrics.registry.getSingleMetric('siemad_top_anomaly_entities')!.get()).values;
  t.equal(values.length, TOP_ANOMALY_ENTITIES, `${TOP_ANOMALY_ENTITIES} series`);
  t.same(values[0], { value: 15, labels: { entity: 'source.ip=198.51.100.14', kind: 'port_scan', level: 'medium' } });
  metrics.countAnomaly({
    is_anomaly: true,
    score: 0.95,
    level: 'critical',
    model_scores: {},
    reasons: [],
    model_version: 't',
    entity: 'user.name=admin',
    kind: 'password_spraying',
  });
  values = (await metrics.registry.getSingleMetric('siemad_top_anomaly_entities')!.get()).values;
  t.equal(values.length, TOP_ANOMALY_ENTITIES, 'still bounded');
  t.same(values[0]?.labels, { entity: 'user.name=admin', kind: 'password_spraying', level: 'critical' }, 'a critical entity leads');
  t.notOk(
    values.some((v) => v.labels.entity === 'source.ip=198.51.100.5'),
    'the weakest medium one fell out',
  );
  const anomalies = (await metrics.anomalies.get()).values;
  t.equal(anomalies.find((v) => v.labels.level === 'critical')?.value, 1, 'siemad_anomalies_total still counts by level');
});
