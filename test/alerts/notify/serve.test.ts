/**
 * The notifier as `siemad serve` runs it: a real collector on a PostgreSQL server with
 * --webhook-url, an alert written to the database as the alert writer writes it, the
 * notification at the local receiver, and its counters on /metrics. Also: syslog keeps flowing
 * while the only target hangs on every request.
 */
import t from 'tap';
import { connectPostgres } from '../../../postgres/database.js';
import { startPostgres } from '../../helpers/postgres.js';
import { requireService } from '../../helpers/services.js';
import { startServe } from '../../helpers/siemad.js';
import { waitFor } from '../../helpers/wait.js';
import { WebhookReceiver, openAlert } from './fixtures.js';
import { parseWebhookTarget } from '../../../alerts/notify/targets.js';
import { createSocket } from 'node:dgram';

t.test('siemad serve notifies new alerts to its webhooks and counts them on /metrics', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const json = await WebhookReceiver.start();
  const slack = await WebhookReceiver.start();
  t.teardown(() => json.close());
  t.teardown(() => slack.close());
  const slackUrl = `slack+${slack.url('/services/T/B/secret')}`;
  const serve = await startServe(
    [
      '--scoring',
      'false',
      '--database-url',
      server.url,
      '--webhook-url',
      `${json.url()},${slackUrl}`,
      '--alert-url-template',
      'https://grafana.example.com/d/siemad-alerts/?var-entity={entity}',
    ],
    {},
  );
  t.teardown(() => serve.stop());
  const db = await connectPostgres({ url: server.url, maxConnections: 2 });
  t.teardown(() => db.close());
  // serve migrates at start; the alert arrives the way the alert writer writes it.
  await waitFor(
    'the migrated schema',
    async () => (await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'notification_deliveries'")).rows.length > 0,
    { timeoutMs: 20_000 },
  );
  const alertId = await openAlert(db, {
    entity: 'source.ip=203.0.113.9',
    kind: 'brute_force',
    level: 'critical',
    count: 40,
    reasons: ['failed logins from this source: 40 in 5 min'],
  });
  await waitFor('both notifications', async () => json.received.length === 1 && slack.received.length === 1, {
    timeoutMs: 20_000,
    intervalMs: 100,
  });
  t.match(json.received[0]!.body, {
    event: 'alert.opened',
    alert: { id: alertId, url: 'https://grafana.example.com/d/siemad-alerts/?var-entity=source.ip%3D203.0.113.9' },
  });
  t.match(slack.received[0]!.body.text, 'Critical new alert: brute_force by source.ip=203.0.113.9');

  const metricsPort = serve.port('http');
  const slackId = parseWebhookTarget(slackUrl).id;
  await waitFor(
    'the counters',
    async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return (
        text.includes(`siemad_notifications_sent_total{target="${slackId}"} 1`) &&
        text.includes(`siemad_notifications_pending{target="${slackId}"} 0`)
      );
    },
    { timeoutMs: 10_000, intervalMs: 200 },
  );
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  t.notMatch(text, 'secret', 'no webhook URL on /metrics');
  t.match(text, /^# TYPE siemad_top_anomaly_entities gauge$/m);
});

t.test('ingest goes on while the only webhook target hangs, and shutdown cancels the hanging posts for a later retry', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const hanging = await WebhookReceiver.start();
  t.teardown(() => hanging.close());
  hanging.responder = () => ({ status: 200, delayMs: 60_000 });
  const serve = await startServe(
    ['--scoring', 'false', '--database-url', server.url, '--webhook-url', hanging.url(), '--webhook-timeout', '30s'],
    {},
  );
  t.teardown(() => serve.stop());
  const db = await connectPostgres({ url: server.url, maxConnections: 2 });
  t.teardown(() => db.close());
  await waitFor(
    'the migrated schema',
    async () => (await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'notification_deliveries'")).rows.length > 0,
    { timeoutMs: 20_000 },
  );
  for (let i = 0; i < 10; i++) await openAlert(db, { entity: `source.ip=198.51.100.${i}`, kind: 'port_scan', level: 'high' });
  await waitFor('the notifier to be stuck on the target', async () => hanging.received.length >= 4, { timeoutMs: 20_000, intervalMs: 100 });
  const socket = createSocket('udp4');
  t.teardown(() => socket.close());
  const lines = 200;
  for (let i = 0; i < lines; i++) {
    await new Promise<void>((resolve, reject) =>
      socket.send(
        `<38>Nov  2 10:00:00 web-1 sshd[42]: Failed password for root from 203.0.113.${i % 250} port 4242 ssh2`,
        serve.port('udp'),
        '127.0.0.1',
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  const events = await serve.waitForEvents(lines, 20_000);
  t.equal(events.length, lines, 'every syslog message became an event while four notifications hung');
  t.equal(hanging.received.length, 4, 'no more requests than --webhook-concurrency while they hang');
  const stopping = Date.now();
  t.equal(await serve.stop(), 0, 'exits 0');
  const took = Date.now() - stopping;
  t.ok(took < 15_000, `stopped in ${took} ms although the target would answer after 60 s (--webhook-timeout 30s)`);
  const { rows } = await db.query<{ status: string; last_error: string | null }>(
    'SELECT status, last_error FROM notification_deliveries ORDER BY id',
  );
  t.equal(rows.length, 10);
  t.ok(
    rows.every((row) => row.status === 'pending'),
    'nothing lost: all ten still pending',
  );
  t.equal(
    rows.filter((row) => row.last_error === 'request failed: cancelled at shutdown').length,
    4,
    'the four hanging ones were cancelled, to be retried',
  );
});
