import fs from 'node:fs';
import t from 'tap';
import { request, startApi } from '../helpers/api.js';
import { startPglite } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';
import { makeTestPki } from '../helpers/tls.js';

t.test('speaks HTTPS with --api-tls-cert/--api-tls-key, and not plain HTTP then', async (t) => {
  const pki = await requireService(t, 'openssl', async () => makeTestPki());
  if (pki === undefined) return;
  t.teardown(() => fs.rmSync(pki.dir, { recursive: true, force: true }));
  const pglite = await startPglite();
  t.teardown(() => pglite.destroy());
  const api = await startApi(pglite.db, { tls: { cert: fs.readFileSync(pki.serverCert), key: fs.readFileSync(pki.serverKey) } });
  t.teardown(() => api.close());
  t.match(api.base, /^https:/);
  const ca = fs.readFileSync(pki.caCert);
  const res = await api.call('GET', '/api/v1/alerts', { token: api.tokens.read, ca });
  t.equal(res.status, 200);
  t.same(res.json, { alerts: [], next_cursor: null });
  await t.rejects(
    request(api.base, 'GET', '/api/v1/alerts', { token: api.tokens.read }),
    /self.signed|unable to verify|certificate/i,
    'an unknown CA is refused by the client',
  );
  await t.rejects(
    request(api.base.replace('https:', 'http:'), 'GET', '/api/v1/alerts', { token: api.tokens.read }),
    /socket hang up/,
    'plain HTTP gets no answer',
  );
});
