import t from 'tap';
import { existingOpenSearch, isOpenSearchHealthy, sharedOpenSearch, startOpenSearch } from './opensearch.js';
import { freePort } from './ports.js';
import { requireService } from './services.js';

async function json(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json' } });
  return (await response.json()) as Record<string, unknown>;
}

t.test('a node started on a given port serves 2.x, keeps its data across stop/start, and is down after kill', async (t) => {
  const node = await requireService(t, 'opensearch', () => startOpenSearch());
  if (!node) return;
  t.teardown(() => node.destroy());
  t.match(node.url, /^http:\/\/127\.0\.0\.1:192\d\d$/, 'loopback, reserved port range');

  t.same(await existingOpenSearch(`${node.url}/`), { url: node.url, owned: false }, 'a running node can be used as an external one');
  const nothingThere = `http://127.0.0.1:${await freePort('tcp')}`;
  await t.rejects(existingOpenSearch(nothingThere), { name: 'ServiceUnavailableError', message: /is not a healthy OpenSearch/ });

  const info = await json(node.url);
  t.match((info.version as { number: string }).number, /^2\./, 'OpenSearch 2.x');

  await json(`${node.url}/probe/_doc/1?refresh=true`, { method: 'PUT', body: JSON.stringify({ seen: 'before restart' }) });
  await node.stop();
  t.notOk(await isOpenSearchHealthy(node.url), 'down after stop');

  await node.start();
  const document = await json(`${node.url}/probe/_doc/1`);
  t.same(document._source, { seen: 'before restart' }, 'the document survived the restart');

  await node.kill();
  t.notOk(await isOpenSearchHealthy(node.url), 'down after kill');
  await node.start();
  t.ok(await isOpenSearchHealthy(node.url), 'comes back after a crash');
});

t.test('a node whose port is held by another node fails instead of passing for it', async (t) => {
  const holder = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!holder) return;
  const port = Number(new URL(holder.url).port);
  await t.rejects(startOpenSearch({ port, startTimeoutMs: 120_000 }), /exited .* before it was ready/);
  t.ok(await isOpenSearchHealthy(holder.url), 'the holder is untouched');
});

t.test('sharedOpenSearch returns one cluster per process', async (t) => {
  const first = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!first) return;
  const second = await sharedOpenSearch();
  t.equal(second, first, 'same target object');
  t.ok(await isOpenSearchHealthy(first.url));
});
