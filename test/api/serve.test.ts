import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { request } from '../helpers/api.js';
import { ensureBuilt, runSiemad, runSiemadAsync, startServe } from '../helpers/siemad.js';

const siemad = runSiemadAsync;

t.test('siemad serve with the embedded database: a token made before start works on its API', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'siemad-api-serve-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const created = await siemad(['token', 'create', '--name', 'ops', '--scope', 'admin', '--data-dir', dataDir]);
  t.equal(created.status, 0, created.stderr);
  const token = created.stdout.trim();

  const serve = await startServe(['--scoring', 'false'], {}, { dataDir });
  t.teardown(() => serve.stop());
  const base = `http://127.0.0.1:${serve.port('api')}`;
  t.match((await request(base, 'GET', '/api/v1/alerts')).json, { statusCode: 401 }, 'tokens are required');
  const alerts = await request(base, 'GET', '/api/v1/alerts?status=open&level=high&since=7d', { token });
  t.match(alerts, { status: 200, json: { alerts: [], next_cursor: null } });
  const added = await request(base, 'POST', '/api/v1/suppressions', {
    token,
    body: { entity: 'user.name=backup', kind: 'unusual_hour', comment: 'nightly job' },
  });
  t.match(added, { status: 201, json: { created_by: 'ops', active: true } });
  const listed = await request(base, 'GET', '/api/v1/suppressions', { token });
  t.same(
    listed.json.suppressions.map((s: { id: number }) => s.id),
    [added.json.id],
  );
  t.equal((await request(base, 'DELETE', `/api/v1/suppressions/${added.json.id}`, { token })).status, 200);
  t.equal((await request(base, 'GET', '/openapi.json')).json.info.title, 'siemad HTTP API');
  t.equal((await request(base, 'GET', '/docs/')).status, 200);
  const metrics = await request(`http://127.0.0.1:${serve.port('http')}`, 'GET', '/metrics');
  t.match(
    metrics.text,
    /siemad_api_requests_total\{method="POST",route="\/api\/v1\/suppressions",status="201"\} 1/,
    'API metrics on /metrics',
  );

  const whileServing = await siemad(['token', 'create', '--name', 'second', '--scope', 'read', '--data-dir', dataDir]);
  t.equal(whileServing.status, 2, 'the embedded database is not opened twice');
  t.match(
    whileServing.stderr,
    /the embedded database in .* is open in process \d+ \(a running siemad serve\?\): stop it first, or use a PostgreSQL server \(--database-url\)/,
  );

  t.equal(await serve.stop(), 0, 'stops cleanly with the API open');
  const after = await siemad(['token', 'list', '--json', '--data-dir', dataDir]);
  t.equal(after.status, 0, `the lock is released at shutdown: ${after.stderr}`);
  t.ok(JSON.parse(after.stdout)[0].last_used_at !== null, 'the token use was recorded');
});

t.test('--api-port off starts no API; half a TLS pair is refused with one line', async (t) => {
  const serve = await startServe(['--scoring', 'false', '--api-port', 'off']);
  t.teardown(() => serve.stop());
  t.notOk(
    serve.listening.some((l) => l.receiver.startsWith('api ')),
    'not listening',
  );
  await serve.stop();
  await rm(serve.dataDir, { recursive: true, force: true });
  ensureBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), 'siemad-api-tls-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  for (const [args, pattern] of [
    [['--api-tls-cert', '/tmp/cert.pem'], /--api-tls-cert and --api-tls-key go together/],
    [
      ['--api-tls-cert', '/nonexistent/c.pem', '--api-tls-key', '/nonexistent/k.pem'],
      /--api-tls-cert: cannot read \/nonexistent\/c\.pem: ENOENT/,
    ],
    [['--api-body-limit', 'lots'], /--api-body-limit/],
    [['--api-port', '99999'], /--api-port/],
  ] as const) {
    const result = runSiemad(
      [
        'serve',
        '--scoring',
        'false',
        '--bind',
        '127.0.0.1',
        '--udp-port',
        '0',
        '--tcp-port',
        '0',
        '--metrics-port',
        'off',
        '--api-port',
        '0',
        '--data-dir',
        dataDir,
        ...args,
      ],
      {},
      60_000,
    );
    t.equal(result.status, 2, args.join(' '));
    const lines = result.stderr
      .trim()
      .split('\n')
      .filter((line) => !line.startsWith('{'));
    t.equal(lines.length, 1, `one line: ${result.stderr.trim().slice(-300)}`);
    t.match(lines[0], pattern);
    t.notMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});
