import t from 'tap';
import { AnomalousEntities, anomalyKey } from '../../sinks/anomalous-entities.js';

const anomaly = (score: number, reason: string) => ({ score, level: score >= 0.9 ? 'critical' : 'high', reasons: [reason] });

t.test('ranks entities by their highest risk, then by their number of anomalous events', async (t) => {
  const entities = new AnomalousEntities();
  entities.add('source.ip=203.0.113.1', anomaly(0.8, 'a1'), '2026-11-02T10:00:00Z');
  entities.add('source.ip=203.0.113.2', anomaly(0.95, 'b1'), '2026-11-02T10:00:01Z');
  entities.add('source.ip=203.0.113.3', anomaly(0.8, 'c1'), '2026-11-02T10:00:02Z');
  entities.add('source.ip=203.0.113.3', anomaly(0.8, 'c2'), '2026-11-02T09:00:00Z');
  const ranked = entities.ranked(10);
  t.same(
    ranked.map(([entity]) => entity),
    ['source.ip=203.0.113.2', 'source.ip=203.0.113.3', 'source.ip=203.0.113.1'],
  );
  t.match(
    ranked[1]?.[1],
    { count: 2, maxScore: 0.8, reasons: ['c2'], first: '2026-11-02T09:00:00Z', last: '2026-11-02T10:00:02Z' },
    'at equal risk the later-added event gives the reasons',
  );
  t.equal(entities.ranked(1).length, 1);
  t.equal(entities.size, 3);
  t.equal(entities.eventCount, 4);
});

t.test('an anomaly without an entity is ranked under its action', async (t) => {
  t.equal(anomalyKey({ anomaly: { entity: 'user.name=dana' }, event: { action: 'ssh-login' } }), 'user.name=dana');
  t.equal(anomalyKey({ anomaly: {}, event: { action: 'ssh-login' } }), 'ssh-login');
  t.equal(anomalyKey({}), 'unknown');
});
