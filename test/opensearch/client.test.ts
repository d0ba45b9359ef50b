import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createOpenSearchClient, redactUrl } from '../../opensearch/client.js';
import { requireService } from '../helpers/services.js';
import { makeTestPki, type TestPki } from '../helpers/tls.js';

// The test cluster has no security plugin, so TLS and basic auth are checked against a Node HTTPS
// endpoint that answers `GET /` as OpenSearch does and records the credentials it was sent.
interface TlsEndpoint {
  url: (userInfo?: string) => string;
  seenAuthorizations: string[];
}

async function tlsEndpoint(t: Test, options: { cert: string; key: string; ca?: string }): Promise<TlsEndpoint> {
  const seenAuthorizations: string[] = [];
  const server: Server = createServer(
    {
      cert: readFileSync(options.cert),
      key: readFileSync(options.key),
      ...(options.ca ? { ca: readFileSync(options.ca), requestCert: true, rejectUnauthorized: true } : {}),
    },
    (request, response) => {
      seenAuthorizations.push(request.headers.authorization ?? '');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ cluster_name: 'tls-endpoint', version: { number: '2.19.6', distribution: 'opensearch' } }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: (userInfo = '') => `https://${userInfo}127.0.0.1:${port}`, seenAuthorizations };
}

async function pki(t: Test): Promise<TestPki | undefined> {
  const keys = await requireService(t, 'openssl', async () => makeTestPki());
  if (keys) t.teardown(() => rm(keys.dir, { recursive: true, force: true }));
  return keys;
}

t.test('basic auth from the URL, a private CA and a client certificate reach a mutual-TLS endpoint', async (t) => {
  const keys = await pki(t);
  if (!keys) return;
  const endpoint = await tlsEndpoint(t, { cert: keys.serverCert, key: keys.serverKey, ca: keys.caCert });
  const client = createOpenSearchClient({
    url: endpoint.url('alice:s3cr%40t@'),
    caFile: keys.caCert,
    certFile: keys.clientCert,
    keyFile: keys.clientKey,
  });
  t.teardown(() => client.close());
  const info = await client.info();
  t.equal((info.body as { cluster_name: string }).cluster_name, 'tls-endpoint');
  t.same(
    endpoint.seenAuthorizations,
    [`Basic ${Buffer.from('alice:s3cr@t').toString('base64')}`],
    'credentials sent as basic auth, URL-decoded',
  );
});

t.test('an unknown CA is refused and the error does not carry the password', async (t) => {
  const keys = await pki(t);
  if (!keys) return;
  const endpoint = await tlsEndpoint(t, { cert: keys.serverCert, key: keys.serverKey });
  const client = createOpenSearchClient({ url: endpoint.url(), username: 'alice', password: 'hunter2-secret' });
  t.teardown(() => client.close());
  const failure = await client.info().then(
    () => undefined,
    (error: Error) => error,
  );
  t.ok(failure, 'refused');
  t.notMatch(`${failure?.message} ${JSON.stringify(failure)}`, /hunter2-secret/);
  t.same(endpoint.seenAuthorizations, [], 'nothing was sent to the unverified server');
});

t.test('a certificate for another name passes only with skipHostnameVerification; insecureSkipVerify accepts any', async (t) => {
  const keys = await pki(t);
  if (!keys) return;
  // The CA certificate itself, served as the server's: trusted chain, but it does not name 127.0.0.1.
  const endpoint = await tlsEndpoint(t, { cert: keys.caCert, key: join(keys.dir, 'ca.key') });
  const strict = createOpenSearchClient({ url: endpoint.url(), caFile: keys.caCert });
  const lenient = createOpenSearchClient({ url: endpoint.url(), caFile: keys.caCert, skipHostnameVerification: true });
  const insecure = createOpenSearchClient({ url: endpoint.url(), insecureSkipVerify: true });
  t.teardown(() => Promise.all([strict.close(), lenient.close(), insecure.close()]));
  await t.rejects(strict.info(), /altnames|Hostname|IP/i, 'hostname checked by default');
  t.equal((await lenient.info()).statusCode, 200, 'accepted with skipHostnameVerification');
  t.equal((await insecure.info()).statusCode, 200, 'accepted with insecureSkipVerify');
});

t.test('bad client options are configuration errors with a code and no secret', async (t) => {
  t.throws(() => createOpenSearchClient({ url: 'https://127.0.0.1:9200', caFile: '/nonexistent/ca.pem' }), {
    code: 'SIEMAD_TLS_INVALID',
    message: /cannot read OpenSearch CA file \/nonexistent\/ca\.pem: ENOENT/,
  });
  t.throws(() => createOpenSearchClient({ url: 'https://127.0.0.1:9200', certFile: '/x.pem' }), {
    code: 'SIEMAD_TLS_INVALID',
    message: /given together/,
  });
  t.throws(() => createOpenSearchClient({ url: 'ftp://bob:pw-secret@host' }), {
    code: 'SIEMAD_CONFIG_INVALID',
    message: /^OpenSearch URL must be http or https: ftp:\/\/host$/,
  });
  t.throws(() => createOpenSearchClient({ url: 'not a url' }), { code: 'SIEMAD_CONFIG_INVALID' });
  t.throws(() => createOpenSearchClient({ url: 'http://127.0.0.1:9200', password: 'pw' }), {
    code: 'SIEMAD_CONFIG_INVALID',
    message: /without a username/,
  });
});

t.test('redactUrl drops user info and keeps the rest', async (t) => {
  t.equal(redactUrl('https://admin:pw@search.example:9200/'), 'https://search.example:9200');
  t.equal(redactUrl('http://127.0.0.1:9200'), 'http://127.0.0.1:9200');
  t.equal(redactUrl('::'), '(invalid URL)');
});
