/**
 * The pipeline (pipeline/pipeline.ts) in-process, with the real queue, NDJSON sink, metrics and
 * a pino logger writing to a file: decode → enrich → sink in input order, batches bounded by the
 * batch size, a failed batch logged and counted while the next ones go on, stop drains the queue.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import t, { type Test } from 'tap';
import type { EcsEvent } from '../../collector/ecs/event.js';
import type { RawMessage } from '../../collector/raw-message.js';
import { SenderRateLimiter } from '../../collector/receivers/sender-rate.js';
import { eventId } from '../../collector/event-id.js';
import { PipelineMetrics } from '../../pipeline/metrics.js';
import type { EventEnricher } from '../../collector/enricher.js';
import { Pipeline, type PipelineOptions } from '../../pipeline/pipeline.js';
import { BoundedQueue } from '../../collector/queue.js';
import { NdjsonSink } from '../../sinks/ndjson/file-sink.js';
import { NORMALIZE_UTC, rawLine } from '../helpers/events.js';
import { waitFor } from '../helpers/wait.js';

const line = (n: number): string =>
  `2026-11-02T09:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}+00:00 bastion sshd[${n}]: Failed password for user${n} from 192.0.2.${n % 250} port ${1024 + n} ssh2`;

/** Sees each batch the pipeline hands its enrichers; `failOn` makes the batch holding that line fail. */
class BatchObserver implements EventEnricher {
  readonly name = 'observer';
  readonly batches: string[][] = [];
  closed = 0;
  constructor(private readonly failOn?: string) {}
  enrich(events: EcsEvent[]): void {
    this.batches.push(events.map((event) => event.message ?? ''));
    if (this.failOn !== undefined && events.some((event) => event.message?.includes(this.failOn!)))
      throw new Error(`cannot enrich ${this.failOn}`);
  }
  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

interface Rig {
  pipeline: Pipeline;
  sink: NdjsonSink;
  metrics: PipelineMetrics;
  directory: string;
  logFile: string;
  written(): Promise<string[]>;
  log(): Promise<Record<string, unknown>[]>;
}

function rig(t: Test, options: Partial<PipelineOptions> = {}): Rig {
  const directory = t.testdir();
  const logFile = join(directory, 'siemad.log');
  const logger: Logger = pino({ level: 'info' }, pino.destination({ dest: logFile, sync: true }));
  const sink = new NdjsonSink({ directory, rotateBytes: 1 << 30, keepFiles: 1 });
  const metrics = new PipelineMetrics(new Registry());
  const pipeline = new Pipeline({ normalize: NORMALIZE_UTC, enrichers: [], sink, metrics, logger, batchSize: 16, ...options });
  const lines = async (file: string): Promise<string[]> =>
    (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
  return {
    pipeline,
    sink,
    metrics,
    directory,
    logFile,
    written: async () => (await lines(join(directory, 'events.ndjson'))).map((l) => (JSON.parse(l) as EcsEvent).message ?? ''),
    log: async () => (await lines(logFile)).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

async function counter(
  metric: { get(): Promise<{ values: { value: number; labels: Record<string, string | number> }[] }> },
  labels: Record<string, string>,
): Promise<number> {
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value))?.value ?? 0;
}

t.test('processBatch decodes, writes and returns the events in input order, each with its stable id', async (t) => {
  const r = rig(t);
  const raws = Array.from({ length: 5 }, (_, i) => rawLine(line(i), i));
  const events = await r.pipeline.processBatch(raws);
  await r.sink.close();
  t.strictSame(
    events.map((e) => e.event.id),
    raws.map((raw) => eventId(raw)),
  );
  t.equal(new Set(events.map((e) => e.event.id)).size, 5, 'five different ids');
  t.strictSame(
    await r.written(),
    raws.map((_, i) => `Failed password for user${i} from 192.0.2.${i} port ${1024 + i} ssh2`),
  );
  t.equal(await counter(r.metrics.events, { dataset: 'system.auth', action: 'ssh-login' }), 5, 'counted by dataset and action');
});

t.test('messages that fail to parse are kept and counted, and beyond the per-sender cap dropped and counted', async (t) => {
  const parseFailures = new SenderRateLimiter({ rate: 0.001, burst: 2 });
  const r = rig(t, { parseFailures });
  const garbage = (sender: string, seq: number): RawMessage => ({ ...rawLine('<999>garbage', seq), transport: 'tcp', peerAddress: sender });
  const raws = [
    garbage('192.0.2.1', 0),
    rawLine(line(1), 1),
    garbage('192.0.2.1', 2),
    garbage('192.0.2.1', 3),
    garbage('192.0.2.2', 4),
    rawLine(line(5), 5),
  ];
  const events = await r.pipeline.processBatch(raws);
  await r.sink.close();
  t.strictSame(
    events.map((e) => e.event.id),
    [0, 1, 2, 4, 5].map((i) => eventId(raws[i]!)),
    'the third garbage line of 192.0.2.1 is dropped; order kept',
  );
  t.equal(events.filter((e) => e.error?.type === 'syslog_parse').length, 3, 'failures within the cap are kept, marked');
  t.equal((await r.written()).length, 5);
  t.equal((await r.metrics.parseErrors.get()).values[0]?.value, 4, 'every parse failure counted');
  t.equal(await counter(r.metrics.dropped, { reason: 'parse_failure_cap' }), 1);
});

t.test('run: drains the queue in order in batches of at most the batch size, then stop closes enrichers and sink', async (t) => {
  const observer = new BatchObserver();
  const r = rig(t, { enrichers: [observer], batchSize: 16 });
  const queue = new BoundedQueue<RawMessage>(10_000, 1 << 30);
  let written = 0;
  const push = (n: number): void => {
    const raw = rawLine(line(n), n);
    raw.onWritten = () => written++;
    queue.pushAlways(raw, raw.size);
  };
  for (let n = 0; n < 300; n++) push(n);
  r.pipeline.start(queue);
  // More arrives while it runs, as receivers keep pushing.
  await waitFor('the first batches', async () => observer.batches.length > 2, { timeoutMs: 10_000, intervalMs: 5 });
  for (let n = 300; n < 500; n++) push(n);
  await r.pipeline.stop();
  t.equal(queue.length, 0, 'stop drained the queue');
  const messages = await r.written();
  t.equal(messages.length, 500);
  t.strictSame(
    messages,
    Array.from({ length: 500 }, (_, n) => `Failed password for user${n} from 192.0.2.${n % 250} port ${1024 + n} ssh2`),
    'in order',
  );
  t.ok(
    observer.batches.every((batch) => batch.length >= 1 && batch.length <= 16),
    `batches of 1 to 16 events (sizes ${[...new Set(observer.batches.map((b) => b.length))].join(', ')})`,
  );
  t.equal(observer.batches.flat().length, 500, 'each event enriched once');
  t.equal(written, 500, 'every message reported written');
  t.equal(observer.closed, 1, 'enricher closed once');
  t.equal(
    await r.sink.write([]).then(
      () => 'open',
      (err: Error) => err.message,
    ),
    'write after end',
    'the sink was closed',
  );
});

t.test('a batch that fails is logged and counted, its senders may read again, and the following batches are written', async (t) => {
  const observer = new BatchObserver('user40 ');
  const r = rig(t, { enrichers: [observer], batchSize: 10 });
  const queue = new BoundedQueue<RawMessage>(1000, 1 << 30);
  const released = new Set<number>();
  for (let n = 0; n < 100; n++) {
    const raw = rawLine(line(n), n);
    raw.onWritten = () => released.add(n);
    queue.pushAlways(raw, raw.size);
  }
  r.pipeline.start(queue);
  await r.pipeline.stop();
  const messages = await r.written();
  const failed = observer.batches.find((batch) => batch.some((m) => m.includes('user40 ')))!;
  t.ok(failed.length > 0 && failed.length <= 10);
  t.equal(messages.length, 100 - failed.length, 'only the failed batch is missing');
  t.notOk(messages.some((m) => failed.includes(m)));
  t.ok(messages.includes(line(99).slice(line(99).indexOf('Failed'))), 'batches after the failure written');
  t.equal(released.size, 100, 'every message released, the failed batch too');
  t.equal(await counter(r.metrics.sinkErrors, { sink: 'ndjson' }), 1, 'siemad_sink_errors_total{sink="ndjson"}');
  const errors = (await r.log()).filter((entry) => entry.msg === 'pipeline batch failed');
  t.equal(errors.length, 1, 'one error logged');
  t.match(errors[0], { level: 50, err: { message: 'cannot enrich user40 ' } });
});

t.test('stop on an idle pipeline returns at once and closes the sink', async (t) => {
  const r = rig(t);
  const queue = new BoundedQueue<RawMessage>(10, 1 << 20);
  r.pipeline.start(queue);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = Date.now();
  await r.pipeline.stop();
  t.ok(Date.now() - started < 1000, 'woken from its wait for data');
  t.strictSame(await r.written(), []);
});
