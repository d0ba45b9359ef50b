import t, { type Test } from 'tap';
import { Registry } from 'prom-client';
import { DEFAULT_NOTIFIER_CONFIG, WebhookNotifier, type NotifierConfig } from '../../../alerts/notify/notifier.js';
import { parseWebhookTarget } from '../../../alerts/notify/targets.js';
import { createLogger } from '../../../core/logger.js';
import { PipelineMetrics } from '../../../pipeline/metrics.js';
import { connectPostgres, type Database } from '../../../postgres/database.js';
import { DatabaseService } from '../../../postgres/service.js';
import { startPglite, startPostgres, type PostgresHandle } from '../../helpers/postgres.js';
import { requireService } from '../../helpers/services.js';
import { waitFor } from '../../helpers/wait.js';
import { WebhookReceiver, deliveries, emptyTables, escalateAlert, openAlert, type DeliveryRow } from './fixtures.js';

const logger = createLogger('silent');
const URL_TEMPLATE = 'https://grafana.example.com/d/siemad-alerts/?var-entity={entity}&alert={id}';
const FAST: Omit<NotifierConfig, 'targets'> = {
  ...DEFAULT_NOTIFIER_CONFIG,
  pollMs: 25,
  timeoutMs: 3_000,
  retry: { maxAttempts: 5, initialDelayMs: 40, maxDelayMs: 400 },
  rateLimitPerMinute: 1_000,
  alertUrlTemplate: URL_TEMPLATE,
};

function metricsRegistry(): PipelineMetrics {
  return new PipelineMetrics(new Registry(), { defaultMetrics: false });
}

async function counter(
  metric: { get(): Promise<{ values: { value: number; labels: Record<string, unknown> }[] }> },
  target: string,
): Promise<number> {
  const { values } = await metric.get();
  return values.find((v) => v.labels.target === target)?.value ?? 0;
}

function startNotifier(
  t: Test,
  database: DatabaseService,
  urls: string[],
  overrides: Partial<NotifierConfig> = {},
  metrics?: PipelineMetrics,
): WebhookNotifier {
  const notifier = new WebhookNotifier({ ...FAST, targets: urls.map(parseWebhookTarget), ...overrides }, database, logger, metrics);
  notifier.start();
  t.teardown(() => notifier.stop());
  return notifier;
}

async function receiver(t: Test): Promise<WebhookReceiver> {
  const started = await WebhookReceiver.start();
  t.teardown(() => started.close());
  return started;
}

/** Polls the deliveries; `acrossRestart` takes a failed read (a pooled connection the server restart cut) as "not yet". */
async function waitForRows(
  db: Database,
  what: string,
  check: (rows: DeliveryRow[]) => boolean,
  timeoutMs = 10_000,
  acrossRestart = false,
): Promise<DeliveryRow[]> {
  let rows: DeliveryRow[] = [];
  const read = async (): Promise<boolean> => check((rows = await deliveries(db)));
  await waitFor(what, acrossRestart ? () => read().catch(() => false) : read, { timeoutMs, intervalMs: 25 });
  return rows;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every behaviour, on one database (PGlite or a server); `second` opens another connection to it (a second collector). */
async function suite(t: Test, database: DatabaseService, second: () => Promise<DatabaseService>, server?: PostgresHandle): Promise<void> {
  const { db } = database;
  t.beforeEach(() => emptyTables(db));

  t.test('a receiver that fails and recovers gets the notification once, after retries with growing backoff', async (t) => {
    const hook = await receiver(t);
    hook.responder = (_request, n) => (n < 3 ? { status: 503, body: 'down for maintenance' } : { status: 204 });
    const metrics = metricsRegistry();
    const notifier = startNotifier(t, database, [hook.url()], {}, metrics);
    const target = notifier.targets[0]!.id;
    const alertId = await openAlert(db, {
      entity: 'source.ip=203.0.113.9',
      kind: 'brute_force',
      level: 'high',
      score: 0.87,
      count: 42,
      reasons: ['failed logins from this source: 40 in 5 min', 'many distinct users tried'],
      action: 'block 203.0.113.9 at the firewall',
      hosts: ['web-1'],
    });
    const [row] = await waitForRows(db, 'the delivery to be delivered', (rows) => rows[0]?.status === 'delivered');
    t.equal(row!.attempts, 4, 'three failures and the success');
    t.equal(row!.last_error, null, 'the last error is cleared once delivered');
    t.ok(row!.delivered_at instanceof Date, 'delivered_at is set');
    t.equal(row!.target, target, 'the row names the target by its id, not its URL');
    t.notMatch(row!.target, hook.url(), 'no URL in the database');
    await sleep(300);
    t.equal(hook.received.length, 4, 'four requests, none after the success');
    t.same(
      hook.received.map((r) => r.body.attempt),
      [1, 2, 3, 4],
      'each request says which attempt it is',
    );
    t.same(new Set(hook.received.map((r) => r.body.delivery_id)).size, 1, 'all of one delivery');
    const gaps = hook.received.slice(1).map((r, i) => r.at - hook.received[i]!.at);
    for (const [i, gap] of gaps.entries())
      t.ok(gap >= (40 * 2 ** i) / 2 - 5, `retry ${i + 1} waited ${gap} ms (backoff at least ${(40 * 2 ** i) / 2} ms)`);
    const body = hook.received[3]!.body;
    t.match(body, {
      version: 1,
      source: 'siemad',
      event: 'alert.opened',
      level: 'high',
      alert: {
        id: alertId,
        entity: 'source.ip=203.0.113.9',
        kind: 'brute_force',
        status: 'open',
        level: 'high',
        count: 42,
        top_reasons: ['failed logins from this source: 40 in 5 min', 'many distinct users tried'],
        recommended_action: 'block 203.0.113.9 at the firewall',
        hosts: ['web-1'],
        url: `https://grafana.example.com/d/siemad-alerts/?var-entity=source.ip%3D203.0.113.9&alert=${alertId}`,
      },
    });
    t.ok(Math.abs(body.alert.score - 0.87) < 1e-6, 'score');
    t.ok(
      !Number.isNaN(Date.parse(body.alert.first_seen)) && !Number.isNaN(Date.parse(body.alert.last_seen)),
      'first and last seen are ISO times',
    );
    t.equal(hook.received[0]!.headers['content-type'], 'application/json');
    t.equal(await counter(metrics.notificationsRetried, target), 3, 'siemad_notifications_retried_total');
    t.equal(await counter(metrics.notificationsSent, target), 1, 'siemad_notifications_sent_total');
    t.equal(await counter(metrics.notificationsFailed, target), 0, 'siemad_notifications_failed_total');
  });

  t.test('a delivery is marked failed after its last attempt, and at once when the receiver rejects it', async (t) => {
    const broken = await receiver(t);
    broken.responder = () => ({ status: 500, body: 'internal error' });
    const wrong = await receiver(t);
    wrong.responder = () => ({ status: 404, body: 'no such hook' });
    const metrics = metricsRegistry();
    const notifier = startNotifier(
      t,
      database,
      [broken.url(), wrong.url()],
      { retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100 } },
      metrics,
    );
    await openAlert(db, { entity: 'user.name=alice', kind: 'password_spraying', level: 'critical' });
    const rows = await waitForRows(db, 'both deliveries to fail', (all) => all.length === 2 && all.every((row) => row.status === 'failed'));
    const [brokenId, wrongId] = notifier.targets.map((target) => target.id);
    const byTarget = new Map(rows.map((row) => [row.target, row]));
    t.equal(byTarget.get(brokenId!)?.attempts, 3, 'a 500 is retried up to the limit');
    t.match(byTarget.get(brokenId!)?.last_error, /^gave up after 3 attempts: HTTP 500: internal error/);
    t.equal(byTarget.get(wrongId!)?.attempts, 1, 'a 404 is not retried');
    t.match(byTarget.get(wrongId!)?.last_error, /^rejected: HTTP 404: no such hook/);
    await sleep(200);
    t.equal(broken.received.length, 3);
    t.equal(wrong.received.length, 1);
    t.equal(await counter(metrics.notificationsFailed, brokenId!), 1);
    t.equal(await counter(metrics.notificationsRetried, brokenId!), 2);
    t.equal(await counter(metrics.notificationsFailed, wrongId!), 1);
  });

  t.test('the rate limit holds notifications back without losing them', async (t) => {
    const hook = await receiver(t);
    const metrics = metricsRegistry();
    const notifier = startNotifier(t, database, [hook.url()], { rateLimitPerMinute: 2 }, metrics);
    const target = notifier.targets[0]!.id;
    for (let i = 1; i <= 5; i++) await openAlert(db, { entity: `source.ip=198.51.100.${i}`, kind: 'port_scan', level: 'medium' });
    await waitForRows(db, 'two deliveries', (rows) => rows.filter((row) => row.status === 'delivered').length === 2);
    await sleep(400);
    let rows = await deliveries(db);
    t.equal(hook.received.length, 2, 'two per minute');
    t.equal(rows.filter((row) => row.status === 'pending').length, 3, 'the other three wait');
    t.ok(
      rows.filter((row) => row.status === 'pending').every((row) => row.attempts === 0),
      'untried',
    );
    await waitFor('the pending gauge', async () => (await counter(metrics.notificationsPending, target)) === 3, {
      timeoutMs: 2_000,
      intervalMs: 25,
    });
    t.pass('siemad_notifications_pending is 3');
    // A minute passes for the rate limit (which counts attempts of the last minute in the database).
    await db.query(
      "UPDATE notification_deliveries SET last_attempt_at = last_attempt_at - interval '61 seconds' WHERE last_attempt_at IS NOT NULL",
    );
    await waitForRows(db, 'four deliveries', (all) => all.filter((row) => row.status === 'delivered').length === 4);
    await sleep(300);
    t.equal(hook.received.length, 4, 'two more in the next minute');
    await db.query(
      "UPDATE notification_deliveries SET last_attempt_at = last_attempt_at - interval '61 seconds' WHERE last_attempt_at IS NOT NULL",
    );
    rows = await waitForRows(db, 'all five', (all) => all.every((row) => row.status === 'delivered'));
    t.equal(rows.length, 5);
    await sleep(100);
    t.equal(new Set(hook.received.map((r) => r.body.alert.entity)).size, 5, 'each alert notified once');
    t.equal(hook.received.length, 5);
  });

  t.test('two collectors on one database deliver each notification to each target once', async (t) => {
    const json = await receiver(t);
    const slack = await receiver(t);
    for (const hook of [json, slack]) hook.responder = () => ({ status: 200, delayMs: 15 });
    const urls = [json.url(), `slack+${slack.url()}`];
    const other = await second();
    const metricsA = metricsRegistry();
    const metricsB = metricsRegistry();
    const a = startNotifier(t, database, urls, { concurrency: 2 }, metricsA);
    startNotifier(t, other, urls, { concurrency: 2 }, metricsB);
    const alerts = 20;
    for (let i = 1; i <= alerts; i++) await openAlert(db, { entity: `source.ip=192.0.2.${i}`, kind: 'brute_force', level: 'high' });
    await waitForRows(
      db,
      'forty deliveries',
      (rows) => rows.length === 2 * alerts && rows.every((row) => row.status === 'delivered'),
      20_000,
    );
    await sleep(300);
    t.equal(json.received.length, alerts, 'the JSON target got one request per alert');
    t.equal(new Set(json.received.map((r) => r.body.delivery_id)).size, alerts, 'no delivery twice');
    t.equal(slack.received.length, alerts, 'the Slack target got one request per alert');
    t.equal(new Set(slack.received.map((r) => r.body.text)).size, alerts, 'no Slack message twice');
    const sent = async (metrics: PipelineMetrics): Promise<number> =>
      (await counter(metrics.notificationsSent, a.targets[0]!.id)) + (await counter(metrics.notificationsSent, a.targets[1]!.id));
    const [byA, byB] = [await sent(metricsA), await sent(metricsB)];
    t.equal(byA + byB, 2 * alerts, `collector A sent ${byA}, collector B sent ${byB}`);
    t.ok(byA > 0 && byB > 0, 'both collectors took part');
  });

  t.test('a Slack target gets text and Block Kit blocks, with mrkdwn escaped', async (t) => {
    const hook = await receiver(t);
    startNotifier(t, database, [`slack+${hook.url('/services/T000/B000/XXXX')}`]);
    const alertId = await openAlert(db, {
      entity: 'user.name=<bob>&co',
      kind: 'compromise',
      level: 'critical',
      count: 3,
      reasons: ['login after 30 failures from 203.0.113.50'],
      action: 'reset the password of <bob>',
      hosts: ['db-2'],
    });
    await waitFor('the Slack message', async () => hook.received.length === 1, { timeoutMs: 10_000, intervalMs: 25 });
    const message = hook.received[0]!;
    t.equal(message.path, '/services/T000/B000/XXXX');
    t.type(message.body.text, 'string');
    t.match(message.body.text, 'Critical new alert: compromise by user.name=&lt;bob&gt;&amp;co (3 anomalies)');
    const blocks = message.body.blocks as {
      type: string;
      text?: { type: string; text: string };
      fields?: { text: string }[];
      elements?: any[];
    }[];
    t.same(
      blocks.map((b) => b.type),
      ['header', 'section', 'section', 'section', 'actions', 'context'],
    );
    t.equal(blocks[0]!.text!.type, 'plain_text', 'headers are plain text');
    t.ok(blocks[0]!.text!.text.length <= 150);
    t.match(blocks[0]!.text!.text, 'user.name=<bob>&co', 'plain text is not escaped');
    t.match(blocks[1]!.text!.text, '`user.name=&lt;bob&gt;&amp;co`');
    t.same(
      blocks[1]!.fields!.map((f) => f.text.split('\n')[0]),
      ['*Level*', '*Kind*', '*Anomalies*', '*Score*', '*First seen*', '*Last seen*'],
    );
    t.match(blocks[1]!.fields![4]!.text, /<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|\d{4}-\d\d-\d\dT/);
    t.match(blocks[2]!.text!.text, '*Top reasons*\n• login after 30 failures from 203.0.113.50');
    t.match(blocks[3]!.text!.text, 'reset the password of &lt;bob&gt;');
    t.equal(
      blocks[4]!.elements![0].url,
      `https://grafana.example.com/d/siemad-alerts/?var-entity=user.name%3D%3Cbob%3E%26co&alert=${alertId}`,
    );
    t.match(blocks[5]!.elements![0].text, `siemad alert #${alertId}`);
  });

  t.test('an escalation is notified again, with the level before it', async (t) => {
    const hook = await receiver(t);
    startNotifier(t, database, [hook.url()]);
    const alertId = await openAlert(db, { entity: 'source.ip=203.0.113.77', kind: 'web_scan', level: 'medium', count: 5 });
    await waitFor('the first notification', async () => hook.received.length === 1, { timeoutMs: 10_000, intervalMs: 25 });
    await escalateAlert(db, alertId, 'critical', 60);
    await waitFor('the second notification', async () => hook.received.length === 2, { timeoutMs: 10_000, intervalMs: 25 });
    await sleep(200);
    t.equal(hook.received.length, 2);
    t.match(hook.received[0]!.body, { event: 'alert.opened', level: 'medium' });
    t.notOk('previous_level' in hook.received[0]!.body);
    t.match(hook.received[1]!.body, {
      event: 'alert.escalated',
      level: 'critical',
      previous_level: 'medium',
      alert: { id: alertId, level: 'critical', count: 60 },
    });
    const rows = await deliveries(db);
    t.same(
      rows.map((row) => [row.trigger, row.level, row.status]),
      [
        ['opened', 'medium', 'delivered'],
        ['escalated', 'critical', 'delivered'],
      ],
    );
  });

  t.test('changes below the minimum level and changes older than the maximum age are not notified', async (t) => {
    const hook = await receiver(t);
    startNotifier(t, database, [hook.url()], { minLevel: 'high', maxAgeMs: 60 * 60_000 });
    const low = await openAlert(db, { entity: 'user.name=carol', kind: 'unusual_hour', level: 'low' });
    await openAlert(db, { entity: 'source.ip=198.51.100.99', kind: 'brute_force', level: 'critical', ago: '2 hours' });
    await sleep(300);
    t.same(await deliveries(db), [], 'nothing for a low alert or a 2-hour-old one');
    await escalateAlert(db, low, 'high', 12);
    await waitFor('the escalation to high', async () => hook.received.length === 1, { timeoutMs: 10_000, intervalMs: 25 });
    t.match(hook.received[0]!.body, { event: 'alert.escalated', level: 'high', previous_level: 'low' });
  });

  if (server !== undefined) {
    t.test('a delivery that finishes while PostgreSQL is down is recorded when it returns, and not sent again', async (t) => {
      const hook = await receiver(t);
      hook.responder = () => ({ status: 200, delayMs: 1_500 });
      startNotifier(t, database, [hook.url()]);
      await openAlert(db, { entity: 'source.ip=203.0.113.200', kind: 'brute_force', level: 'critical' });
      await waitFor('the request', async () => hook.received.length === 1, { timeoutMs: 10_000, intervalMs: 25 });
      await server.stop();
      await sleep(2_500);
      t.notOk(database.ready, 'the notifier saw the database go');
      await server.start();
      const [row] = await waitForRows(db, 'the outcome to be recorded', (rows) => rows[0]?.status === 'delivered', 20_000, true);
      t.equal(row!.attempts, 1);
      await sleep(300);
      t.equal(hook.received.length, 1, 'sent once');
    });
  }
}

t.test('on the embedded PostgreSQL (PGlite)', async (t) => {
  const pglite = await startPglite();
  t.teardown(() => pglite.destroy());
  const database = new DatabaseService(pglite.db, logger, 200);
  await database.start();
  // PGlite is one connection per process: a second collector shares it, as a second notifier.
  await suite(t, database, async () => database);
});

t.test('on a PostgreSQL server', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const database = new DatabaseService(await connectPostgres({ url: server.url, maxConnections: 4, connectTimeoutMs: 1_000 }), logger, 200);
  t.teardown(() => database.close());
  await database.start();
  await suite(
    t,
    database,
    async () => {
      const other = new DatabaseService(await connectPostgres({ url: server.url, maxConnections: 4 }), logger, 200);
      t.teardown(() => other.close());
      await other.start();
      return other;
    },
    server,
  );
});
