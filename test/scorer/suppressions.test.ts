import t from 'tap';
import type { AnomalyFields } from '../../collector/ecs/event.js';
import { applySuppression, SuppressionIndex } from '../../scorer/suppressions.js';

const anomaly = (over: Partial<AnomalyFields> = {}): AnomalyFields => ({
  is_anomaly: true,
  score: 0.9,
  level: 'high',
  model_scores: {},
  reasons: ['12 failed login attempts from 203.0.113.9 in 10 min (normal: ≤ 2)'],
  model_version: 'test',
  entity: 'source.ip=203.0.113.9',
  kind: 'brute_force',
  ...over,
});

const NOW = Date.UTC(2026, 11, 4);

t.test('every field that is set must match; the first match wins', async (t) => {
  const index = new SuppressionIndex([
    { id: 1, entity: 'source.ip=203.0.113.9', kind: 'port_scan', effect: 'mute' },
    { id: 2, entity: 'source.ip=203.0.113.9', reasonContains: 'FAILED LOGIN', effect: 'lower' },
    { id: 3, kind: 'web_scan', effect: 'mute' },
  ]);
  t.equal(index.match(anomaly(), NOW)?.id, 2, 'entity and reason (case-insensitive) match; kind port_scan does not');
  t.equal(index.match(anomaly({ entity: 'source.ip=198.51.100.1' }), NOW), undefined, 'another entity');
  t.equal(index.match(anomaly({ entity: 'source.ip=198.51.100.1', kind: 'web_scan' }), NOW)?.id, 3, 'kind alone');
  t.equal(index.match(anomaly({ entity: undefined, kind: 'web_scan' }), NOW)?.id, 3, 'no entity');
});

t.test('an expired suppression no longer applies', async (t) => {
  const index = new SuppressionIndex([{ id: 4, kind: 'brute_force', effect: 'mute', expiresAt: NOW - 1 }]);
  t.equal(index.match(anomaly(), NOW), undefined);
  t.equal(new SuppressionIndex([{ id: 5, kind: 'brute_force', effect: 'mute', expiresAt: NOW + 1 }]).match(anomaly(), NOW)?.id, 5);
});

t.test('mute clears, lower takes one level down; suppressed_by says which', async (t) => {
  const muted = anomaly();
  t.equal(applySuppression(muted, { id: 7, effect: 'mute', comment: 'our backup server' }), 'none');
  t.equal(muted.suppressed_by, 'suppression 7: our backup server');
  const lowered = anomaly({ level: 'critical' });
  t.equal(applySuppression(lowered, { id: 8, effect: 'lower' }), 'high');
  t.equal(lowered.suppressed_by, 'suppression 8');
  t.equal(applySuppression(anomaly({ level: 'low' }), { id: 9, effect: 'lower' }), 'none', 'low lowered is no anomaly');
});
