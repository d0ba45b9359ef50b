/**
 * OpenSearch over TLS: a private CA, client certificates, skipping hostname verification. The
 * test node speaks plain HTTP, so a TLS-terminating relay stands in front of it: the clients
 * face a real TLS server and a real cluster behind it.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedOpenSearch } from '../helpers/opensearch.js';
import { freePort } from '../helpers/ports.js';
import { requireBinary, requireService } from '../helpers/services.js';
import { runSiemadAsync } from '../helpers/siemad.js';
import { makeTestPki, type TestPki } from '../helpers/tls.js';
import { TcpForwarder } from '../helpers/tcp-forwarder.js';
import { countDocuments, duplicateIds } from './indexed.js';
import { streamsOf } from './serve-rig.js';

const siemad = runSiemadAsync;

/** A server certificate from the test CA for a name the client does not connect to. */
function certForOtherName(pki: TestPki): { cert: string; key: string } {
  const openssl = requireBinary('openssl');
  const file = (name: string) => join(pki.dir, name);
  writeFileSync(file('other.ext'), 'subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n');
  execFileSync(
    openssl,
    ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=other.example', '-keyout', file('other.key'), '-out', file('other.csr')],
    { stdio: 'pipe' },
  );
  execFileSync(
    openssl,
    [
      'x509',
      '-req',
      '-in',
      file('other.csr'),
      '-CA',
      pki.caCert,
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      file('other.ext'),
      '-out',
      file('other.crt'),
    ],
    { stdio: 'pipe' },
  );
  return { cert: file('other.crt'), key: file('other.key') };
}

let namespaces = 0;

t.test('TLS to OpenSearch: private CA and client certificate required; a wrong or missing one is refused in one line', async (t) => {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return;
  const pki = makeTestPki();
  const target = new URL(cluster.url);
  const port = await freePort('tcp');
  const relay = new TcpForwarder(
    port,
    { host: target.hostname, port: Number(target.port) },
    {
      cert: readFileSync(pki.serverCert),
      key: readFileSync(pki.serverKey),
      ca: readFileSync(pki.caCert),
      requestCert: true,
      rejectUnauthorized: true,
    },
  );
  await relay.open();
  t.teardown(() => relay.close());
  const url = `https://127.0.0.1:${port}`;
  const ns = `tls${process.pid}n${++namespaces}`;
  const layout = ['--index-namespace', ns, '--index-replicas', '0', '--index-refresh-interval', '1s', '--ism', 'if-available'];
  const mtls = ['--opensearch-ca', pki.caCert, '--opensearch-cert', pki.clientCert, '--opensearch-key', pki.clientKey];

  const setup = await siemad(['setup', 'opensearch', '--opensearch-url', url, ...mtls, ...layout]);
  t.equal(setup.status, 0, setup.stderr);
  t.match(setup.stdout, /8 created/);

  const noCa = await siemad([
    'setup',
    'opensearch',
    '--opensearch-url',
    url,
    '--opensearch-cert',
    pki.clientCert,
    '--opensearch-key',
    pki.clientKey,
    ...layout,
  ]);
  t.not(noCa.status, 0, 'a server certificate from an unknown CA is refused');
  t.match(noCa.stderr.trim(), /^siemad: error: .*(self.signed|unable to verify|certificate).*\[SIEMAD_OPENSEARCH_UNAVAILABLE\]$/i);
  const noClientCert = await siemad(['setup', 'opensearch', '--opensearch-url', url, '--opensearch-ca', pki.caCert, ...layout]);
  t.not(noClientCert.status, 0, 'without a client certificate the server hangs up');
  t.equal(noClientCert.stderr.trim().split('\n').length, 1);
  const halfPair = await siemad(['setup', 'opensearch', '--opensearch-url', url, '--opensearch-cert', pki.clientCert, ...layout]);
  t.match(halfPair.stderr, /--opensearch-key|--opensearch-cert/, 'certificate without key names the flag');

  const { logs } = streamsOf(ns);
  const events = Array.from({ length: 50 }, (_, n) =>
    JSON.stringify({
      '@timestamp': '2026-11-22T10:00:00.000Z',
      message: `over tls ${n}`,
      ecs: { version: '8.11.0' },
      event: { created: '2026-11-22T10:00:00.000Z', kind: 'event', original: `x${n}`, dataset: 'test', id: `tls-${n}` },
      log: {},
    }),
  );
  const dir = t.testdir();
  const file = join(dir, 'events.ndjson');
  writeFileSync(file, `${events.join('\n')}\n`);
  const replay = await siemad(['replay', '--opensearch-url', url, ...mtls, ...layout, '--data-dir', join(dir, 'data'), '--json', file]);
  t.equal(replay.status, 0, replay.stderr);
  t.match(JSON.parse(replay.stdout), { created: 50 });
  t.equal(await countDocuments(cluster.url, logs), 50, 'indexed through mutual TLS');
  t.same(await duplicateIds(cluster.url, logs), []);
});

t.test('a certificate for another name is refused unless hostname verification is skipped (or all verification, for labs)', async (t) => {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return;
  const pki = makeTestPki();
  const other = certForOtherName(pki);
  const target = new URL(cluster.url);
  const port = await freePort('tcp');
  const relay = new TcpForwarder(
    port,
    { host: target.hostname, port: Number(target.port) },
    { cert: readFileSync(other.cert), key: readFileSync(other.key) },
  );
  await relay.open();
  t.teardown(() => relay.close());
  const url = `https://127.0.0.1:${port}`;
  const layout = ['--index-namespace', `tls${process.pid}n${++namespaces}`, '--index-replicas', '0', '--ism', 'if-available'];

  const strict = await siemad(['setup', 'opensearch', '--opensearch-url', url, '--opensearch-ca', pki.caCert, ...layout]);
  t.not(strict.status, 0);
  t.match(strict.stderr, /other\.example|altnames|Hostname/i, 'the name mismatch is the reason');
  const skipName = await siemad([
    'setup',
    'opensearch',
    '--opensearch-url',
    url,
    '--opensearch-ca',
    pki.caCert,
    '--opensearch-skip-hostname-verification',
    ...layout,
  ]);
  t.equal(skipName.status, 0, skipName.stderr);
  const skipAll = await siemad(['setup', 'opensearch', '--opensearch-url', url, '--opensearch-insecure-skip-verify', ...layout]);
  t.equal(skipAll.status, 0, skipAll.stderr);
  const skipNameNoCa = await siemad(['setup', 'opensearch', '--opensearch-url', url, '--opensearch-skip-hostname-verification', ...layout]);
  t.not(skipNameNoCa.status, 0, 'skipping the name check still verifies the chain');
});
