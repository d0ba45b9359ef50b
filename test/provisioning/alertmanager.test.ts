/**
 * The Alertmanager config delivers: a real Alertmanager (Debian's prometheus-alertmanager) runs
 * provisioning/alertmanager/alertmanager.yml with only the receiver URLs pointed at local webhook
 * receivers and the group waits shortened, takes siemad's alerts through its API, and posts
 * them to the receiver each route names, critical anomalies grouped by their entity.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { freePort } from '../helpers/ports.js';
import { spawnPeer, waitUntilReady } from '../helpers/process.js';
import { requireBinary, requireService } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';
import { readYaml } from './provisioning-files.js';

interface AlertmanagerConfig {
  route: { group_wait?: string; group_interval?: string; routes?: { group_wait?: string; group_interval?: string }[] };
  receivers: { name: string; webhook_configs?: { url: string }[] }[];
}

t.test('Alertmanager posts critical anomalies per entity to the security webhook and collector alerts to on-call', async (t) => {
  const binary = await requireService(t, 'alertmanager', async () =>
    requireBinary('prometheus-alertmanager', 'install the prometheus-alertmanager package'),
  );
  if (binary === undefined) return;
  const receivers = new Map<string, WebhookReceiver>();
  const config = readYaml<AlertmanagerConfig>('provisioning', 'alertmanager', 'alertmanager.yml');
  for (const receiver of config.receivers) {
    t.ok((receiver.webhook_configs ?? []).length > 0, `${receiver.name} is a webhook receiver`);
    const hook = await WebhookReceiver.start();
    t.teardown(() => hook.close());
    receivers.set(receiver.name, hook);
    for (const webhook of receiver.webhook_configs ?? []) webhook.url = hook.url(`/${receiver.name}`);
  }
  for (const route of [config.route, ...(config.route.routes ?? [])]) {
    if (route.group_wait !== undefined) route.group_wait = '1s';
    if (route.group_interval !== undefined) route.group_interval = '1s';
  }
  const dir = await mkdtemp(join(tmpdir(), 'siemad-alertmanager-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'alertmanager.yml'), stringify(config));
  const port = await freePort('tcp');
  const base = `http://127.0.0.1:${port}`;
  const peer = spawnPeer(
    binary,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    { logFile: join(dir, 'alertmanager.log') },
  );
  t.teardown(() => peer.stop());
  await waitUntilReady(peer, 'alertmanager', async () => (await fetch(`${base}/-/ready`)).ok, { timeoutMs: 30_000, intervalMs: 200 });

  const critical = (entity: string, kind: string) => ({
    labels: {
      alertname: 'SiemadCriticalAnomalies',
      severity: 'warning',
      category: 'security',
      job: 'siemad',
      instance: 'collector-a:9464',
      entity,
      kind,
    },
    annotations: { summary: `siemad collector collector-a:9464 flagged critical anomalies about ${entity}` },
  });
  const alerts = [
    critical('source.ip=203.0.113.9', 'brute_force'),
    critical('user.name=root', 'distributed_brute_force'),
    {
      labels: { alertname: 'SiemadCollectorDown', severity: 'critical', job: 'siemad', instance: 'collector-b:9464' },
      annotations: { summary: 'siemad collector collector-b:9464 is down' },
    },
  ];
  const posted = await fetch(`${base}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  t.equal(posted.status, 200, 'Alertmanager takes the alerts');

  const security = receivers.get('siemad-security')!;
  const oncall = receivers.get('siemad-oncall')!;
  await waitFor('both webhooks', async () => security.received.length >= 2 && oncall.received.length >= 1, {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  const entities = security.received.map((r) => r.body.commonLabels.entity).sort();
  t.same(entities, ['source.ip=203.0.113.9', 'user.name=root'], 'one security notification per entity');
  for (const request of security.received) {
    t.match(request.body, {
      version: '4',
      receiver: 'siemad-security',
      status: 'firing',
      groupLabels: { alertname: 'SiemadCriticalAnomalies' },
    });
    t.equal(request.body.alerts.length, 1);
    t.match(request.body.alerts[0].annotations.summary, request.body.commonLabels.entity, 'the summary names the entity');
  }
  t.match(oncall.received[0]!.body, {
    receiver: 'siemad-oncall',
    commonLabels: { alertname: 'SiemadCollectorDown', instance: 'collector-b:9464' },
  });
  t.notOk(
    oncall.received.some((r) => r.body.commonLabels.alertname === 'SiemadCriticalAnomalies'),
    'critical anomalies do not go to on-call',
  );
});
