/**
 * Disk buffer throughput: a producer appends records in batches (as the pipeline does) while
 * readers take batches, several in flight, and acknowledge them (as the indexer does), until
 * every record is acknowledged. Prints records/s and MB/s of payload for each fsync policy.
 *
 *   npx tsx bench/disk-buffer.ts [--records 1000000] [--size 600] [--append-batch 100]
 *     [--read-batch 1000] [--in-flight 4] [--fsync interval,always,never] [--dir /tmp]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DiskBuffer } from '../core/disk-buffer/disk-buffer.js';
import { BUFFER_ERROR_CODES, BufferError } from '../core/disk-buffer/errors.js';
import type { FsyncPolicy } from '../core/disk-buffer/options.js';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '600' },
    'append-batch': { type: 'string', default: '100' },
    'read-batch': { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '4' },
    fsync: { type: 'string', default: 'interval,always,never' },
    dir: { type: 'string', default: tmpdir() },
  },
});

const total = Number(values.records);
const recordSize = Number(values.size);
const appendBatch = Number(values['append-batch']);
const readBatch = Number(values['read-batch']);
const inFlight = Number(values['in-flight']);

/** Distinct JSON-like payloads of `recordSize` bytes, built once so the bench measures the buffer. */
function payloads(count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const head = `{"@timestamp":"2024-05-01T12:00:00.${String(i % 1000).padStart(3, '0')}Z","event":{"sequence":${i}},"message":"`;
    out.push(Buffer.from(`${head}${'m'.repeat(Math.max(0, recordSize - head.length - 2))}"}`));
  }
  return out;
}

async function produce(buffer: DiskBuffer, pool: Buffer[]): Promise<void> {
  const batch: Buffer[] = [];
  for (let sent = 0; sent < total; sent += batch.length) {
    batch.length = 0;
    for (let i = sent; i < Math.min(total, sent + appendBatch); i++) batch.push(pool[i % pool.length] as Buffer);
    for (;;) {
      try {
        await buffer.append(batch);
        break;
      } catch (err) {
        if (!(err instanceof BufferError) || err.code !== BUFFER_ERROR_CODES.FULL) throw err;
        await buffer.waitForSpace();
      }
    }
  }
}

interface Progress {
  records: number;
  bytes: number;
  acked: number;
  allAcked: () => void;
}

/** One of `inFlight` indexer workers: read a batch, "index" it, acknowledge it; stops at close. */
async function consume(buffer: DiskBuffer, progress: Progress): Promise<void> {
  for (;;) {
    const batch = await buffer.read(readBatch, 5 * 1024 * 1024);
    if (batch === null) return;
    progress.records += batch.records.length;
    progress.bytes += batch.bytes;
    // Let the other workers' reads interleave, as real bulk requests would.
    await new Promise<void>((resolve) => setImmediate(resolve));
    buffer.ack(batch);
    progress.acked += batch.records.length;
    if (progress.acked === total) progress.allAcked();
  }
}

async function run(fsync: FsyncPolicy, pool: Buffer[]): Promise<void> {
  const directory = await mkdtemp(join(values.dir, 'siemad-buffer-bench-'));
  try {
    const buffer = await DiskBuffer.open({ directory, fsync });
    let allAcked = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      allAcked = resolve;
    });
    const counts: Progress = { records: 0, bytes: 0, acked: 0, allAcked };
    let peakBytes = 0;
    const sampler = setInterval(() => {
      peakBytes = Math.max(peakBytes, buffer.stats().bytes);
    }, 50);
    const started = process.hrtime.bigint();
    const workers: Promise<void>[] = [produce(buffer, pool)];
    for (let i = 0; i < inFlight; i++) workers.push(consume(buffer, counts));
    await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const stats = buffer.stats();
    await buffer.close();
    await Promise.all(workers);
    if (counts.records !== total) throw new Error(`read ${counts.records} of ${total} records`);
    const line = [
      `fsync=${fsync.padEnd(8)}`,
      `${Math.round(total / seconds).toLocaleString('en-US')} records/s`,
      `${(counts.bytes / seconds / 1e6).toFixed(1)} MB/s payload`,
      `${seconds.toFixed(2)} s`,
      `fsyncs ${stats.fsyncs}`,
      `segments ${stats.segmentsCreated} created / ${stats.segmentsDeleted} deleted`,
      `peak ${(peakBytes / 1048576).toFixed(1)} MiB buffered`,
      `rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`,
    ];
    console.log(line.join(', '));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

const pool = payloads(1000);
console.log(
  `disk buffer: ${total.toLocaleString('en-US')} records of ${recordSize} bytes, appends of ${appendBatch}, ` +
    `reads of up to ${readBatch} with ${inFlight} in flight, in ${values.dir}`,
);
for (const policy of values.fsync.split(',')) await run(policy as FsyncPolicy, pool);
