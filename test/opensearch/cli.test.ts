/**
 * The OpenSearch side of the CLI with real processes and a real cluster: `setup opensearch`,
 * `serve --opensearch-url` (mappings of what it indexes, credentials kept out of logs, a full
 * buffer), `replay` of NDJSON and raw logs, and configuration errors.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTIONS } from '../../collector/decoders/actions.js';
import { sharedOpenSearch } from '../helpers/opensearch.js';
import { freePort } from '../helpers/ports.js';
import { requireService } from '../helpers/services.js';
import { metricValue, runSiemad, SIEMAD, sendOverTcp, startServe } from '../helpers/siemad.js';
import { waitFor } from '../helpers/wait.js';
import { TcpForwarder } from '../helpers/tcp-forwarder.js';
import { countDocuments, duplicateIds, search, waitForCount } from './indexed.js';
import { openSearchServeArgs, streamsOf, writeAuthLog } from './serve-rig.js';

let namespaces = 0;
const namespace = (): string => `cli${process.pid}n${++namespaces}`;

const siemad = runSiemad;

const layoutFlags = (ns: string): string[] => [
  '--index-namespace',
  ns,
  '--index-replicas',
  '0',
  '--index-refresh-interval',
  '1s',
  '--ism',
  'if-available',
];

t.test('setup opensearch and replay have --help', async (t) => {
  for (const command of [['setup'], ['setup', 'opensearch'], ['replay']]) {
    const result = siemad([...command, '--help']);
    t.equal(result.status, 0, command.join(' '));
    t.match(result.stdout, /Usage: siemad/);
  }
  t.match(siemad(['setup', 'opensearch', '--help']).stdout, /--opensearch-password-file/);
  t.match(siemad(['serve', '--help']).stdout, /--buffer-max-bytes <size>[\s\S]*?default: 256MiB/);
});

t.test('bad OpenSearch settings stop start-up with one line naming the setting, never the password', async (t) => {
  const secretUrl = 'http://siemad:hunter2@127.0.0.1:1';
  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    [
      'unreadable CA',
      ['serve', '--scoring', 'false', '--opensearch-url', secretUrl, '--opensearch-ca', '/nonexistent/ca.pem'],
      {},
      /--opensearch-ca/,
    ],
    ['not http', ['serve', '--scoring', 'false', '--opensearch-url', 'ftp://siemad:hunter2@host/'], {}, /--opensearch-url/],
    ['not a URL', ['serve'], { SIEMAD_OPENSEARCH_URL: 'hunter2 is no url' }, /--opensearch-url/],
    [
      'both passwords',
      ['serve', '--opensearch-url', 'http://127.0.0.1:1', '--opensearch-password', 'hunter2', '--opensearch-password-file', '/tmp/x'],
      {},
      /--opensearch-password-file/,
    ],
    [
      'missing password file',
      ['setup', 'opensearch', '--opensearch-url', 'http://127.0.0.1:1', '--opensearch-password-file', '/nonexistent/pw'],
      {},
      /--opensearch-password-file/,
    ],
    ['concurrency 0', ['serve', '--opensearch-url', secretUrl, '--bulk-concurrency', '0'], {}, /--bulk-concurrency/],
    ['fsync policy', ['serve', '--buffer-fsync', 'sometimes'], {}, /--buffer-fsync/],
    ['tiny buffer', ['serve'], { SIEMAD_BUFFER_MAX_BYTES: '10KiB' }, /SIEMAD_BUFFER_MAX_BYTES/],
    ['bad prefix', ['setup', 'opensearch', '--opensearch-url', secretUrl, '--index-prefix', 'Bad!'], {}, /--index-prefix/],
    ['bad rollover', ['setup', 'opensearch', '--opensearch-url', secretUrl, '--logs-rollover-age', 'soon'], {}, /--logs-rollover-age/],
    ['sink and URL', ['serve', '--opensearch-url', secretUrl, '--sink', 'ndjson:/tmp/x', '--scoring', 'false'], {}, /--sink/],
    ['unreachable setup', ['setup', 'opensearch', '--opensearch-url', secretUrl], {}, /ECONNREFUSED/],
  ];
  for (const [name, args, env, pattern] of cases) {
    const result = siemad(args, env);
    t.not(result.status, 0, `${name}: non-zero exit`);
    const lines = result.stderr.trim().split('\n');
    t.equal(lines.length, 1, `${name}: one line (${result.stderr.trim()})`);
    t.match(lines[0], pattern, `${name}: names the setting`);
    t.notMatch(result.stderr + result.stdout, /hunter2/, `${name}: no password`);
  }
});

t.test('setup opensearch applies everything once, then reports nothing to do', async (t) => {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return;
  const ns = namespace();
  const first = siemad(['setup', 'opensearch', '--opensearch-url', cluster.url, ...layoutFlags(ns)]);
  t.equal(first.status, 0, first.stderr);
  t.match(first.stdout, new RegExp(`data_stream\\s+logs-siemad-${ns}\\s+created`));
  t.match(first.stdout, /8 created, 0 updated/);
  const second = siemad(['setup', 'opensearch', '--opensearch-url', cluster.url, '--json', ...layoutFlags(ns)]);
  t.equal(second.status, 0);
  const report = JSON.parse(second.stdout) as { changed: boolean; changes: { outcome: string }[] };
  t.equal(report.changed, false, 'idempotent');
  t.ok(report.changes.every((change) => change.outcome === 'unchanged' || change.outcome === 'skipped'));
});

t.test(
  'serve indexes events with the ECS mappings: CIDR queries on source.ip, aggregations on user.name; credentials stay out of the log',
  async (t) => {
    const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
    if (!cluster) return;
    const ns = namespace();
    const { logs } = streamsOf(ns);
    const withCredentials = cluster.url.replace('http://', 'http://siemad:s3cr3t-pw@');
    const serve = await startServe(openSearchServeArgs(withCredentials, ns), { SIEMAD_OPENSEARCH_PASSWORD: undefined });
    t.teardown(() => serve.stop());
    const file = join(t.testdir(), 'auth.log');
    await writeAuthLog(file, 0, 600);
    await sendOverTcp(serve.port('tcp'), file);
    await waitForCount(cluster.url, logs, 600, 60_000);

    // authLogLine(n) comes from 10.0.(n>>8).(n&255): n < 256 lie in 10.0.0.0/24, 512..599 in 10.0.2.0/24.
    const inCidr = await search<{ hits: { total: { value: number } } }>(cluster.url, logs, {
      size: 0,
      track_total_hits: true,
      query: { term: { 'source.ip': '10.0.2.0/24' } },
    });
    t.equal(inCidr.hits.total.value, 88, 'a CIDR term query on source.ip (an ip field)');
    const ranged = await search<{ hits: { total: { value: number } } }>(cluster.url, logs, {
      size: 0,
      track_total_hits: true,
      query: { range: { 'source.ip': { gte: '10.0.0.0', lte: '10.0.0.255' } } },
    });
    t.equal(ranged.hits.total.value, 256, 'a range query on source.ip');
    const users = await search<{ aggregations: { users: { buckets: { key: string; doc_count: number }[] } } }>(cluster.url, logs, {
      size: 0,
      aggs: { users: { terms: { field: 'user.name', size: 100 } } },
    });
    t.equal(users.aggregations.users.buckets.length, 40, 'a terms aggregation on user.name (a keyword field)');
    t.equal(
      users.aggregations.users.buckets.reduce((sum, bucket) => sum + bucket.doc_count, 0),
      600,
    );
    t.same(await duplicateIds(cluster.url, logs), []);
    t.equal(await serve.stop(), 0);
    const log = await readFile(join(serve.dataDir, 'siemad.log'), 'utf8');
    t.match(log, /OpenSearch output open/);
    t.notMatch(log, /s3cr3t-pw/, 'the password never appears in the log');
  },
);

t.test('serve started while OpenSearch is unreachable buffers events, applies the setup once it answers, then indexes them', async (t) => {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return;
  const port = await freePort('tcp');
  const ns = namespace();
  const { logs } = streamsOf(ns);
  const serve = await startServe(openSearchServeArgs(`http://127.0.0.1:${port}`, ns, ['--bulk-retry-max-delay', '1s']));
  t.teardown(() => serve.stop());
  const http = serve.port('http');
  const file = join(t.testdir(), 'auth.log');
  await writeAuthLog(file, 0, 300);
  await sendOverTcp(serve.port('tcp'), file);
  await waitFor('the events in the buffer', async () => (await metricValue(http, 'siemad_buffer_events', 'buffer="opensearch"')) === 300, {
    timeoutMs: 20_000,
  });
  const pending = (await fetch(`http://127.0.0.1:${http}/healthz`).then((response) => response.json())) as {
    sinkHealth: { setup: string };
  };
  t.equal(pending.sinkHealth.setup, 'pending', 'nothing is written before the templates exist');
  const target = new URL(cluster.url);
  const forwarder = new TcpForwarder(port, { host: target.hostname, port: Number(target.port) });
  await forwarder.open();
  t.teardown(() => forwarder.close());
  t.equal(await waitForCount(cluster.url, logs, 300, 60_000), 300);
  const stream = await fetch(`${cluster.url}/_data_stream/${logs}`).then(
    (response) => response.json() as Promise<{ data_streams: { template: string }[] }>,
  );
  t.equal(stream.data_streams[0]?.template, `siemad-${ns}-logs`, 'the data stream was made by the setup, from our template');
  t.same(await duplicateIds(cluster.url, logs), []);
});

t.test(
  'with OpenSearch away and the buffer full, TCP senders are paused and UDP datagrams are dropped and counted as buffer_full',
  async (t) => {
    const deadPort = await freePort('tcp');
    const serve = await startServe([
      '--scoring',
      'false',
      '--opensearch-url',
      `http://127.0.0.1:${deadPort}`,
      '--opensearch-setup',
      'false',
      '--buffer-max-bytes',
      '1MiB',
      '--opensearch-degraded-after',
      '1s',
      '--queue-capacity',
      '500',
    ]);
    t.teardown(() => serve.stop());
    const http = serve.port('http');
    const file = join(t.testdir(), 'auth.log');
    await writeAuthLog(file, 0, 100_000);
    const sender = spawn(process.execPath, [SIEMAD, 'send', '--port', String(serve.port('tcp')), file], { stdio: 'ignore' });
    t.teardown(() => {
      sender.kill('SIGKILL');
    });
    await waitFor(
      'the buffer to fill',
      async () =>
        (await metricValue(http, 'siemad_buffer_full_rejections_total', 'buffer="opensearch"')) > 0 ||
        (await fetch(`http://127.0.0.1:${http}/healthz`).then((r) => r.json() as Promise<{ sinkHealth?: { bufferFull?: boolean } }>))
          .sinkHealth?.bufferFull === true,
      { timeoutMs: 60_000 },
    );
    const received = await metricValue(http, 'siemad_messages_received_total', 'transport="tcp"');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    t.ok(
      (await metricValue(http, 'siemad_messages_received_total', 'transport="tcp"')) - received < 5000,
      'TCP reading is held back (the sender is paused, not dropped)',
    );
    t.equal(sender.exitCode, null, 'the sender is still waiting, not refused');

    const udp = createSocket('udp4');
    for (let i = 0; i < 50; i++) udp.send(`<13>Nov 22 10:00:00 host app: datagram ${i}`, serve.port('udp'), '127.0.0.1');
    await waitFor('the drops to be counted', async () => (await metricValue(http, 'siemad_dropped_total', 'reason="buffer_full"')) >= 50, {
      timeoutMs: 10_000,
    });
    udp.close();
    t.pass('UDP datagrams arriving while the buffer is full are dropped and counted');
    await waitFor('/healthz to report degraded', async () => (await fetch(`http://127.0.0.1:${http}/healthz`)).status === 503, {
      timeoutMs: 15_000,
    });
    t.pass('/healthz is degraded');
    const health = await (await fetch(`http://127.0.0.1:${http}/healthz`)).text();
    // Listeners may name their own bind address; the unreachable OpenSearch's address and error text stay in the logs.
    t.notMatch(health, new RegExp(`ECONNREFUSED|:${deadPort}\\b|connect `), '/healthz names no internal address or error text');
    const started = Date.now();
    t.equal(await serve.stop(), 0, 'SIGTERM still ends it cleanly, although the queue cannot drain into the full buffer');
    t.ok(Date.now() - started < 20_000, 'without hanging');
    t.match(
      await readFile(serve.process.logFile, 'utf8'),
      /still full at shutdown: \d+ queued events are dropped/,
      'and says what it dropped',
    );
  },
);

t.test('replay loads NDJSON written by the NDJSON sink, keeping event ids: a second replay creates nothing twice', async (t) => {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return;
  const recorder = await startServe(['--scoring', 'false']);
  const dir = t.testdir();
  const file = join(dir, 'auth.log');
  await writeAuthLog(file, 0, 400);
  await sendOverTcp(recorder.port('tcp'), file);
  const recorded = await recorder.waitForEvents(400);
  await recorder.stop();
  const eventsFile = join(recorder.dataDir, 'events.ndjson');

  const ns = namespace();
  const { logs } = streamsOf(ns);
  const dataDir = join(dir, 'replay-data');
  const args = ['replay', '--opensearch-url', cluster.url, '--data-dir', dataDir, '--json', ...layoutFlags(ns), eventsFile];
  const first = siemad(args);
  t.equal(first.status, 0, first.stderr);
  t.match(JSON.parse(first.stdout), {
    events: 400,
    eventFiles: 1,
    rawFiles: 0,
    created: 400,
    duplicates: 0,
    deadLettered: 0,
    remaining: 0,
  });
  const second = siemad(args);
  t.equal(second.status, 0, second.stderr);
  t.match(JSON.parse(second.stdout), { events: 400, created: 0, duplicates: 400 }, 'the second replay finds every document already there');
  t.equal(await countDocuments(cluster.url, logs), 400);
  t.same(await duplicateIds(cluster.url, logs), []);
  const ids = await search<{ hits: { hits: { _id: string; _source: { event: { id: string } } }[] } }>(cluster.url, logs, {
    size: 400,
    _source: ['event.id'],
  });
  t.same(
    new Set(ids.hits.hits.map((hit) => hit._id)),
    new Set(recorded.map((event) => event.event.id)),
    'documents are stored under the recorded event ids',
  );
});

t.test(
  'replay: a poison event and a line that is no JSON go to the dead-letter queue, the rest of the batch is indexed, anomalies go to both streams',
  async (t) => {
    const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
    if (!cluster) return;
    const ns = namespace();
    const { logs, anomalies } = streamsOf(ns);
    const base = (n: number) => ({
      '@timestamp': `2026-11-22T10:00:${String(n).padStart(2, '0')}.000Z`,
      message: `event ${n}`,
      ecs: { version: '8.11.0' },
      event: { created: '2026-11-22T10:01:00.000Z', kind: 'event', original: `event ${n}`, dataset: 'system.auth', id: `replay-${n}` },
      log: {},
      source: { ip: `192.0.2.${n}` },
    });
    const lines = [
      ...Array.from({ length: 20 }, (_, n) => JSON.stringify(base(n))),
      JSON.stringify({ ...base(20), source: '192.0.2.20' }),
      JSON.stringify({ ...base(21), '@timestamp': 'last tuesday' }),
      '{"@timestamp": "2026-11-22T10:00:00Z", "event": ',
      JSON.stringify({
        ...base(22),
        anomaly: { is_anomaly: true, score: 0.98, level: 'critical', model_version: 'test', reasons: ['never seen'] },
      }),
      JSON.stringify({ ...base(23), event: { ...base(23).event, id: undefined } }),
    ];
    const dir = t.testdir();
    const file = join(dir, 'crafted.ndjson');
    await writeFile(file, `${lines.join('\n')}\n`);
    const dataDir = join(dir, 'data');
    const result = siemad(['replay', '--opensearch-url', cluster.url, '--data-dir', dataDir, ...layoutFlags(ns), file]);
    t.equal(result.status, 1, 'exit code 1: something was dead-lettered');
    t.match(result.stdout, /documents: 23 created, 0 already present, 2 dead-lettered/);
    t.match(result.stdout, /invalid lines: 1/);
    t.equal(await countDocuments(cluster.url, logs), 22, '20 plain, the anomaly, the one without id');
    t.equal(await countDocuments(cluster.url, anomalies), 1);
    const dead = join(dataDir, 'dead-letter');
    const letters = (await Promise.all((await readdir(dead)).map((name) => readFile(join(dead, name), 'utf8'))))
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, any>);
    t.same(
      letters
        .filter((letter) => letter.kind === 'rejected')
        .map((letter) => letter.id)
        .sort(),
      ['replay-20', 'replay-21'],
    );
    t.match(
      letters.find((letter) => letter.kind === 'invalid_input'),
      { error: { type: 'invalid_event_line', reason: /not JSON/ }, event_text: /"event": $/ },
    );
    const again = siemad(['replay', '--opensearch-url', cluster.url, '--data-dir', dataDir, '--json', ...layoutFlags(ns), file]);
    t.match(
      JSON.parse(again.stdout),
      { created: 0, duplicates: 23 },
      'the event without an id got the same id from its content the second time',
    );
  },
);

t.test('replay runs raw log files through the pipeline (decoders) into OpenSearch', async (t) => {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return;
  const ns = namespace();
  const { logs } = streamsOf(ns);
  const dir = t.testdir();
  const file = join(dir, 'auth.log');
  await writeAuthLog(file, 0, 300);
  const result = siemad([
    'replay',
    '--opensearch-url',
    cluster.url,
    '--data-dir',
    join(dir, 'data'),
    '--scoring',
    'false',
    '--json',
    ...layoutFlags(ns),
    file,
  ]);
  t.equal(result.status, 0, result.stderr);
  t.match(JSON.parse(result.stdout), { events: 300, rawFiles: 1, created: 300 });
  const decoded = await search<{ hits: { total: { value: number } } }>(cluster.url, logs, {
    size: 0,
    track_total_hits: true,
    query: {
      bool: {
        filter: [
          { term: { 'event.action': ACTIONS.sshLogin } },
          { term: { 'event.outcome': 'failure' } },
          { exists: { field: 'user.name' } },
        ],
      },
    },
  });
  t.equal(decoded.hits.total.value, 300, 'decoded by the sshd decoder like serve/analyze do');
});
