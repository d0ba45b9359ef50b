/**
 * The bulk indexer against a real OpenSearch (the shared test node): buffer → bulk → acks,
 * duplicates, dead letters, retries through an outage, batching.
 */
import t, { type Test } from 'tap';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { EcsEvent } from '../../../collector/ecs/event.js';
import { DiskBuffer } from '../../../core/disk-buffer/index.js';
import { createOpenSearchClient } from '../../../opensearch/client.js';
import { resolveIndexerConfig, type IndexerConfig } from '../../../opensearch/indexer/config.js';
import { DeadLetterQueue } from '../../../opensearch/indexer/dead-letter.js';
import { Indexer } from '../../../opensearch/indexer/indexer.js';
import { openSearchLayout, resolveLayoutOptions, type OpenSearchLayoutInput } from '../../../opensearch/layout.js';
import { bufferRecordLimits } from '../../../opensearch/output.js';
import { applyOpenSearchSetup } from '../../../opensearch/setup.js';
import { OpenSearchSink } from '../../../opensearch/sink.js';
import { sharedOpenSearch } from '../../helpers/opensearch.js';
import { freePort } from '../../helpers/ports.js';
import { requireService } from '../../helpers/services.js';
import { waitFor } from '../../helpers/wait.js';
import { TcpForwarder } from '../../helpers/tcp-forwarder.js';
import { countDocuments, duplicateIds } from '../indexed.js';

const MIB = 1024 * 1024;
let namespaces = 0;

interface Rig {
  url: string;
  logs: string;
  anomalies: string;
  buffer: DiskBuffer;
  sink: OpenSearchSink;
  deadLetters: DeadLetterQueue;
  indexer: Indexer;
  registry: Registry;
  dir: string;
}

/**
 * A fresh namespace on the shared cluster (set up), a buffer and dead-letter queue in the test's
 * directory, and an indexer talking to `clientUrl` (default: the cluster itself).
 */
async function rig(
  t: Test,
  options: { config?: Partial<IndexerConfig>; clientUrl?: string; namespace?: string; dir?: string } = {},
): Promise<Rig | undefined> {
  const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
  if (!cluster) return undefined;
  const namespace = options.namespace ?? `ix${process.pid}n${++namespaces}`;
  const layoutInput: OpenSearchLayoutInput = { namespace, replicas: 0, refreshInterval: '1s', ism: 'if-available' };
  const setupClient = createOpenSearchClient({ url: cluster.url });
  await applyOpenSearchSetup(setupClient, layoutInput);
  await setupClient.close();
  const [logs, anomalies] = openSearchLayout(resolveLayoutOptions(layoutInput)).streams;
  const dir = options.dir ?? t.testdir();
  const buffer = await DiskBuffer.open({
    directory: join(dir, 'buffer'),
    fsync: 'never',
    maxRecordBytes: bufferRecordLimits(256 * MIB).maxRecordBytes,
  });
  const deadLetters = await DeadLetterQueue.open({ directory: join(dir, 'dead-letter') });
  const client = createOpenSearchClient({ url: options.clientUrl ?? cluster.url });
  const registry = new Registry();
  const logger = pino({ level: 'silent' });
  const indexer = new Indexer({
    buffer,
    client,
    deadLetters,
    targets: { logs: logs!.dataStream, anomalies: anomalies!.dataStream },
    config: resolveIndexerConfig({ flushIntervalMs: 200, retryInitialDelayMs: 50, retryMaxDelayMs: 400, ...options.config }),
    logger,
    registry,
  });
  const sink = new OpenSearchSink({
    buffer,
    deadLetters,
    ...bufferRecordLimits(256 * MIB),
    logger,
    health: () => ({ degraded: false }),
    close: async () => {
      await indexer.stop();
      await buffer.close();
      await deadLetters.close();
      await client.close();
    },
  });
  t.teardown(() => sink.close());
  return { url: cluster.url, logs: logs!.dataStream, anomalies: anomalies!.dataStream, buffer, sink, deadLetters, indexer, registry, dir };
}

function event(n: number, extra: Partial<EcsEvent> = {}): EcsEvent {
  return {
    '@timestamp': new Date(Date.UTC(2026, 10, 22, 10, 0, 0) + n * 1000).toISOString(),
    message: `Failed password for user${n % 7} from 10.1.${(n >> 8) & 255}.${n & 255} port ${1024 + n} ssh2`,
    ecs: { version: '8.11.0' },
    event: { created: '2026-11-22T10:00:00.000Z', kind: 'event', original: `line ${n}`, dataset: 'system.auth', id: `ev-${n}` },
    log: {},
    source: { ip: `10.1.${(n >> 8) & 255}.${n & 255}` },
    user: { name: `user${n % 7}` },
    ...extra,
  };
}

const anomaly = {
  is_anomaly: true,
  score: 0.99,
  level: 'critical',
  model_version: 'test',
  reasons: ['never seen from this network'],
} as unknown as EcsEvent['anomaly'];

async function drained(buffer: DiskBuffer, timeoutMs = 60_000): Promise<void> {
  await waitFor('the buffer to be fully acknowledged', async () => buffer.stats().events === 0, { timeoutMs, intervalMs: 50 });
}

t.test('buffered events are indexed into the logs stream, anomalous ones also into the anomalies stream, and acknowledged', async (t) => {
  const r = await rig(t);
  if (!r) return;
  const events = Array.from({ length: 1000 }, (_, n) => event(n, n % 100 === 0 ? { anomaly } : {}));
  for (let i = 0; i < events.length; i += 250) await r.sink.write(events.slice(i, i + 250));
  r.indexer.start();
  await drained(r.buffer);
  t.equal(await countDocuments(r.url, r.logs), 1000);
  t.equal(await countDocuments(r.url, r.anomalies), 10);
  t.same(await duplicateIds(r.url, r.logs), []);
  const stats = r.indexer.stats();
  t.equal(stats.items.created, 1010, 'one item per document and stream');
  t.equal(stats.ackedRecords, 1000);
  t.equal(r.buffer.stats().ackedEvents, 1000);
  const metrics = await r.registry.metrics();
  t.match(metrics, /siemad_opensearch_bulk_items_total\{outcome="created"\} 1010/);
  t.match(metrics, /siemad_opensearch_indexing_latency_seconds_count 1000/);
  const found = await fetch(`${r.url}/${r.logs}/_search?q=_id:ev-5`).then(
    (res) => res.json() as Promise<{ hits: { hits: { _source: EcsEvent }[] } }>,
  );
  t.same(found.hits.hits[0]?._source, JSON.parse(JSON.stringify(events[5])), 'the document is the event, under its event.id');
});

t.test('events replayed after they were indexed are counted as duplicates (409) and acknowledged, never indexed twice', async (t) => {
  const r = await rig(t);
  if (!r) return;
  const events = Array.from({ length: 300 }, (_, n) => event(n, n === 7 ? { anomaly } : {}));
  await r.sink.write(events);
  r.indexer.start();
  await drained(r.buffer);
  await r.sink.write(events.slice(0, 200));
  await drained(r.buffer);
  const stats = r.indexer.stats();
  t.equal(stats.items.created, 301);
  t.equal(stats.items.duplicate, 201, 'the copies, anomaly included, were refused as already present');
  t.equal(stats.bulkRequests.item_errors, 0, 'already present is success: those bulk requests count as ok');
  t.equal(await countDocuments(r.url, r.logs), 300);
  t.equal(await countDocuments(r.url, r.anomalies), 1);
  t.same(await duplicateIds(r.url, r.logs), []);
  t.equal(r.deadLetters.stats().written.rejected, 0, 'duplicates are success, not dead letters');
});

t.test('a poison document goes to the dead-letter queue with the reason while the rest of its bulk is indexed', async (t) => {
  const r = await rig(t);
  if (!r) return;
  const poisonTime = event(10, { '@timestamp': 'yesterday, roughly' });
  const poisonShape = { ...event(20), source: '10.9.9.9' } as unknown as EcsEvent;
  const events = Array.from({ length: 50 }, (_, n) => (n === 10 ? poisonTime : n === 20 ? poisonShape : event(n)));
  await r.sink.write(events);
  r.indexer.start();
  await drained(r.buffer);
  t.equal(await countDocuments(r.url, r.logs), 48, 'the other 48 are indexed');
  const stats = r.indexer.stats();
  t.equal(stats.items.dead_lettered, 2);
  t.equal(stats.ackedRecords, 50, 'the poison does not block the acknowledgement');
  const directory = join(r.dir, 'dead-letter');
  const letters = (await Promise.all((await readdir(directory)).map((name) => readFile(join(directory, name), 'utf8'))))
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
  t.same(letters.map((letter) => letter.id).sort(), ['ev-10', 'ev-20']);
  for (const letter of letters) {
    t.match(letter, { kind: 'rejected', index: r.logs, status: 400, error: { type: 'mapper_parsing_exception', reason: String } });
    t.same(letter.event, JSON.parse(JSON.stringify(letter.id === 'ev-10' ? poisonTime : poisonShape)), 'the event is kept whole');
  }
  t.match(await r.registry.metrics(), /siemad_opensearch_dead_lettered_total\{kind="rejected"\} 2/);
});

t.test(
  'while OpenSearch is unreachable nothing is acknowledged and requests are retried with backoff; once it answers, everything is indexed',
  async (t) => {
    const cluster = await requireService(t, 'opensearch', () => sharedOpenSearch());
    if (!cluster) return;
    const port = await freePort('tcp');
    const r = await rig(t, { clientUrl: `http://127.0.0.1:${port}` });
    if (!r) return;
    await r.sink.write(Array.from({ length: 500 }, (_, n) => event(n)));
    r.indexer.start();
    await waitFor('a few retries', async () => r.indexer.stats().retries.unreachable >= 3, { timeoutMs: 20_000, intervalMs: 50 });
    t.equal(r.buffer.stats().events, 500, 'nothing acknowledged while unreachable');
    t.ok(r.indexer.stats().unreachableSeconds > 0);
    t.ok(r.indexer.stats().bulkRequests.unreachable >= 3);
    const target = new URL(cluster.url);
    const forwarder = new TcpForwarder(port, { host: target.hostname, port: Number(target.port) });
    await forwarder.open();
    t.teardown(() => forwarder.close());
    await drained(r.buffer);
    t.equal(await countDocuments(r.url, r.logs), 500);
    t.equal(r.indexer.stats().unreachableSeconds, 0, 'reachable again');
    t.match(await r.registry.metrics(), /siemad_opensearch_retries_total\{reason="unreachable"\} [1-9]/);
  },
);

t.test('small appends are gathered into one bulk request, sent once the flush interval has passed', async (t) => {
  const r = await rig(t, { config: { flushIntervalMs: 1500, maxEvents: 1000 } });
  if (!r) return;
  r.indexer.start();
  const started = Date.now();
  for (let i = 0; i < 5; i++) {
    await r.sink.write([event(i * 2), event(i * 2 + 1)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await drained(r.buffer);
  t.ok(Date.now() - started >= 1400, 'the partial request waited for the interval');
  const stats = r.indexer.stats();
  t.equal(stats.bulkRequests.ok, 1, 'five appends, one request');
  t.equal(stats.items.created, 10);
});

t.test('bulk requests are bounded by event count and by bytes', async (t) => {
  const byCount = await rig(t, { config: { maxEvents: 100, flushIntervalMs: 50 } });
  if (!byCount) return;
  await byCount.sink.write(Array.from({ length: 1000 }, (_, n) => event(n)));
  byCount.indexer.start();
  await drained(byCount.buffer);
  t.ok(byCount.indexer.stats().bulkRequests.ok >= 10, `${byCount.indexer.stats().bulkRequests.ok} requests of at most 100`);

  const byBytes = await rig(t, { config: { maxBytes: 64 * 1024, flushIntervalMs: 50 }, dir: join(t.testdir(), 'bytes') });
  if (!byBytes) return;
  await byBytes.sink.write(Array.from({ length: 100 }, (_, n) => event(n, { message: 'b'.repeat(4000) })));
  byBytes.indexer.start();
  await drained(byBytes.buffer);
  t.ok(byBytes.indexer.stats().bulkRequests.ok >= 6, `${byBytes.indexer.stats().bulkRequests.ok} requests of at most 64 KiB`);
  t.equal(await countDocuments(byBytes.url, byBytes.logs), 100);
});
