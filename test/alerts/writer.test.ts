/**
 * The alert writer in process, with its real disk queue and a real database (PGlite and a
 * PostgreSQL server): the level filter, feature rows, order of application, the outage (the
 * server stopped and started again), a full queue, and a restart with anomalies left on disk.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { DEFAULT_GROUPING } from '../../alerts/grouping.js';
import { AlertWriter } from '../../alerts/writer.js';
import { createLogger } from '../../core/logger.js';
import { PipelineMetrics } from '../../pipeline/metrics.js';
import { connectPostgres, type Database } from '../../postgres/database.js';
import { DatabaseService } from '../../postgres/service.js';
import { startPglite, startPostgres } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { anomalousEvent } from './fixtures.js';

const logger = createLogger('silent');

interface Rig {
  writer: AlertWriter;
  metrics: PipelineMetrics;
  directory: string;
}

async function openWriter(t: Test, service: DatabaseService, options: { directory?: string; maxQueueBytes?: number } = {}): Promise<Rig> {
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'siemad-alert-queue-')));
  if (options.directory === undefined) t.teardown(() => rm(directory, { recursive: true, force: true }));
  const metrics = new PipelineMetrics(undefined, { defaultMetrics: false });
  const writer = await AlertWriter.open(
    {
      directory,
      maxQueueBytes: options.maxQueueBytes ?? 8 * 1024 * 1024,
      grouping: { ...DEFAULT_GROUPING, level: 'medium' },
      featuresOf: (event) => (event.event.id === undefined ? undefined : [Number(event.event.id.slice(2)), 0.5]),
      metrics: metrics.alerts,
      logger,
      drainMs: 2_000,
      retryBaseMs: 20,
    },
    service,
  );
  t.teardown(() => writer.close());
  return { writer, metrics, directory };
}

const counter = async (
  metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> },
  label?: string,
): Promise<number> =>
  (await metric.get()).values.filter((v) => label === undefined || v.labels.reason === label).reduce((sum, v) => sum + v.value, 0);

async function historyOf(db: Database): Promise<string[]> {
  const { rows } = await db.query<{ change: string; new_value: string }>('SELECT change, new_value FROM alert_history ORDER BY id');
  return rows.map((row) => `${row.change} ${row.new_value}`);
}

async function drained(writer: AlertWriter): Promise<void> {
  await waitFor('the alert queue to empty', async () => writer.queued === 0, { timeoutMs: 30_000, intervalMs: 50 });
}

async function suite(t: Test, db: Database): Promise<void> {
  const service = new DatabaseService(db, logger, 200);
  await service.start();
  const { writer, metrics } = await openWriter(t, service);
  const levels = ['none', 'low', 'medium', 'high', 'critical', 'high'] as const;
  const events = levels.map((level, i) => anomalousEvent(`e-${i}`, i, level));
  t.equal(writer.enrich(events), undefined, 'enrich does not return a promise: ingest never waits');
  await drained(writer);
  const { rows } = await db.query<{ level: string; anomaly_count: number }>('SELECT level, anomaly_count FROM alerts');
  t.same(rows, [{ level: 'critical', anomaly_count: 4 }], 'below --alert-level nothing, at or above it one alert');
  t.same(await historyOf(db), ['opened medium', 'escalated high', 'escalated critical'], 'applied in arrival order');
  const features = await db.query<{ event_id: string; features: number[] }>(
    'SELECT event_id, features FROM alert_events ORDER BY event_id',
  );
  t.same(
    features.rows.map((row) => [row.event_id, row.features]),
    [
      ['e-2', [2, 0.5]],
      ['e-3', [3, 0.5]],
      ['e-4', [4, 0.5]],
      ['e-5', [5, 0.5]],
    ],
    "with the scorer's feature rows",
  );
  t.equal(await counter(metrics.alerts.opened), 1);
  t.equal(await counter(metrics.alerts.escalated), 2);
  t.equal(await counter(metrics.alerts.updated), 1);

  // PostgreSQL refuses a NUL in text: that batch fails, then its anomalies go one by one.
  const refused = anomalousEvent('r-1', 10, 'high', 'source.ip=192.0.2.77');
  refused.anomaly!.reasons = ['a reason with a \u0000 in it'];
  const accepted = [anomalousEvent('r-0', 10, 'high', 'source.ip=192.0.2.77'), anomalousEvent('r-2', 11, 'high', 'source.ip=192.0.2.77')];
  writer.enrich([accepted[0]!, refused, accepted[1]!]);
  await drained(writer);
  const after = await db.query<{ anomaly_count: number }>("SELECT anomaly_count FROM alerts WHERE entity = 'source.ip=192.0.2.77'");
  t.same(after.rows, [{ anomaly_count: 2 }], 'the anomalies around a refused one are applied');
  t.equal(await counter(metrics.alerts.dropped, 'rejected'), 1, 'the refused one is dropped and counted');
}

t.test('on the embedded PostgreSQL (PGlite)', async (t) => {
  const pglite = await startPglite();
  t.teardown(() => pglite.destroy());
  await suite(t, pglite.db);
  await waitFor(
    'the writer to vacuum the embedded database (no autovacuum there)',
    async () => {
      const { rows } = await pglite.db.query<{ vacuumed: number }>(
        "SELECT count(*)::integer AS vacuumed FROM pg_stat_user_tables WHERE relname IN ('alerts', 'alert_queue_positions') AND last_vacuum IS NOT NULL",
      );
      return rows[0]!.vacuumed === 2;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  t.pass('alerts and alert_queue_positions vacuumed');
});

t.test('a queue delivered again (a crash before its acknowledgements were saved) counts nothing twice', async (t) => {
  const pglite = await startPglite();
  t.teardown(() => pglite.destroy());
  const down = new DatabaseService(pglite.db, logger, 200); // not started: not ready, the queue keeps everything
  const directory = await mkdtemp(join(tmpdir(), 'siemad-alert-queue-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const first = await openWriter(t, down, { directory });
  const sent = 1_200;
  for (let i = 0; i < sent; i += 100)
    first.writer.enrich(
      Array.from({ length: 100 }, (_, j) => anomalousEvent(`c-${i + j}`, (i + j) / 50, 'high', `source.ip=192.0.2.${(i + j) % 7}`)),
    );
  await first.writer.close();
  t.equal(first.writer.queued, sent, 'everything waits in the queue');
  // What a crash leaves behind: the same segments and queue id, none of the acknowledgements.
  const replayed = `${directory}-replayed`;
  const renewed = `${directory}-renewed`;
  await cp(directory, replayed, { recursive: true });
  await cp(directory, renewed, { recursive: true });
  await rm(join(renewed, 'queue-id'));
  t.teardown(() => Promise.all([rm(replayed, { recursive: true, force: true }), rm(renewed, { recursive: true, force: true })]));

  const service = new DatabaseService(pglite.db, logger, 200);
  await service.start();
  const total = async (): Promise<number> =>
    (await pglite.db.query<{ n: number }>('SELECT coalesce(sum(anomaly_count), 0)::integer AS n FROM alerts')).rows[0]!.n;
  const applied = await openWriter(t, service, { directory });
  await drained(applied.writer);
  t.equal(await total(), sent, 'applied once');
  const again = await openWriter(t, service, { directory: replayed });
  await drained(again.writer);
  t.equal(await counter(again.metrics.alerts.duplicates), sent, 'delivered again, all skipped as duplicates');
  t.equal(await total(), sent, 'still counted once');
  // A queue directory made anew (another id) is another queue: its records count.
  const other = await openWriter(t, service, { directory: renewed });
  await drained(other.writer);
  t.equal(await total(), 2 * sent, 'a new queue id applies its records');
});

t.test('restarts of a drained queue (whose segment numbers start over) lose nothing', async (t) => {
  const pglite = await startPglite();
  t.teardown(() => pglite.destroy());
  const service = new DatabaseService(pglite.db, logger, 200);
  await service.start();
  const directory = await mkdtemp(join(tmpdir(), 'siemad-alert-queue-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const total = async (): Promise<number> =>
    (await pglite.db.query<{ n: number }>('SELECT coalesce(sum(anomaly_count), 0)::integer AS n FROM alerts')).rows[0]!.n;
  let sent = 0;
  for (let round = 0; round < 3; round++) {
    const rig = await openWriter(t, service, { directory });
    rig.writer.enrich(
      Array.from({ length: 50 }, (_, j) => anomalousEvent(`r${round}-${j}`, round * 60 + j, 'high', `source.ip=192.0.2.${j % 5}`)),
    );
    sent += 50;
    await drained(rig.writer);
    await rig.writer.close();
    // An idle start and stop in between: the drained queue's last segment is deleted, leaving only
    // its checkpoint to say how far its numbering went.
    const idle = await openWriter(t, service, { directory });
    await idle.writer.close();
  }
  t.equal(await total(), sent, 'every anomaly of every round applied');
  await pglite.db.query(
    `INSERT INTO alert_queue_positions (queue_id, segment, "offset", updated_at) VALUES ('stale', 1, 1, now() - interval '31 days')`,
  );
  await openWriter(t, service, { directory });
  await waitFor(
    'the position row untouched for 31 days to go',
    async () => (await pglite.db.query("SELECT 1 FROM alert_queue_positions WHERE queue_id = 'stale'")).rows.length === 0,
    { timeoutMs: 10_000, intervalMs: 100 },
  );
  t.pass('stale queue positions are deleted');
});

t.test('on a PostgreSQL server', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const db = await connectPostgres({ url: server.url, maxConnections: 4, connectTimeoutMs: 1_000 });
  t.teardown(() => db.close());

  t.test('applies anomalies as they come', (t) => suite(t, db));

  t.test('a connection lost in the middle of a transaction fails that transaction, not the process', async (t) => {
    const killer = await connectPostgres({ url: server.url, maxConnections: 1 });
    t.teardown(() => killer.close());
    await t.rejects(
      db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await killer.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await tx.query('SELECT 1');
      }),
    );
    t.same((await db.query('SELECT 1 AS one')).rows, [{ one: 1 }], 'the pool goes on with a new connection');
  });

  t.test('while the server is down anomalies wait in the queue, and are applied in order when it is back', async (t) => {
    await db.query('TRUNCATE alerts CASCADE');
    const service = new DatabaseService(db, logger, 200);
    await service.start();
    const { writer, metrics } = await openWriter(t, service);
    writer.enrich([anomalousEvent('o-0', 0, 'medium', 'source.ip=192.0.2.50')]);
    await drained(writer);
    await server.stop();
    writer.enrich([anomalousEvent('o-1', 1, 'high', 'source.ip=192.0.2.50'), anomalousEvent('o-2', 2, 'critical', 'source.ip=192.0.2.50')]);
    writer.enrich([anomalousEvent('o-3', 3, 'medium', 'source.ip=192.0.2.50')]);
    await waitFor('the writer to notice the outage', async () => !service.ready, { timeoutMs: 30_000, intervalMs: 50 });
    t.equal(writer.queued, 3, 'three anomalies wait');
    await server.start();
    await drained(writer);
    t.same(await historyOf(db), ['opened medium', 'escalated high', 'escalated critical'], 'in order');
    const { rows } = await db.query<{ anomaly_count: number }>('SELECT anomaly_count FROM alerts');
    t.same(rows, [{ anomaly_count: 4 }], 'none lost, none doubled');
    t.ok((await counter(metrics.alerts.writeErrors)) >= 1, 'the failed attempt is counted');
  });

  t.test('a full queue drops and counts; what it holds survives a restart of the writer', async (t) => {
    await db.query('TRUNCATE alerts CASCADE');
    await server.stop();
    const service = new DatabaseService(db, logger, 200);
    await service.start();
    t.notOk(service.ready);
    const directory = await mkdtemp(join(tmpdir(), 'siemad-alert-queue-'));
    t.teardown(() => rm(directory, { recursive: true, force: true }));
    const first = await openWriter(t, service, { directory, maxQueueBytes: 1024 * 1024 });
    const sent = 6_000;
    for (let i = 0; i < sent; i += 100) {
      first.writer.enrich(
        Array.from({ length: 100 }, (_, j) => anomalousEvent(`f-${i + j}`, (i + j) / 100, 'high', `source.ip=192.0.2.${(i + j) % 200}`)),
      );
    }
    await first.writer.close();
    const dropped = await counter(first.metrics.alerts.dropped, 'queue_full');
    const queued = first.writer.queued;
    t.ok(dropped > 0, `dropped ${dropped}`);
    t.ok(queued > 0, `queued ${queued}`);
    t.equal(dropped + queued, sent, 'every anomaly either waits or is counted as dropped');

    await server.start();
    const second = await openWriter(t, service, { directory });
    await drained(second.writer);
    const { rows } = await db.query<{ n: number }>('SELECT sum(anomaly_count)::integer AS n FROM alerts');
    t.equal(rows[0]!.n, queued, 'the next writer applied what the queue held');
  });
});
