/**
 * Every SQL query of every PostgreSQL panel runs on a real PostgreSQL server, as Grafana's
 * read-only user (created by provisioning/postgres/init/10-grafana-reader.sh, as in
 * docker-compose), over alerts made from a replayed stream (alerts-fixture.ts), with Grafana's
 * macros and the dashboard's variables expanded as Grafana expands them. Each must return rows
 * of the shape its panel expects, and a few figures are checked against the fixture itself.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { DETECTION_KINDS } from '../../collector/ecs/event.js';
import { POSTGRES_PLUGIN } from '../../grafana/datasources.js';
import { connectPostgres } from '../../postgres/database.js';
import { migrate } from '../../postgres/migrate.js';
import { startPostgres } from '../helpers/postgres.js';
import { requireBinary, requireService } from '../helpers/services.js';
import { LEVELS, alertsOf, loadAlerts, replayedAnomalies, type FixtureAlert } from './alerts-fixture.js';
import { PROVISIONING, allPanels, committedDashboards } from './provisioning-files.js';

interface SqlTarget {
  panel: string;
  type: string;
  format: 'table' | 'time_series';
  rawSql: string;
}

const dashboard = committedDashboards().find(({ dashboard }) => dashboard.uid === 'siemad-alerts')?.dashboard;
const targets: SqlTarget[] = (dashboard === undefined ? [] : allPanels(dashboard)).flatMap((panel) =>
  (panel.targets ?? [])
    .filter((target) => (target.datasource ?? panel.datasource)?.type === POSTGRES_PLUGIN)
    .map((target) => {
      const sql = target as unknown as { format: 'table' | 'time_series'; rawSql: string };
      return { panel: panel.title ?? '', type: panel.type, format: sql.format, rawSql: sql.rawSql };
    }),
);

interface Expansion {
  from: Date;
  to: Date;
  intervalSeconds: number;
  entity: string;
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Grafana's PostgreSQL macros and the dashboard variables (the kind variable on "All"). */
function expand(sql: string, { from, to, intervalSeconds, entity }: Expansion): string {
  const range = (moment: Date): string => quote(moment.toISOString());
  return sql
    .replace(
      /\$__timeGroupAlias\(([^,()]+),\s*\$__interval\)/g,
      (_, column: string) => `floor(extract(epoch from ${column})/${intervalSeconds})*${intervalSeconds} AS "time"`,
    )
    .replace(/\$__timeFilter\(([^()]+)\)/g, (_, column: string) => `${column} BETWEEN ${range(from)} AND ${range(to)}`)
    .replaceAll('$__timeFrom()', range(from))
    .replaceAll('$__timeTo()', range(to))
    .replaceAll('${entity:sqlstring}', quote(entity))
    .replaceAll('${kind:sqlstring}', DETECTION_KINDS.map(quote).join(','));
}

/** Columns each panel's query returns, in order (the panels' field names and overrides rely on them). */
const COLUMNS: Record<string, string[]> = {
  'Open alerts by level': ['critical', 'high', 'medium', 'low'],
  Acknowledged: ['acknowledged'],
  'Active suppressions': ['active'],
  'Median time to acknowledge': ['median'],
  'False positives': ['false positives'],
  'Undelivered notifications': ['undelivered'],
  'Alerts over time by level': ['time', 'metric', 'alerts'],
  'Time to acknowledge': ['time', 'p50', 'p90'],
  'Alerts by status': ['status', 'alerts'],
  'Top entities': ['entity', 'alerts', 'open', 'highest level', 'anomalies', 'kinds', 'last seen'],
  'False-positive rate by detection kind': ['kind', 'false-positive rate', 'false positives', 'true positives', 'benign', 'verdicts'],
  'Verdicts over time': ['time', 'metric', 'verdicts'],
  'Suppressions in force': ['id', 'entity', 'kind', 'reason contains', 'effect', 'comment', 'created by', 'created', 'expires'],
  'Latest alerts': [
    'id',
    'last seen',
    'first seen',
    'level',
    'status',
    'entity',
    'kind',
    'anomalies',
    'score',
    'assignee',
    'top reason',
    'recommended action',
  ],
  'Pending and failed notifications': [
    'created',
    'alert',
    'trigger',
    'level',
    'target',
    'status',
    'attempts',
    'next attempt',
    'last error',
  ],
};

type Row = Record<string, unknown>;

t.test('every SQL query of the alerts dashboard runs as Grafana on a real PostgreSQL and returns what its panel shows', async (t) => {
  t.ok(dashboard !== undefined, 'the siemad-alerts dashboard is provisioned');
  t.ok(targets.length >= 15, `${targets.length} SQL queries`);
  t.same(new Set(targets.map((target) => target.panel)), new Set(Object.keys(COLUMNS)), 'every panel has its expected columns here');

  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const psql = requireBinary('psql', 'install the postgresql-client package');

  // As docker-compose sets it up: the image creates the owner and its database, the init script the reader.
  const admin = await connectPostgres({ url: server.url, maxConnections: 1 });
  await admin.exec('CREATE ROLE siemad LOGIN SUPERUSER');
  await admin.exec('CREATE DATABASE siemad OWNER siemad');
  await admin.close();
  const init = spawnSync('sh', [join(PROVISIONING, 'postgres', 'init', '10-grafana-reader.sh')], {
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH: `${join(psql, '..')}:${process.env.PATH ?? ''}`,
      PGHOST: '127.0.0.1',
      PGPORT: String(server.port),
      POSTGRES_USER: 'siemad',
      POSTGRES_DB: 'siemad',
      SIEMAD_GRAFANA_DB_PASSWORD: 'grafana-test',
    },
  });
  t.equal(init.status, 0, `the init script runs: ${init.stderr}`);
  const url = (user: string): string => server.url.replace('postgres@', `${user}@`).replace(/\/postgres$/, '/siemad');
  const owner = await connectPostgres({ url: url('siemad'), maxConnections: 2 });
  t.teardown(() => owner.close());
  await migrate(owner);

  const alerts = alertsOf(await replayedAnomalies());
  t.ok(alerts.length >= 20, `${alerts.length} alerts from ${alerts.reduce((n, a) => n + a.anomalies.length, 0)} replayed anomalies`);
  await loadAlerts(owner, alerts);

  const grafana = await connectPostgres({ url: url('siemad_grafana'), maxConnections: 2 });
  t.teardown(() => grafana.close());
  await t.rejects(grafana.query("UPDATE alerts SET status = 'resolved'"), /read-only transaction/, "Grafana's user cannot write");

  const times = alerts.flatMap((alert) => alert.anomalies.map((a) => a.at.getTime()));
  const from = new Date(Math.min(...times) - 3_600_000);
  const to = new Date(Math.max(...times) + 3 * 3_600_000);
  const all: Expansion = { from, to, intervalSeconds: 300, entity: '' };
  const results = new Map<string, Row[]>();

  for (const target of targets) {
    const sql = expand(target.rawSql, all);
    t.notMatch(sql, /\$/, `${target.panel}: every macro and variable expanded`);
    const { rows } = await grafana.query<Row>(sql);
    results.set(target.panel, rows);
    t.ok(rows.length > 0, `${target.panel}: ${rows.length} rows`);
    t.same(Object.keys(rows[0] ?? {}), COLUMNS[target.panel], `${target.panel}: columns`);
    if (target.format === 'time_series') {
      t.ok(
        rows.every(
          (row) => Number(row.time) % all.intervalSeconds === 0 && Number(row.time) * 1000 >= from.getTime() - all.intervalSeconds * 1000,
        ),
        `${target.panel}: time buckets of the interval`,
      );
      const times = rows.map((row) => Number(row.time));
      t.same(
        times,
        [...times].sort((a, b) => a - b),
        `${target.panel}: ordered by time`,
      );
    }
  }

  // Figures checked against the fixture.
  const count = (predicate: (alert: FixtureAlert) => boolean): number => alerts.filter(predicate).length;
  const open = results.get('Open alerts by level')![0]!;
  for (const level of LEVELS)
    t.equal(
      Number(open[level]),
      count((a) => a.status === 'open' && a.levels.at(-1)!.level === level),
      `open ${level} alerts`,
    );
  t.equal(
    Number(results.get('Acknowledged')![0]!.acknowledged),
    count((a) => a.status === 'acknowledged'),
  );
  t.equal(
    Number(results.get('Active suppressions')![0]!.active),
    count((a) => a.suppression === 'active' || a.suppression === 'permanent'),
    'expired and deleted suppressions are not active',
  );
  t.equal(results.get('Suppressions in force')!.length, Number(results.get('Active suppressions')![0]!.active));
  t.same(
    results.get('Alerts by status')!.map((row) => [row.status, Number(row.alerts)]),
    [
      ['open', count((a) => a.status === 'open')],
      ['acknowledged', count((a) => a.status === 'acknowledged')],
      ['resolved', count((a) => a.status === 'resolved')],
      ['false_positive', count((a) => a.status === 'false_positive')],
    ],
  );
  t.ok(
    results.get('Alerts by status')!.every((row) => Number(row.alerts) > 0),
    'the fixture has alerts of every status',
  );
  const rates = results.get('False-positive rate by detection kind')!;
  for (const row of rates) {
    const verdicts = Number(row.verdicts);
    t.equal(Number(row['false positives']) + Number(row['true positives']) + Number(row.benign), verdicts, `${row.kind}: verdicts add up`);
    t.ok(Math.abs(Number(row['false-positive rate']) - Number(row['false positives']) / verdicts) < 1e-9, `${row.kind}: rate`);
  }
  t.equal(
    rates.reduce((n, row) => n + Number(row['false positives']), 0),
    count((a) => a.feedback === 'false_positive'),
    'every false positive is counted under its kind',
  );
  const median = Number(results.get('Median time to acknowledge')![0]!.median);
  t.ok(median >= 3 * 60 && median <= 21 * 60, `median time to acknowledge ${median} s (the fixture acknowledges after 3 to 21 min)`);
  for (const row of results.get('Time to acknowledge')!) t.ok(Number(row.p90) >= Number(row.p50), 'p90 >= p50');
  const levelsOverTime = results.get('Alerts over time by level')!;
  t.equal(
    levelsOverTime.reduce((n, row) => n + Number(row.alerts), 0),
    alerts.length,
    'every alert is in one bucket',
  );
  t.ok(
    levelsOverTime.every((row) => (LEVELS as readonly unknown[]).includes(row.metric)),
    'series are levels',
  );
  const top = results.get('Top entities')!;
  t.ok(top.length <= 20);
  const ranks = top.map((row) => LEVELS.indexOf(row['highest level'] as (typeof LEVELS)[number]));
  t.same(
    ranks,
    [...ranks].sort((a, b) => b - a),
    'highest level first',
  );
  t.equal(
    Number(results.get('Undelivered notifications')![0]!.undelivered),
    count((a) => a.delivery !== 'delivered'),
  );
  t.ok(results.get('Pending and failed notifications')!.every((row) => row.status === 'pending' || row.status === 'failed'));

  // The entity variable (as a notification's link sets it) narrows every query that uses it.
  const entity = String(top[0]!.entity);
  const one: Expansion = { ...all, entity };
  for (const target of targets.filter((target) => target.rawSql.includes('${entity:sqlstring}'))) {
    const { rows } = await grafana.query<Row>(expand(target.rawSql, one));
    if ('entity' in (rows[0] ?? {}))
      t.ok(
        rows.every((row) => row.entity === entity),
        `${target.panel}: only ${entity}`,
      );
  }
  const mine = alerts.filter((a) => a.entity === entity);
  const { rows: latest } = await grafana.query<Row>(expand(targets.find((target) => target.panel === 'Latest alerts')!.rawSql, one));
  t.equal(latest.length, mine.length, `Latest alerts: the ${mine.length} alerts of ${entity}`);
});
