import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { connectPostgres, openEmbeddedPostgres } from '../../postgres/database.js';
import { startApi } from '../helpers/api.js';
import { startPostgres } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';
import { runSiemadAsync } from '../helpers/siemad.js';

const TOKEN = /^siemad_[A-Za-z0-9_-]{43}$/;

const siemad = runSiemadAsync;

t.test('siemad token create/list/revoke on the embedded database', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'siemad-token-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const where = ['--data-dir', dataDir];

  const created = await siemad(['token', 'create', '--name', 'grafana', '--scope', 'read', ...where]);
  t.equal(created.status, 0, created.stderr);
  const token = created.stdout.trim();
  t.match(token, TOKEN, 'stdout is the token alone (TOKEN=$(siemad token create ...))');
  t.equal(created.stdout, `${token}\n`);
  t.match(created.stderr, /token "grafana" \(read\) created; it is shown only now/);
  t.notOk(created.stderr.includes(token), 'not repeated on stderr');

  const json = await siemad(['token', 'create', '--name', 'triage-bot', '--scope', 'read,write', '--json', ...where]);
  const parsed = JSON.parse(json.stdout);
  t.match(parsed, { name: 'triage-bot', scopes: ['read', 'write'], token: TOKEN });

  for (const [args, pattern] of [
    [['--name', 'grafana', '--scope', 'read'], /--name: a token named "grafana" exists: choose another name/],
    [['--name', 'x', '--scope', 'read,root'], /--scope.*expected a comma-separated list of read, write, admin/],
    [['--name', 'has space', '--scope', 'read'], /--name.*expected 1-64 letters/],
    [['--name', 'noscope'], /required option '--scope <scopes>' not specified/],
  ] as const) {
    const res = await siemad(['token', 'create', ...args, ...where]);
    t.equal(res.status, 2, args.join(' '));
    t.equal(res.stderr.trim().split('\n').length, 1, `one line: ${res.stderr.trim()}`);
    t.match(res.stderr, pattern);
    t.equal(res.stdout, '', 'no token printed');
  }

  const revoked = await siemad(['token', 'revoke', '--name', 'triage-bot', ...where]);
  t.equal(revoked.status, 0);
  t.equal(revoked.stdout, 'token "triage-bot" revoked\n');
  const again = await siemad(['token', 'revoke', '--name', 'triage-bot', ...where]);
  t.equal(again.status, 2);
  t.match(again.stderr, /no valid token named "triage-bot"/);

  const list = await siemad(['token', 'list', ...where]);
  t.equal(list.status, 0);
  const lines = list.stdout.trim().split('\n');
  t.match(lines[0], /^name\s+scopes\s+created\s+last used\s+state$/);
  t.match(lines[1], /^grafana\s+read\s+\d{4}-\d\d-\d\dT\S+Z\s+-\s+valid$/);
  t.match(lines[2], /^triage-bot\s+read,write\s+\S+\s+-\s+revoked \d{4}-/);
  const listJson = JSON.parse((await siemad(['token', 'list', '--json', ...where])).stdout);
  t.same(
    listJson.map((row: { name: string }) => row.name),
    ['grafana', 'triage-bot'],
  );
  for (const text of [list.stdout, JSON.stringify(listJson)]) {
    t.notOk(text.includes(token) || text.includes(parsed.token), 'list never shows a token');
    t.notOk(text.includes(createHash('sha256').update(token).digest('hex')), 'nor its hash');
  }

  const db = await openEmbeddedPostgres(join(dataDir, 'postgres'));
  t.teardown(() => db.close());
  const { rows } = await db.query<{ token_hash: string }>("SELECT token_hash FROM api_tokens WHERE name = 'grafana'");
  t.equal(rows[0]!.token_hash, createHash('sha256').update(token).digest('hex'), 'only the sha256 is stored');
  const dump = await db.query<{ row: string }>('SELECT api_tokens::text AS row FROM api_tokens');
  t.notOk(
    dump.rows.some((row) => row.row.includes(token)),
    'the token itself is nowhere in the table',
  );
});

t.test('siemad token against a PostgreSQL server: the token works on the API until it is revoked', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const where = ['--database-url', server.url, '--data-dir', '/nonexistent'];
  const created = await siemad(['token', 'create', '--name', 'soc-analyst', '--scope', 'read,write', ...where]);
  t.equal(created.status, 0, created.stderr);
  const token = created.stdout.trim();
  const db = await connectPostgres({ url: server.url, maxConnections: 2 });
  t.teardown(() => db.close());
  const api = await startApi(db);
  t.teardown(() => api.close());
  t.equal((await api.call('GET', '/api/v1/alerts', { token })).status, 200, 'accepted while the API runs: no restart needed');
  const suppression = await api.call('POST', '/api/v1/suppressions', { token, body: { kind: 'port_scan' } });
  t.equal(suppression.json.created_by, 'soc-analyst', 'its name is the actor');
  t.equal((await api.call('DELETE', `/api/v1/suppressions/${suppression.json.id}`, { token })).status, 403, 'no admin scope');
  t.equal((await siemad(['token', 'revoke', '--name', 'soc-analyst', ...where])).status, 0);
  const after = await api.call('GET', '/api/v1/alerts', { token });
  t.match(after, { status: 401, json: { message: 'this token has been revoked' } }, 'refused at once after revocation');
  const list = await siemad(['token', 'list', '--json', ...where]);
  const row = JSON.parse(list.stdout).find((r: { name: string }) => r.name === 'soc-analyst');
  t.ok(row.last_used_at !== null && row.revoked_at !== null, 'last use and revocation recorded');
});
