import t from 'tap';
import { alertAnomalyOf } from '../../alerts/anomaly.js';
import { AlertGrouper, type GroupingOptions } from '../../alerts/grouping.js';
import { anomalousEvent, anomaly, HOUR, T0 } from './fixtures.js';

const OPTIONS: GroupingOptions = { level: 'medium', windowMs: HOUR, maxReasons: 3, maxHosts: 2 };

t.test('anomalies below the alert level open and update nothing', async (t) => {
  const grouper = new AlertGrouper(OPTIONS);
  t.equal(grouper.add(anomaly({ level: 'low' })), undefined);
  t.equal(grouper.size, 0);
  t.equal(grouper.add(anomaly({ level: 'medium' }))?.change, 'opened');
});

t.test('one alert per entity and kind while each anomaly is within the window of the last; a longer silence opens a new one', async (t) => {
  const grouper = new AlertGrouper(OPTIONS);
  const first = grouper.add(anomaly({ minute: 0 }))!;
  t.equal(first.change, 'opened');
  t.equal(grouper.add(anomaly({ minute: 50 }))!.id, first.id, 'joins within the window');
  t.equal(grouper.add(anomaly({ minute: 110 }))!.id, first.id, 'the window runs from the last anomaly, not the first');
  t.equal(first.alert.count, 3);
  t.equal(first.alert.firstSeen, T0);
  t.equal(first.alert.lastSeen, T0 + 110 * 60_000);
  const later = grouper.add(anomaly({ minute: 171 }))!;
  t.equal(later.change, 'opened', 'more than the window after the last anomaly');
  t.not(later.id, first.id);
  t.equal(
    grouper.add(anomaly({ minute: 172, kind: 'password_spraying' }))!.change,
    'opened',
    'another kind of the same entity is another alert',
  );
  t.equal(grouper.add(anomaly({ minute: 172, entity: 'source.ip=203.0.113.10' }))!.change, 'opened', 'another entity is another alert');
});

t.test('a higher level escalates the alert, and the strongest anomaly names the action', async (t) => {
  const grouper = new AlertGrouper(OPTIONS);
  const opened = grouper.add(anomaly({ level: 'medium', score: 0.5, action: 'watch it' }))!;
  t.equal(grouper.add(anomaly({ level: 'medium', score: 0.55, action: 'watch it closely' }))!.change, 'updated');
  t.equal(opened.alert.action, 'watch it closely');
  const escalated = grouper.add(anomaly({ level: 'critical', score: 0.99, action: 'block it now' }))!;
  t.equal(escalated.change, 'escalated');
  t.equal(escalated.alert.level, 'critical');
  t.equal(
    grouper.add(anomaly({ level: 'high', score: 0.8, action: 'weaker advice' }))!.change,
    'updated',
    'a lower level does not lower the alert',
  );
  t.equal(opened.alert.level, 'critical');
  t.equal(opened.alert.score, Math.fround(0.99));
  t.equal(opened.alert.action, 'block it now');
});

t.test('keeps the distinct first reasons, strongest first, one per wording, at most maxReasons', async (t) => {
  const grouper = new AlertGrouper(OPTIONS);
  const alert = grouper.add(anomaly({ reason: '4 failed login attempts in 1 h', score: 0.6 }))!.alert;
  grouper.add(anomaly({ reason: '40 failed login attempts in 1 h', score: 0.9 }));
  grouper.add(anomaly({ reason: '12 different user names tried in 1 h', score: 0.7 }));
  grouper.add(anomaly({ reason: '41 failed login attempts in 1 h', score: 0.8 }));
  t.same(
    alert.reasons,
    ['40 failed login attempts in 1 h', '12 different user names tried in 1 h'],
    'the stronger wording of a reason stays',
  );
  grouper.add(anomaly({ reason: 'successful login right after 40 failures', score: 0.95 }));
  grouper.add(anomaly({ reason: 'first login from this network', score: 0.65 }));
  grouper.add(anomaly({ reason: 'login at an unusual hour', score: 0.5 }));
  t.same(alert.reasons, [
    'successful login right after 40 failures',
    '40 failed login attempts in 1 h',
    '12 different user names tried in 1 h',
  ]);
  t.same(alert.reasonScores, [0.95, 0.9, 0.7].map(Math.fround));
});

t.test('keeps the distinct hosts, at most maxHosts', async (t) => {
  const grouper = new AlertGrouper(OPTIONS);
  const alert = grouper.add(anomaly({ host: 'gate-01' }))!.alert;
  for (const host of ['gate-01', 'gate-02', 'gate-03']) grouper.add(anomaly({ host }));
  t.same(alert.hosts, ['gate-01', 'gate-02']);
});

t.test(
  'out of order: an earlier anomaly within the window joins and moves first seen; a straggler from long before opens its own alert, which later stragglers join',
  async (t) => {
    const grouper = new AlertGrouper(OPTIONS);
    const current = grouper.add(anomaly({ minute: 300 }))!;
    t.equal(grouper.add(anomaly({ minute: 250 }))!.id, current.id);
    t.equal(current.alert.firstSeen, T0 + 250 * 60_000);
    t.equal(current.alert.lastSeen, T0 + 300 * 60_000);
    const straggler = grouper.add(anomaly({ minute: 100 }))!;
    t.equal(straggler.change, 'opened');
    t.equal(grouper.add(anomaly({ minute: 120 }))!.id, straggler.id);
    t.equal(grouper.add(anomaly({ minute: 301 }))!.id, current.id, 'the current alert is undisturbed');
    t.equal(current.alert.count, 3);
    t.equal(straggler.alert.count, 2);
  },
);

t.test('the order of a burst within the window does not change its alert', async (t) => {
  const burst = Array.from({ length: 40 }, (_, i) =>
    anomaly({
      minute: i,
      level: i === 17 ? 'critical' : i % 3 === 0 ? 'medium' : 'high',
      score: Math.fround(0.5 + (i % 10) / 20),
      reason: `${i} failed login attempts`,
      host: `gate-0${i % 2}`,
    }),
  );
  const inOrder = new AlertGrouper(OPTIONS);
  let ordered;
  for (const a of burst) ordered = inOrder.add(a);
  // A fixed permutation: i -> (17 i) mod 40 (17 and 40 are coprime).
  const shuffled = burst.map((_, i) => burst[(17 * i) % burst.length]!);
  const outOfOrder = new AlertGrouper(OPTIONS);
  const ids = new Set<number>();
  let last;
  for (const a of shuffled) {
    last = outOfOrder.add(a)!;
    ids.add(last.id);
  }
  t.equal(ids.size, 1, 'one alert');
  for (const field of ['count', 'level', 'score', 'firstSeen', 'lastSeen'] as const)
    t.equal(last!.alert[field], ordered!.alert[field], field);
  t.same([...last!.alert.hosts].sort(), [...ordered!.alert.hosts].sort());
});

t.test('memory is bounded: the least recently used keys are forgotten', async (t) => {
  const grouper = new AlertGrouper(OPTIONS, 3);
  for (let i = 0; i < 10; i++) grouper.add(anomaly({ entity: `source.ip=192.0.2.${i}` }));
  t.equal(grouper.size, 3);
  t.equal(grouper.add(anomaly({ entity: 'source.ip=192.0.2.9' }))!.change, 'updated', 'a recent key is still there');
  t.equal(grouper.add(anomaly({ entity: 'source.ip=192.0.2.0' }))!.change, 'opened', 'an evicted key opens anew');
  const crowded = new AlertGrouper(OPTIONS);
  for (let i = 0; i < 10; i++) crowded.add(anomaly({ minute: i * 200 }));
  t.equal(crowded.size, 1, 'one key however many alerts it had');
});

t.test(
  'the alert view of a scorer event: entity, kind, level, first reason, host, features; events that are no anomaly give none',
  async (t) => {
    const event = anomalousEvent('id-1', 3, 'critical');
    const view = alertAnomalyOf(event, new Float32Array([0.25, 3]))!;
    t.match(view, {
      eventId: 'id-1',
      time: T0 + 3 * 60_000,
      entity: 'source.ip=198.51.100.23',
      kind: 'port_scan',
      level: 'critical',
      score: Math.fround(0.9),
      host: 'edge-fw',
      modelVersion: 'test-model',
      features: [0.25, 3],
    });
    t.match(view.reason, /^8 different ports probed/);
    t.equal(alertAnomalyOf(anomalousEvent('id-2', 3, 'none')), undefined);
    const noEntity = anomalousEvent('id-3', 3, 'high');
    delete noEntity.anomaly!.entity;
    t.equal(alertAnomalyOf(noEntity)!.entity, 'host.hostname=edge-fw', 'without an entity the alert is about the host');
    const noId = anomalousEvent('id-4', 3, 'high');
    delete noId.event.id;
    t.equal(alertAnomalyOf(noId), undefined, 'an anomaly without an event id cannot be referenced');
  },
);
