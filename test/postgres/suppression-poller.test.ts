import pino from 'pino';
import t, { type Test } from 'tap';
import type { AnomalyFields } from '../../collector/ecs/event.js';
import type { Database } from '../../postgres/database.js';
import { DatabaseService } from '../../postgres/service.js';
import { SuppressionPoller } from '../../postgres/suppression-poller.js';
import { onBothDatabases } from '../helpers/postgres.js';

const silent = pino({ level: 'silent' });
const scan: AnomalyFields = {
  is_anomaly: true,
  score: 0.9,
  level: 'high',
  model_scores: {},
  reasons: ['40 different ports probed'],
  model_version: 'x',
  entity: 'source.ip=192.0.2.7',
  kind: 'port_scan',
};

async function suite(t: Test, db: Database): Promise<void> {
  const service = new DatabaseService(db, silent);
  await service.start();
  t.ok(service.ready);
  const poller = new SuppressionPoller(service, silent, 60_000);
  await poller.start();
  t.teardown(() => poller.stop());
  t.equal(poller.current().size, 0);
  const inserted = await db.query<{ id: string }>(
    "INSERT INTO suppressions (entity, kind, effect, comment, created_by) VALUES ('source.ip=192.0.2.7', 'port_scan', 'mute', 'our scanner', 'test') RETURNING id",
  );
  await db.query(
    "INSERT INTO suppressions (kind, effect, created_by, expires_at) VALUES ('web_scan', 'mute', 'test', now() - interval '1 minute')",
  );
  await poller.poll();
  t.equal(poller.current().size, 1, 'the expired one is not loaded');
  t.equal(poller.current().match(scan, Date.now())?.comment, 'our scanner');
  await db.query('UPDATE suppressions SET deleted_at = now(), updated_at = now() WHERE id = $1', [inserted.rows[0]!.id]);
  await poller.poll();
  t.equal(poller.current().size, 0, 'a deleted suppression is gone at the next poll');
}

onBothDatabases(t, suite);
