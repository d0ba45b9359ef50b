import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import t from 'tap';
import { requireService } from '../helpers/services.js';
import { runSiemad, SIEMAD, startServe } from '../helpers/siemad.js';
import { makeTestPki } from '../helpers/tls.js';
import { corpusPath } from '../helpers/corpus.js';

const run = promisify(execFile);

const siemad = runSiemad;

t.test('bad configuration stops start-up with one line naming the setting, no stack trace', async (t) => {
  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['unknown flag', ['serve', '--bogus'], {}, /unknown option '--bogus'/],
    ['malformed flag value', ['serve', '--udp-port', 'abc'], {}, /--udp-port/],
    ['malformed variable', ['serve'], { SIEMAD_TCP_PORT: 'x' }, /SIEMAD_TCP_PORT/],
    ['bad size', ['serve', '--max-message-bytes', '12 parsecs'], {}, /--max-message-bytes/],
    ['bad CIDR', ['serve', '--allow', '10.0.0.0/99'], {}, /--allow/],
    ['bad time zone', ['serve', '--time-zone', 'Mars/Olympus'], {}, /--time-zone/],
    [
      'unreadable certificate',
      [
        'serve',
        '--tls-cert',
        '/nonexistent/cert.pem',
        '--tls-key',
        '/nonexistent/key.pem',
        '--scoring',
        'false',
        '--udp-port',
        '0',
        '--tcp-port',
        '0',
        '--metrics-port',
        'off',
      ],
      {},
      /--tls-cert/,
    ],
    ['key without certificate', ['serve', '--tls-key', '/tmp/x.pem', '--scoring', 'false'], {}, /--tls-cert and --tls-key/],
    [
      'listen address that is no IP',
      ['serve', '--bind', '999.1.1.1', '--scoring', 'false'],
      {},
      /--bind <addresses>.*999\.1\.1\.1 is not an IP address/,
    ],
    [
      'data directory that cannot be written',
      ['serve', '--data-dir', '/dev/null/siemad', '--scoring', 'false'],
      {},
      /^siemad: error: --data-dir: \/dev\/null\/siemad is not a writable directory \(ENOTDIR\) \[SIEMAD_CONFIG_INVALID\]$/,
    ],
  ];
  for (const [name, args, env, pattern] of cases) {
    const result = siemad(args, env);
    t.not(result.status, 0, `${name}: non-zero exit`);
    const lines = result.stderr.trim().split('\n');
    t.equal(lines.length, 1, `${name}: one line (${result.stderr.trim()})`);
    t.match(lines[0], pattern, `${name}: names the setting`);
    t.notMatch(result.stderr, /\n\s+at /, `${name}: no stack trace`);
  }
});

t.test('--tls-ca must hold certificates; without --tls-require-client-cert it draws a warning', async (t) => {
  const pki = await requireService(t, 'openssl', async () => makeTestPki());
  if (pki === undefined) return;
  const dir = await mkdtemp(join(tmpdir(), 'siemad-tlsca-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const notACertificate = join(dir, 'ca.pem');
  await writeFile(notACertificate, 'this is not a certificate\n');
  const tlsArgs = [
    'serve',
    '--bind',
    '127.0.0.1',
    '--udp-port',
    'off',
    '--tcp-port',
    'off',
    '--metrics-port',
    'off',
    '--api-port',
    'off',
    '--scoring',
    'false',
    '--data-dir',
    dir,
    '--tls-port',
    '0',
    '--tls-cert',
    pki.serverCert,
    '--tls-key',
    pki.serverKey,
  ];
  const refused = siemad([...tlsArgs, '--tls-ca', notACertificate, '--tls-require-client-cert', 'true']);
  t.equal(refused.status, 2);
  t.match(
    refused.stderr.trim(),
    new RegExp(`^siemad: error: --tls-ca: ${notACertificate.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} holds no PEM certificate`),
  );
  const serve = await startServe([
    '--scoring',
    'false',
    '--tls-port',
    '0',
    '--tls-cert',
    pki.serverCert,
    '--tls-key',
    pki.serverKey,
    '--tls-ca',
    pki.caCert,
  ]);
  t.teardown(() => serve.stop());
  const log = await readFile(join(serve.dataDir, 'siemad.log'), 'utf8');
  t.match(log, /--tls-ca is set but --tls-require-client-cert is false/, 'warned at start-up');
});

t.test('a port in use is reported with the setting that asked for it', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.teardown(() => blocker.close());
  const port = (blocker.address() as net.AddressInfo).port;
  const result = siemad([
    'serve',
    '--bind',
    '127.0.0.1',
    '--tcp-port',
    String(port),
    '--udp-port',
    'off',
    '--metrics-port',
    'off',
    '--api-port',
    'off',
    '--scoring',
    'false',
  ]);
  t.equal(result.status, 2);
  t.match(result.stderr.trim(), new RegExp(`--tcp-port: tcp 127\\.0\\.0\\.1:${port} is already in use`));
});

t.test('every command has --help', async (t) => {
  for (const command of [[], ['serve'], ['analyze'], ['send'], ['features']]) {
    const result = siemad([...command, '--help']);
    t.equal(result.status, 0, `${command.join(' ') || 'siemad'} --help`);
    t.match(result.stdout, /Usage: siemad/);
  }
});

t.test('serves /metrics and /healthz, and drains and flushes on SIGTERM', async (t) => {
  const serve = await startServe(['--scoring', 'false']);
  const metricsPort = serve.port('http');
  const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
  t.equal(health.status, 200);
  t.equal(((await health.json()) as { status: string }).status, 'ok');
  const sent = await run(
    process.execPath,
    [SIEMAD, 'send', '--port', String(serve.port('tcp')), '--format', 'rfc5424', corpusPath('loghub', 'OpenSSH_2k.log')].filter(
      (a) => a !== '',
    ),
    {},
  );
  t.match(sent.stdout, /^sent 2000 messages/);
  const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  for (const name of [
    'siemad_messages_received_total',
    'siemad_bytes_received_total',
    'siemad_frames_truncated_total',
    'siemad_parse_errors_total',
    'siemad_events_total',
    'siemad_dropped_total',
    'siemad_queue_depth',
    'siemad_pipeline_latency_seconds',
    'siemad_open_connections',
  ]) {
    t.match(metrics, new RegExp(`^# HELP ${name} `, 'm'), `exposes ${name}`);
  }
  const code = await serve.stop();
  t.equal(code, 0, 'exit 0 after SIGTERM');
  const events = await serve.events();
  t.equal(events.length, 2000, 'every received message was flushed before exit');
});

t.test('TLS 1.2+ with optional client certificates (mTLS)', async (t) => {
  const pki = await requireService(t, 'openssl', async () => makeTestPki());
  if (pki === undefined) return;
  const serve = await startServe([
    '--scoring',
    'false',
    '--tls-port',
    '0',
    '--tls-cert',
    pki.serverCert,
    '--tls-key',
    pki.serverKey,
    '--tls-ca',
    pki.caCert,
    '--tls-require-client-cert',
    'true',
  ]);
  t.teardown(() => serve.stop());
  const port = serve.port('tls');
  const withClientCert = await run(process.execPath, [
    SIEMAD,
    'send',
    '--transport',
    'tls',
    '--port',
    String(port),
    '--tls-ca',
    pki.caCert,
    '--tls-cert',
    pki.clientCert,
    '--tls-key',
    pki.clientKey,
    '--format',
    'rfc5424',
    corpusPath('loghub', 'Linux_2k.log'),
  ]);
  t.match(withClientCert.stdout, /^sent 2000 messages/);
  await serve.waitForEvents(2000);
  const withoutClientCert = spawnSync(
    process.execPath,
    [SIEMAD, 'send', '--transport', 'tls', '--port', String(port), '--tls-ca', pki.caCert, corpusPath('loghub', 'Linux_2k.log')],
    { encoding: 'utf8' },
  );
  t.not(withoutClientCert.status, 0, 'a client without certificate is refused');
  const old = tls.connect({ host: '127.0.0.1', port, ca: [], rejectUnauthorized: false, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
  const outcome = await new Promise<string>((resolve) => {
    old.once('secureConnect', () => resolve('connected'));
    old.once('error', (err) => resolve(err.message));
  });
  old.destroy();
  t.not(outcome, 'connected', `TLS 1.1 is refused (${outcome})`);
  await new Promise((r) => setTimeout(r, 300));
  t.equal((await serve.events()).length, 2000, 'only the authenticated client got through');
});

t.test('analyze into a pipe that closes early (| head) ends quietly with 0', async (t) => {
  const status = spawnSync(
    'bash',
    [
      '-c',
      `"${process.execPath}" "${SIEMAD}" analyze --format ndjson --scoring false "${corpusPath('loghub', 'OpenSSH_2k.log')}" | head -n 1 > /dev/null; echo \${PIPESTATUS[0]}`,
    ],
    { encoding: 'utf8' },
  );
  t.equal(status.stdout.trim(), '0', 'exit code 0');
  t.equal(status.stderr, '', 'nothing on standard error');
});

t.test('what serve writes under the data directory is its own: files 0600, folders 0700; with --data-group-read 0640, 0750', async (t) => {
  for (const [groupRead, fileMode, dirMode] of [
    [false, 0o600, 0o700],
    [true, 0o640, 0o750],
  ] as const) {
    const serve = await startServe(['--scoring', 'false', '--data-group-read', String(groupRead)]);
    const sent = await run(process.execPath, [
      SIEMAD,
      'send',
      '--port',
      String(serve.port('tcp')),
      '--format',
      'rfc5424',
      corpusPath('loghub', 'OpenSSH_2k.log'),
    ]);
    t.match(sent.stdout, /^sent 2000 messages/);
    await serve.waitForEvents(2000);
    t.equal(await serve.stop(), 0);
    t.equal((await stat(serve.dataDir)).mode & 0o777, dirMode, `data directory ${dirMode.toString(8)}`);
    t.equal((await stat(join(serve.dataDir, 'events.ndjson'))).mode & 0o777, fileMode, `events.ndjson ${fileMode.toString(8)}`);
    t.equal((await stat(join(serve.dataDir, 'postgres'))).mode & 0o777, dirMode, `embedded database folder ${dirMode.toString(8)}`);
  }
});
