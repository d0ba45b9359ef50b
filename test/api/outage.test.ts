import t from 'tap';
import { connectPostgres } from '../../postgres/database.js';
import { startApi } from '../helpers/api.js';
import { startPostgres } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';
import { waitFor } from '../helpers/wait.js';

t.test('answers 503 while PostgreSQL is down, and serves again when it is back', async (t) => {
  const server = await requireService(t, 'postgresql', () => startPostgres());
  if (server === undefined) return;
  t.teardown(() => server.destroy());
  const db = await connectPostgres({ url: server.url, maxConnections: 2, connectTimeoutMs: 1_000 });
  t.teardown(() => db.close());
  const api = await startApi(db, { retryMs: 300 });
  t.teardown(() => api.close());
  const read = { token: api.tokens.read };
  t.equal((await api.call('GET', '/api/v1/alerts', read)).status, 200);

  await server.stop();
  const first = await api.call('GET', '/api/v1/alerts', read);
  t.equal(first.status, 503, 'the failing request itself');
  t.match(first.json, { statusCode: 503, code: 'SIEMAD_API_DATABASE_UNAVAILABLE', message: 'the database is unavailable; retry later' });
  t.equal(first.headers['retry-after'], '5');
  t.notOk(api.service.ready, 'reported to the DatabaseService');
  for (const [method, path, body] of [
    ['GET', '/api/v1/alerts/1'],
    ['POST', '/api/v1/suppressions', { kind: 'port_scan' }],
    ['GET', '/api/v1/feedback'],
    ['PATCH', '/api/v1/alerts/1', { note: 'x' }],
  ] as const) {
    const res = await api.call(method, path, { token: api.tokens.admin, ...(body !== undefined ? { body } : {}) });
    t.equal(res.status, 503, `${method} ${path} while down`);
  }
  const anonymous = await api.call('GET', '/api/v1/alerts');
  t.equal(anonymous.status, 503, 'tokens cannot be checked either');
  const docs = await api.call('GET', '/openapi.json');
  t.equal(docs.status, 200, 'the documentation needs no database');
  t.match(await api.registry.metrics(), /siemad_api_unavailable_total [1-9]/);

  await server.start();
  await waitFor('the API to serve again', async () => (await api.call('GET', '/api/v1/alerts', read)).status === 200, {
    timeoutMs: 20_000,
    intervalMs: 200,
  });
  t.ok(api.service.ready);
  const created = await api.call('POST', '/api/v1/suppressions', { token: api.tokens.write, body: { kind: 'port_scan' } });
  t.equal(created.status, 201, 'and writes again');
});
