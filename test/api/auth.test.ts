import t, { type Test } from 'tap';
import type { Database } from '../../postgres/database.js';
import { TokenStore } from '../../api/tokens.js';
import { onBothDatabases, seedAlert, startApi, type TokenKind } from '../helpers/api.js';

/** Every route of the API, the scope it needs, and a request that passes validation. */
export function routes(
  alertId: number,
  suppressionId: number,
): { method: string; path: string; scope: 'read' | 'write' | 'admin'; body?: unknown }[] {
  return [
    { method: 'GET', path: '/api/v1/alerts', scope: 'read' },
    { method: 'GET', path: `/api/v1/alerts/${alertId}`, scope: 'read' },
    { method: 'PATCH', path: `/api/v1/alerts/${alertId}`, scope: 'write', body: { note: 'checked' } },
    { method: 'POST', path: '/api/v1/feedback', scope: 'write', body: { alert_id: alertId, verdict: 'benign' } },
    { method: 'GET', path: '/api/v1/feedback', scope: 'read' },
    { method: 'GET', path: '/api/v1/suppressions', scope: 'read' },
    { method: 'POST', path: '/api/v1/suppressions', scope: 'write', body: { kind: 'port_scan' } },
    { method: 'DELETE', path: `/api/v1/suppressions/${suppressionId}`, scope: 'admin' },
  ];
}

/** Which of the test tokens hold a scope (admin holds all). */
const HOLDERS: Record<'read' | 'write' | 'admin', TokenKind[]> = {
  read: ['read', 'readWrite', 'admin'],
  write: ['write', 'readWrite', 'admin'],
  admin: ['admin'],
};

function noStack(t: Test, text: string, label: string): void {
  t.notMatch(text, /\n\s+at |\.ts:\d+|\.js:\d+|node_modules|stack/i, `${label}: no stack trace or source path`);
}

async function suite(t: Test, db: Database): Promise<void> {
  const api = await startApi(db, { bodyLimit: 4096 });
  t.teardown(() => api.close());
  const alertId = await seedAlert(db, {
    entity: 'source.ip=203.0.113.9',
    kind: 'brute_force',
    firstSeen: '2026-05-01T10:00:00Z',
    lastSeen: '2026-05-01T10:30:00Z',
  });
  const { rows } = await db.query<{ id: unknown }>("INSERT INTO suppressions (kind, created_by) VALUES ('web_scan', 'test') RETURNING id");
  const suppressionId = Number(rows[0]!.id);

  t.test('every route: 401 without, with a malformed, wrong or revoked token; 403 without the scope; allowed with it', async (t) => {
    const forged = `siemad_${'A'.repeat(43)}`;
    for (const route of routes(alertId, suppressionId)) {
      const label = `${route.method} ${route.path}`;
      const call = (headers: Record<string, string>) =>
        api.call(route.method, route.path, { headers, ...(route.body !== undefined ? { body: route.body } : {}) });
      for (const [what, headers, message] of [
        ['no header', {}, /missing Authorization: Bearer <token>/],
        ['another scheme', { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }, /must be Bearer <token>/],
        ['an empty bearer', { authorization: 'Bearer ' }, /must be Bearer <token>/],
        ['a malformed token', { authorization: 'Bearer hunter2' }, /^invalid token$/],
        ['a wrong token', { authorization: `Bearer ${forged}` }, /^invalid token$/],
        ['a revoked token', { authorization: `Bearer ${api.tokens.revoked}` }, /^this token has been revoked$/],
      ] as const) {
        const res = await call(headers);
        t.equal(res.status, 401, `${label}: ${what}`);
        t.match(res.json, { statusCode: 401, code: 'SIEMAD_API_UNAUTHORIZED', message }, `${label}: ${what}`);
        t.equal(res.headers['www-authenticate'], 'Bearer realm="siemad"');
        noStack(t, res.text, label);
      }
      for (const kind of ['read', 'write', 'readWrite', 'admin'] as const) {
        const res = await call({ authorization: `Bearer ${api.tokens[kind]}` });
        if (HOLDERS[route.scope].includes(kind)) {
          t.ok(res.status >= 200 && res.status < 300, `${label} with a ${kind} token: ${res.status} ${res.status >= 300 ? res.text : ''}`);
        } else {
          t.equal(res.status, 403, `${label} with a ${kind} token`);
          t.match(res.json, { code: 'SIEMAD_API_FORBIDDEN', message: new RegExp(`lacks the ${route.scope} scope`) });
        }
      }
    }
  });

  t.test('bodies over --api-body-limit: 413 for a valid token, 401 (unread) for none', async (t) => {
    const big = { note: 'x'.repeat(5000) };
    for (const [method, path] of [
      ['PATCH', `/api/v1/alerts/${alertId}`],
      ['POST', '/api/v1/feedback'],
      ['POST', '/api/v1/suppressions'],
    ] as const) {
      const res = await api.call(method, path, { token: api.tokens.admin, body: big });
      t.equal(res.status, 413, `${method} ${path}`);
      t.match(res.json, {
        code: 'SIEMAD_API_PAYLOAD_TOO_LARGE',
        message: 'the body is larger than the 4096 bytes allowed (--api-body-limit)',
      });
      const anonymous = await api.call(method, path, { body: big });
      t.equal(anonymous.status, 401, `${method} ${path} without a token`);
    }
    const announced = await api.call('POST', '/api/v1/suppressions', {
      token: api.tokens.admin,
      body: '{"kind":"port_scan"}',
      headers: { 'content-length': '999999' },
    });
    t.equal(announced.status, 413, 'a content-length over the limit is refused before the body is read');
  });

  t.test('unknown routes: 404 in the same shape; methods a route lacks too', async (t) => {
    for (const [method, path] of [
      ['GET', '/api/v1/nothing'],
      ['GET', '/'],
      ['POST', '/api/v1/alerts'],
      ['PUT', `/api/v1/alerts/${alertId}`],
      ['GET', '/api/v2/alerts'],
    ] as const) {
      const res = await api.call(method, path, { token: api.tokens.admin });
      t.equal(res.status, 404, `${method} ${path}`);
      t.match(res.json, { statusCode: 404, code: 'SIEMAD_API_NOT_FOUND', message: /no route/ });
    }
  });

  t.test('a failing statement is a 500 with the request id, logged, never shown', async (t) => {
    await db.query('ALTER TABLE alert_history RENAME TO alert_history_moved');
    t.teardown(() => db.query('ALTER TABLE alert_history_moved RENAME TO alert_history'));
    const res = await api.call('GET', `/api/v1/alerts/${alertId}`, { token: api.tokens.read });
    t.equal(res.status, 500);
    t.match(res.json, { code: 'SIEMAD_API_INTERNAL', message: /^internal error; the collector log has the details \(request [\w-]+\)$/ });
    noStack(t, res.text, '500');
    t.notMatch(res.text, /alert_history|relation|SELECT/i, 'no SQL or database message');
    t.match(api.log(), /api request failed/, 'logged');
    t.ok(api.service.ready, 'a failing statement is not an outage');
  });

  t.test('tokens never reach the log; requests are logged with the token name; metrics count them', async (t) => {
    const log = api.log();
    for (const kind of Object.keys(api.tokens) as TokenKind[]) t.notOk(log.includes(api.tokens[kind]), `the ${kind} token is not logged`);
    t.notMatch(log, /siemad_[A-Za-z0-9_-]{43}/, 'no token at all');
    t.match(log, new RegExp(`"actor":"${api.names.admin}"`));
    const metrics = await api.registry.metrics();
    t.match(metrics, /siemad_api_requests_total\{method="GET",route="\/api\/v1\/alerts",status="200"\} \d+/);
    t.match(metrics, /siemad_api_requests_total\{method="DELETE",route="\/api\/v1\/suppressions\/:id",status="403"\} \d+/);
    t.match(metrics, /siemad_api_auth_failures_total\{reason="revoked"\} \d+/);
    t.match(metrics, /siemad_api_auth_failures_total\{reason="scope"\} \d+/);
    t.match(metrics, /siemad_api_request_duration_seconds_count\{route="\/api\/v1\/feedback"\} \d+/);
    const used = await db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_tokens WHERE name = $1', [api.names.admin]);
    t.ok(used.rows[0]!.last_used_at !== null, 'last_used_at recorded');
  });

  t.test('a token revoked while the API runs: refused at once on a server; on the embedded database within 5 s', async (t) => {
    const store = new TokenStore(db);
    const name = `short-lived-${Math.random().toString(36).slice(2, 8)}`;
    const token = await store.create(name, ['read']);
    t.equal((await api.call('GET', '/api/v1/alerts', { token })).status, 200, 'accepted');
    await store.revoke(name);
    const started = Date.now();
    if (!db.exclusive) {
      t.equal((await api.call('GET', '/api/v1/alerts', { token })).status, 401, 'a server is asked every time');
      return;
    }
    // Only this process can revoke in the embedded database, and it trusts a checked token for 5 s.
    let status = 200;
    while (status === 200 && Date.now() - started < 8_000) {
      status = (await api.call('GET', '/api/v1/alerts', { token })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    t.equal(status, 401, 'refused once the check is due again');
    t.ok(Date.now() - started <= 6_000, `within ${Date.now() - started} ms`);
  });
}

onBothDatabases(t, suite);
