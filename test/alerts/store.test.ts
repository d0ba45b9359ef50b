import t, { type Test } from 'tap';
import type { AlertAnomaly } from '../../alerts/anomaly.js';
import { AlertGrouper } from '../../alerts/grouping.js';
import { applyAnomalies, type QueuePosition, type StoreOptions } from '../../alerts/store.js';
import { connectPostgres, type Database } from '../../postgres/database.js';
import { migrate } from '../../postgres/migrate.js';
import { startPglite, startPostgres } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';
import { anomaly, HOUR } from './fixtures.js';

const OPTIONS: StoreOptions = { level: 'medium', windowMs: HOUR, maxReasons: 3, maxHosts: 4, maxEventsPerAlert: 3 };

interface AlertRow {
  id: string;
  entity: string;
  kind: string;
  status: string;
  level: string;
  score: number;
  anomaly_count: number;
  first_seen: Date;
  last_seen: Date;
  top_reasons: string[];
  recommended_action: string | null;
  hosts: string[];
}

async function alerts(db: Database): Promise<AlertRow[]> {
  const { rows } = await db.query<AlertRow>(
    'SELECT id::text AS id, entity, kind, status, level, score, anomaly_count, first_seen, last_seen, top_reasons, recommended_action, hosts FROM alerts ORDER BY entity, kind, first_seen',
  );
  return rows;
}

async function count(db: Database, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${sql}`, params);
  return rows[0]!.n;
}

/** A stream over two entities and two kinds: bursts, a silence longer than the window, a rise to critical. */
function stream(): AlertAnomaly[] {
  const list: AlertAnomaly[] = [];
  for (let i = 0; i < 12; i++)
    list.push(
      anomaly({ minute: i * 5, level: i === 6 ? 'critical' : i === 0 ? 'medium' : 'high', score: 0.6 + i / 40, host: `gate-0${i % 3}` }),
    );
  for (let i = 0; i < 5; i++)
    list.push(
      anomaly({
        minute: 30 + i,
        entity: 'user.name=oksana',
        kind: 'distributed_brute_force',
        reason: `${i + 6} more addresses than usual failing for oksana`,
      }),
    );
  list.push(anomaly({ minute: 20, level: 'low' }));
  for (let i = 0; i < 4; i++) list.push(anomaly({ minute: 300 + i, score: 0.7 }));
  return list;
}

async function suite(t: Test, fresh: () => Promise<Database>): Promise<void> {
  t.test('groups like the grouping in memory, whatever the batches', async (t) => {
    const anomalies = stream();
    const expected = new AlertGrouper(OPTIONS);
    const byId = new Map<number, ReturnType<AlertGrouper['add']>>();
    for (const a of anomalies) {
      const placed = expected.add(a);
      if (placed !== undefined) byId.set(placed.id, placed);
    }
    const want = [...byId.values()].map((placed) => ({
      entity: placed!.alert.entity,
      kind: placed!.alert.kind,
      level: placed!.alert.level,
      anomaly_count: placed!.alert.count,
      first_seen: new Date(placed!.alert.firstSeen),
      last_seen: new Date(placed!.alert.lastSeen),
      top_reasons: placed!.alert.reasons,
      hosts: placed!.alert.hosts,
      recommended_action: placed!.alert.action,
    }));
    // Keys are applied in key order within a transaction, so compare alerts by key and time, not id.
    want.sort((a, b) =>
      a.entity < b.entity
        ? -1
        : a.entity > b.entity
          ? 1
          : a.kind < b.kind
            ? -1
            : a.kind > b.kind
              ? 1
              : a.first_seen.getTime() - b.first_seen.getTime(),
    );
    for (const batchSize of [1, 5, 1000]) {
      const db = await fresh();
      for (let start = 0; start < anomalies.length; start += batchSize)
        await applyAnomalies(db, anomalies.slice(start, start + batchSize), OPTIONS);
      const got = await alerts(db);
      t.match(got, want, `batches of ${batchSize}`);
      t.equal(got.length, want.length, `batches of ${batchSize}: as many alerts`);
    }
  });

  t.test('opened and escalated are history rows of the same transaction; a failed batch leaves nothing', async (t) => {
    const db = await fresh();
    const report = await applyAnomalies(
      db,
      [anomaly({ minute: 0, level: 'medium' }), anomaly({ minute: 1, level: 'high' }), anomaly({ minute: 2, level: 'high' })],
      OPTIONS,
    );
    t.same(report, { opened: 1, escalated: 1, updated: 1, duplicates: 0, belowLevel: 0 });
    const history = await db.query<{ change: string; old_value: string | null; new_value: string; actor: string }>(
      'SELECT change, old_value, new_value, actor FROM alert_history ORDER BY id',
    );
    t.same(history.rows, [
      { change: 'opened', old_value: null, new_value: 'medium', actor: 'siemad' },
      { change: 'escalated', old_value: 'medium', new_value: 'high', actor: 'siemad' },
    ]);
    // The second key's anomaly has a time no timestamp can hold: its statement fails after the first key's alert was written.
    const broken = [anomaly({ minute: 500, entity: 'source.ip=192.0.2.77' }), anomaly({ entity: 'source.ip=192.0.2.78', time: 9e15 })];
    await t.rejects(applyAnomalies(db, broken, OPTIONS, { queueId: 'q', segment: 1, ends: [100, 200] }));
    t.equal(await count(db, 'alerts'), 1, 'no alert of the failed batch');
    t.equal(await count(db, 'alert_history'), 2, 'no history of the failed batch');
    t.equal(await count(db, 'alert_queue_positions'), 0, 'nor its queue position');
  });

  t.test('a batch delivered again after a crash is skipped by queue position, even beyond the events kept', async (t) => {
    const db = await fresh();
    const batch = Array.from({ length: 6 }, (_, i) => anomaly({ minute: i }));
    const at = (segment: number, ends: number[]): QueuePosition => ({ queueId: 'queue-a', segment, ends });
    await applyAnomalies(db, batch.slice(0, 4), OPTIONS, at(3, [10, 20, 30, 40]));
    // The queue delivers the first batch again with more records behind it.
    const replay = await applyAnomalies(db, batch, OPTIONS, at(3, [10, 20, 30, 40, 50, 60]));
    t.same(replay, { opened: 0, escalated: 0, updated: 2, duplicates: 4, belowLevel: 0 });
    const again = await applyAnomalies(db, batch, OPTIONS, at(3, [10, 20, 30, 40, 50, 60]));
    t.equal(again.duplicates, 6, 'a whole batch again');
    t.equal((await applyAnomalies(db, batch.slice(0, 2), OPTIONS, at(2, [500, 900]))).duplicates, 2, 'an earlier segment');
    const [alert] = await alerts(db);
    t.equal(alert!.anomaly_count, 6);
    t.equal(await count(db, 'alert_history'), 1, 'opened once');
    const later = [anomaly({ minute: 7 }), anomaly({ minute: 8 })];
    t.equal((await applyAnomalies(db, later, OPTIONS, at(4, [10, 20]))).duplicates, 0, 'a later segment starts low again');
    const other = await applyAnomalies(db, [anomaly({ minute: 9 })], OPTIONS, { queueId: 'queue-b', segment: 1, ends: [10] });
    t.equal(other.duplicates, 0, "another collector's queue has its own position");
    t.equal((await alerts(db))[0]!.anomaly_count, 9);
    const once = anomaly({ minute: 10 });
    const twice = await applyAnomalies(db, [once, once], OPTIONS);
    t.equal(twice.duplicates, 1, 'the same anomaly twice in one batch counts once');
    t.equal((await alerts(db))[0]!.anomaly_count, 10);
    t.same(
      (
        await db.query(
          'SELECT queue_id, segment::integer AS segment, "offset"::integer AS "offset" FROM alert_queue_positions ORDER BY queue_id',
        )
      ).rows,
      [
        { queue_id: 'queue-a', segment: 4, offset: 20 },
        { queue_id: 'queue-b', segment: 1, offset: 10 },
      ],
    );
  });

  t.test('keeps the first anomalies of an alert with their feature rows, and counts the rest', async (t) => {
    const db = await fresh();
    await applyAnomalies(
      db,
      Array.from({ length: 5 }, (_, i) =>
        anomaly({ minute: i, features: [i, 0.5, Math.fround(0.1), -1e-7, Number.NaN, Number.POSITIVE_INFINITY] }),
      ),
      OPTIONS,
    );
    const [alert] = await alerts(db);
    t.equal(alert!.anomaly_count, 5);
    const events = await db.query<{ event_id: string; level: string; reason: string; model_version: string; features: number[] }>(
      'SELECT event_id, level, reason, model_version, features FROM alert_events WHERE alert_id = $1::bigint ORDER BY "timestamp"',
      [alert!.id],
    );
    t.equal(events.rows.length, OPTIONS.maxEventsPerAlert);
    t.same(
      events.rows.map((row) => row.features.map(Math.fround)),
      [0, 1, 2].map((i) => [i, 0.5, Math.fround(0.1), Math.fround(-1e-7), Number.NaN, Number.POSITIVE_INFINITY]),
      'float32 values exactly, NaN and infinities too',
    );
    t.match(events.rows[0], { level: 'high', model_version: 'test-model', reason: /failed login attempts/ });
  });

  t.test('a resolved alert is closed: the next anomaly opens a new one; an acknowledged one goes on', async (t) => {
    const db = await fresh();
    await applyAnomalies(db, [anomaly({ minute: 0 })], OPTIONS);
    await db.query("UPDATE alerts SET status = 'acknowledged'");
    await applyAnomalies(db, [anomaly({ minute: 1 })], OPTIONS);
    t.equal(await count(db, 'alerts'), 1);
    await db.query("UPDATE alerts SET status = 'resolved'");
    t.equal((await applyAnomalies(db, [anomaly({ minute: 2 })], OPTIONS)).opened, 1);
    t.same(
      (await alerts(db)).map((row) => [row.status, row.anomaly_count]),
      [
        ['resolved', 2],
        ['open', 1],
      ],
    );
  });

  t.test('an anomaly from long before, in a batch with recent ones, still joins its own alert', async (t) => {
    const db = await fresh();
    const day = 24 * 60;
    for (let d = 0; d < 6; d++) await applyAnomalies(db, [anomaly({ minute: d * 2 * day })], OPTIONS);
    const report = await applyAnomalies(db, [anomaly({ minute: 10 * day + 1 }), anomaly({ minute: 2 })], OPTIONS);
    t.same(report, { opened: 0, escalated: 0, updated: 2, duplicates: 0, belowLevel: 0 });
    t.same(
      (await alerts(db)).map((row) => row.anomaly_count),
      [2, 1, 1, 1, 1, 2],
    );
  });
}

t.test('on the embedded PostgreSQL (PGlite)', async (t) => {
  const dbs: { destroy(): Promise<void> }[] = [];
  t.teardown(async () => {
    for (const db of dbs) await db.destroy();
  });
  await suite(t, async () => {
    const pglite = await startPglite();
    dbs.push(pglite);
    await migrate(pglite.db);
    return pglite.db;
  });
});

t.test('on a PostgreSQL server', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  const pools: Database[] = [];
  t.teardown(async () => {
    for (const pool of pools) await pool.close();
    await server.destroy();
  });
  const admin = await connectPostgres({ url: server.url, maxConnections: 2 });
  pools.push(admin);
  let databases = 0;
  const fresh = async (): Promise<Database> => {
    const name = `alerts_${++databases}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const db = await connectPostgres({ url: server.url.replace(/\/postgres$/, `/${name}`), maxConnections: 4 });
    pools.push(db);
    await migrate(db);
    return db;
  };
  await suite(t, fresh);

  t.test('collectors applying the same key at once make one alert (advisory lock per key)', async (t) => {
    const db = await fresh();
    const second = await connectPostgres({ url: server.url.replace(/\/postgres$/, `/alerts_${databases}`), maxConnections: 4 });
    pools.push(second);
    const writers = Array.from({ length: 6 }, (_, i) => applyAnomalies(i % 2 === 0 ? db : second, [anomaly({ minute: i })], OPTIONS));
    const reports = await Promise.all(writers);
    t.equal(
      reports.reduce((sum, report) => sum + report.opened, 0),
      1,
      'opened once',
    );
    const [alert, extra] = await alerts(db);
    t.equal(extra, undefined);
    t.equal(alert!.anomaly_count, 6);
  });
});
