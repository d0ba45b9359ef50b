/**
 * Durability of `siemad serve` with OpenSearch, end to end with real processes: an OpenSearch
 * outage while events stream in, and a collector killed with SIGKILL while OpenSearch is away.
 * Both run on one OpenSearch node of their own, which they stop and start.
 */
import t from 'tap';
import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOpenSearch, type OpenSearchHandle } from '../helpers/opensearch.js';
import { freePortInRange } from '../helpers/ports.js';
import { requireService } from '../helpers/services.js';
import { healthStatus, metricValue, sendOverTcp, startServe } from '../helpers/siemad.js';
import { waitFor } from '../helpers/wait.js';
import { countDocuments, duplicateIds, waitForCount } from './indexed.js';
import { openSearchServeArgs, streamsOf, writeAuthLog } from './serve-rig.js';

let node: Promise<OpenSearchHandle> | undefined;

/** This file's own node (ports 19400-19599), started once and destroyed at the end. */
function ownNode(): Promise<OpenSearchHandle> {
  node ??= (async () => {
    const handle = await startOpenSearch({ port: await freePortInRange(19400, 19599, 'tcp') });
    t.teardown(() => handle.destroy());
    return handle;
  })();
  return node;
}

t.test(
  'outage: OpenSearch is stopped while 50k events stream in over TCP and restarted 20 s later; afterwards all 50k are indexed exactly once',
  async (t) => {
    const os = await requireService(t, 'opensearch', ownNode);
    if (!os) return;
    const total = 50_000;
    const namespace = `outage${process.pid}`;
    const { logs } = streamsOf(namespace);
    const serve = await startServe(
      openSearchServeArgs(os.url, namespace, ['--opensearch-degraded-after', '3s', '--bulk-retry-max-delay', '2s']),
    );
    t.teardown(() => serve.stop());
    const http = serve.port('http');
    const dir = t.testdir();
    await writeAuthLog(join(dir, 'warm-up.log'), 0, 1000);
    await writeAuthLog(join(dir, 'stream.log'), 1000, total - 1000);

    // The first thousand are indexed before the outage (the path works, the index exists).
    await sendOverTcp(serve.port('tcp'), join(dir, 'warm-up.log'));
    await waitForCount(os.url, logs, 1000, 120_000);
    // The rest streams in at 4000 events/s for about 12 s; OpenSearch goes down 2 s in.
    let streaming = true;
    const sending = sendOverTcp(serve.port('tcp'), join(dir, 'stream.log'), ['--rate', '4000']).finally(() => (streaming = false));
    await sleep(2000);
    t.ok(streaming, 'OpenSearch goes down while events stream in');
    await os.stop();
    const stoppedAt = Date.now();
    t.equal((await sending).sent, total - 1000, 'the sender was never refused');
    await waitFor(
      'every event in the disk buffer',
      async () => (await metricValue(http, 'siemad_buffer_appended_events_total', 'buffer="opensearch"')) >= total,
      { timeoutMs: 60_000 },
    );
    await waitFor('/healthz to report degraded', async () => (await healthStatus(http)) === 503, { timeoutMs: 20_000 });
    t.pass('healthz answers 503 while OpenSearch is unreachable, and the collector keeps accepting');
    t.ok((await metricValue(http, 'siemad_buffer_events', 'buffer="opensearch"')) > 0, 'events wait in the buffer');

    await sleep(Math.max(0, stoppedAt + 20_000 - Date.now()));
    await os.start();
    t.equal(await waitForCount(os.url, logs, total, 240_000), total, 'all 50k indexed');
    await waitFor('the buffer to drain', async () => (await metricValue(http, 'siemad_buffer_events', 'buffer="opensearch"')) === 0, {
      timeoutMs: 60_000,
    });
    t.equal(await countDocuments(os.url, logs), total, 'and no more than 50k');
    t.same(await duplicateIds(os.url, logs), [], 'no event.id twice');
    t.ok((await metricValue(http, 'siemad_opensearch_retries_total', 'reason="unreachable"')) > 0, 'retries are counted');
    await waitFor('/healthz to recover', async () => (await healthStatus(http)) === 200, { timeoutMs: 30_000 });
    t.equal(await serve.stop(), 0, 'a clean shutdown afterwards');
  },
);

t.test(
  'crash: the collector is killed (SIGKILL) after reading every event of a TCP stream while OpenSearch is unreachable; after a restart each event is indexed exactly once',
  async (t) => {
    const os = await requireService(t, 'opensearch', ownNode);
    if (!os) return;
    const half = 10_000;
    const namespace = `crash${process.pid}`;
    const { logs } = streamsOf(namespace);
    const args = openSearchServeArgs(os.url, namespace, ['--bulk-retry-max-delay', '2s']);
    const first = await startServe(args);
    const http = first.port('http');
    const dir = t.testdir();
    await writeAuthLog(join(dir, 'first.log'), 0, half);
    await writeAuthLog(join(dir, 'second.log'), half, half);

    await sendOverTcp(first.port('tcp'), join(dir, 'first.log'));
    await waitForCount(os.url, logs, half, 120_000);
    await os.stop();
    await sendOverTcp(first.port('tcp'), join(dir, 'second.log'));
    await waitFor(
      'the collector to have read every event',
      async () => (await metricValue(http, 'siemad_messages_received_total', 'transport="tcp"')) === 2 * half,
      { timeoutMs: 60_000 },
    );
    await waitFor(
      'every event in the disk buffer',
      async () => (await metricValue(http, 'siemad_buffer_appended_events_total', 'buffer="opensearch"')) === 2 * half,
      { timeoutMs: 60_000 },
    );
    t.ok(
      (await metricValue(http, 'siemad_buffer_events', 'buffer="opensearch"')) >= half,
      'the second half is not indexed: OpenSearch is down',
    );
    await first.process.kill();
    t.equal(await first.process.exited, 'SIGKILL');

    // A write torn by the crash: half a record frame at the end of the newest segment.
    const bufferDir = join(first.dataDir, 'buffer');
    const segments = (await readdir(bufferDir)).filter((name) => name.endsWith('.seg')).sort();
    t.ok(segments.length > 0, 'segments survive the crash');
    await appendFile(join(bufferDir, segments.at(-1)!), Buffer.from([0xd7, 0x5b, 0xa1, 0xe3, 0x00, 0x10, 0x00, 0x00, 0x12, 0x34]));

    await os.start();
    const second = await startServe(args, {}, { dataDir: first.dataDir });
    t.teardown(() => second.stop());
    t.equal(await waitForCount(os.url, logs, 2 * half, 180_000), 2 * half, 'every event indexed after the restart');
    const secondHttp = second.port('http');
    await waitFor('the buffer to drain', async () => (await metricValue(secondHttp, 'siemad_buffer_events', 'buffer="opensearch"')) === 0, {
      timeoutMs: 60_000,
    });
    t.equal(await countDocuments(os.url, logs), 2 * half, 'none twice');
    t.same(await duplicateIds(os.url, logs), [], 'no event.id twice');
    t.equal(
      await metricValue(secondHttp, 'siemad_buffer_corrupt_records_total', 'buffer="opensearch"'),
      1,
      'the torn tail is counted and skipped, not a crash loop',
    );
    t.equal(await second.stop(), 0);
  },
);
