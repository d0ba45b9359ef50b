/**
 * Alerts through a real `siemad serve`: a generated stream with attacks sent with `siemad send`,
 * alerts checked in the database against the anomalies the NDJSON sink holds, grouped offline by
 * the same grouping code (alerts/grouping.ts). On the embedded default (PGlite in
 * <data-dir>/postgres) and on a PostgreSQL server stopped for 20 s while anomalies arrive.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { alertAnomalyOf, type AlertAnomaly } from '../../alerts/anomaly.js';
import { AlertGrouper, DEFAULT_GROUPING, type AlertState } from '../../alerts/grouping.js';
import { generateStream } from '../../eval/generator/generate-stream.js';
import { FEATURE_COUNT } from '../../scorer/features/definitions.js';
import type { GeneratedStream } from '../../eval/generator/stream-result.js';
import { connectPostgres, openEmbeddedPostgres, type Database } from '../../postgres/database.js';
import { startPostgres } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';
import { ensureBuilt, runSiemad, SIEMAD, startServe, type ServeHandle } from '../helpers/siemad.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);

function attackStream(): GeneratedStream {
  return generateStream({
    site: 1,
    seed: 3,
    days: 1,
    startTime: '2026-11-02T00:00:00Z',
    episodesPerKind: 2,
    kinds: ['brute_force', 'password_spraying', 'port_scan_fast', 'web_scan'],
  });
}

async function send(serve: ServeHandle, file: string): Promise<void> {
  await run(process.execPath, [SIEMAD, 'send', '--port', String(serve.port('tcp')), '--format', 'raw', file]);
}

async function metric(serve: ServeHandle, name: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${serve.port('http')}/metrics`);
  const match = new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(await response.text());
  return match === null ? Number.NaN : Number(match[1]);
}

/** The anomalies the NDJSON sink holds, as alerts see them, in sink order. */
async function sinkAnomalies(serve: ServeHandle): Promise<AlertAnomaly[]> {
  const text = await readFile(join(serve.dataDir, 'anomalies.ndjson'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => alertAnomalyOf(JSON.parse(line)))
    .filter((anomaly): anomaly is AlertAnomaly => anomaly !== undefined);
}

/** What the alerts must be: the sink's anomalies grouped in memory with serve's defaults. */
function expectedAlerts(anomalies: readonly AlertAnomaly[]): AlertState[] {
  const grouper = new AlertGrouper(DEFAULT_GROUPING);
  const alerts = new Map<number, AlertState>();
  for (const anomaly of anomalies) {
    const placed = grouper.add(anomaly);
    if (placed !== undefined) alerts.set(placed.id, placed.alert);
  }
  return [...alerts.values()];
}

interface Row {
  entity: string;
  kind: string;
  level: string;
  anomaly_count: number;
  first_seen: Date;
  last_seen: Date;
}

const describe = (alert: { entity: string; kind: string; level: string; count: number; first: number; last: number }): string =>
  `${alert.entity} ${alert.kind} ${alert.level} x${alert.count} ${new Date(alert.first).toISOString()}..${new Date(alert.last).toISOString()}`;

/** Compares the database's alerts with the expected ones, and checks nothing was counted twice. */
async function checkAlerts(t: Test, db: Database, anomalies: readonly AlertAnomaly[]): Promise<void> {
  const want = expectedAlerts(anomalies)
    .map((a) => describe({ ...a, first: a.firstSeen, last: a.lastSeen }))
    .sort();
  const { rows } = await db.query<Row>('SELECT entity, kind, level, anomaly_count, first_seen, last_seen FROM alerts');
  const got = rows
    .map((r) => describe({ ...r, count: r.anomaly_count, first: r.first_seen.getTime(), last: r.last_seen.getTime() }))
    .sort();
  t.ok(want.length > 0, `${want.length} alerts expected`);
  t.same(got, want, 'the alerts the anomalies make: no update lost, none doubled');
  const qualifying = anomalies.filter((a) => a.level === 'high' || a.level === 'critical').length;
  const applied = await db.query<{ n: number }>('SELECT sum(anomaly_count)::integer AS n FROM alerts');
  t.equal(applied.rows[0]!.n, qualifying, 'every anomaly at or above the level applied once');
  const opened = await db.query<{ n: number }>("SELECT count(*)::integer AS n FROM alert_history WHERE change = 'opened'");
  t.equal(opened.rows[0]!.n, want.length, "one 'opened' history row per alert");
}

async function queueEmpty(serve: ServeHandle, timeoutMs: number): Promise<void> {
  await waitFor('the alert queue to empty', async () => (await metric(serve, 'siemad_alerts_queue_depth')) === 0, {
    timeoutMs,
    intervalMs: 200,
  });
}

t.test('bad alert options stop start-up with one line naming the setting', async (t) => {
  ensureBuilt();
  for (const [args, pattern] of [
    [['--alert-level', 'severe'], /--alert-level/],
    [['--alert-window', 'soon'], /--alert-window/],
    [['--alert-window', '0'], /--alert-window.*longer than 0/],
    [['--alert-queue-bytes', '64KiB'], /--alert-queue-bytes.*at least 1MiB/],
  ] as const) {
    const result = runSiemad(
      ['serve', '--scoring', 'false', '--udp-port', 'off', '--tcp-port', '0', '--metrics-port', 'off', ...args],
      {},
      60_000,
    );
    t.not(result.status, 0, args.join(' '));
    t.match(result.stderr.trim(), pattern);
    t.equal(result.stderr.trim().split('\n').length, 1, 'one line');
  }
});

t.test('without --database-url, alerts land in the embedded PostgreSQL under the data directory', async (t) => {
  const stream = attackStream();
  const serve = await startServe();
  t.teardown(() => serve.stop());
  const file = join(serve.dataDir, 'attacks.log');
  await writeFile(file, stream.lines.join('\n') + '\n');
  await send(serve, file);
  await serve.waitForEvents(stream.lines.length, 60_000);
  await queueEmpty(serve, 60_000);
  t.ok((await metric(serve, 'siemad_alerts_opened_total')) > 0, 'alerts opened');
  await serve.stop();
  const anomalies = await sinkAnomalies(serve);
  const db = await openEmbeddedPostgres(join(serve.dataDir, 'postgres'));
  t.teardown(() => db.close());
  await checkAlerts(t, db, anomalies);
  const features = await db.query<{ n: number; with_features: number }>(
    'SELECT count(*)::integer AS n, count(*) FILTER (WHERE array_length(features, 1) = $1)::integer AS with_features FROM alert_events',
    [FEATURE_COUNT],
  );
  t.ok(features.rows[0]!.n > 0);
  t.equal(features.rows[0]!.with_features, features.rows[0]!.n, "every kept anomaly has the scorer's feature row");
  const { rows } = await db.query<{ entity: string }>("SELECT DISTINCT entity FROM alerts WHERE entity LIKE 'source.ip=%'");
  const entities = new Set(rows.map((row) => row.entity));
  for (const episode of stream.episodes)
    t.ok(entities.has(`source.ip=${episode.source}`), `${episode.id} (${episode.source}) has an alert`);
});

t.test(
  'PostgreSQL stopped for 20 s while anomalies arrive: ingest goes on, alerts wait on disk and are applied when it returns',
  async (t) => {
    const server = await requireService(t, 'postgresql', () => startPostgres());
    if (server === undefined) return;
    t.teardown(() => server.destroy());
    const stream = attackStream();
    const serve = await startServe(['--database-url', server.url]);
    t.teardown(() => serve.stop());
    const half = Math.floor(stream.lines.length / 2);
    const before = join(serve.dataDir, 'before.log');
    const during = join(serve.dataDir, 'during.log');
    await writeFile(before, stream.lines.slice(0, half).join('\n') + '\n');
    await writeFile(during, stream.lines.slice(half).join('\n') + '\n');

    await send(serve, before);
    await serve.waitForEvents(half, 60_000);
    await queueEmpty(serve, 60_000);
    const anomaliesBefore = (await sinkAnomalies(serve)).length;
    const appliedBefore = await metric(serve, 'siemad_alerts_opened_total');
    t.ok(appliedBefore > 0, 'alerts opened before the outage');

    await server.stop();
    const stoppedAt = Date.now();
    await send(serve, during);
    await serve.waitForEvents(stream.lines.length, 60_000);
    t.pass('ingest went on while PostgreSQL was down');
    const anomalies = await sinkAnomalies(serve);
    const late = anomalies.slice(anomaliesBefore).filter((a) => a.level === 'high' || a.level === 'critical');
    t.ok(late.length > 0, `${late.length} anomalies at or above the level arrived during the outage`);
    await waitFor('the anomalies of the outage to wait in the queue', async () => (await metric(serve, 'siemad_alerts_queue_depth')) > 0, {
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 20_000 - (Date.now() - stoppedAt))));
    t.ok((await metric(serve, 'siemad_alerts_queue_depth')) > 0, 'still waiting after 20 s');

    await server.start();
    await queueEmpty(serve, 60_000);
    const db = await connectPostgres({ url: server.url, maxConnections: 2 });
    t.teardown(() => db.close());
    await checkAlerts(t, db, anomalies);
    // Whichever component met the outage first (the alert writer, the suppression poller) marks the
    // database down; the writer then waits without attempting, so its error counter may stay at 0.
    t.match(
      await readFile(serve.process.logFile, 'utf8'),
      /database unavailable: alerts wait in their queue/,
      'the outage was noticed and logged',
    );
    t.match(await readFile(serve.process.logFile, 'utf8'), /database available again/, 'and so was the return');
    t.equal(await metric(serve, 'siemad_alerts_dropped_total{reason="queue_full"}'), 0, 'nothing dropped');
  },
);
