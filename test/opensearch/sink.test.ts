import t, { type Test } from 'tap';
import { pino } from 'pino';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { DiskBuffer } from '../../core/disk-buffer/index.js';
import { DeadLetterQueue } from '../../opensearch/indexer/dead-letter.js';
import { decodeRecord, TARGET_ANOMALIES, TARGET_LOGS, type DecodedRecord } from '../../opensearch/indexer/record.js';
import { bufferRecordLimits } from '../../opensearch/output.js';
import { OpenSearchSink } from '../../opensearch/sink.js';

const MIB = 1024 * 1024;

function event(n: number, extra: Partial<EcsEvent> = {}): EcsEvent {
  return {
    '@timestamp': '2026-11-22T10:00:00.000Z',
    message: `Failed password for root from 10.0.0.${n % 250} port ${1000 + n} ssh2`,
    ecs: { version: '8.11.0' },
    event: { created: '2026-11-22T10:00:00.001Z', kind: 'event', original: `line ${n}`, dataset: 'system.auth', id: `id-${n}` },
    log: {},
    ...extra,
  };
}

async function openSink(
  t: Test,
  maxTotalBytes = 64 * MIB,
): Promise<{ sink: OpenSearchSink; buffer: DiskBuffer; deadLetters: DeadLetterQueue }> {
  const directory = t.testdir();
  const buffer = await DiskBuffer.open({
    directory: `${directory}/buffer`,
    maxTotalBytes,
    fsync: 'never',
    ...{ maxRecordBytes: bufferRecordLimits(maxTotalBytes).maxRecordBytes },
  });
  const deadLetters = await DeadLetterQueue.open({ directory: `${directory}/dead-letter`, fsync: false });
  const sink = new OpenSearchSink({
    buffer,
    deadLetters,
    ...bufferRecordLimits(maxTotalBytes),
    logger: pino({ level: 'silent' }),
    health: () => ({ degraded: false }),
    close: async () => {
      await buffer.close();
      await deadLetters.close();
    },
  });
  t.teardown(() => sink.close());
  return { sink, buffer, deadLetters };
}

async function readAll(buffer: DiskBuffer, count: number): Promise<DecodedRecord[]> {
  const decoded: DecodedRecord[] = [];
  while (decoded.length < count) {
    const batch = await buffer.read(10_000, 64 * MIB);
    if (batch === null) break;
    for (const record of batch.records) {
      const entry = decodeRecord(Buffer.from(record));
      if (typeof entry === 'string') throw new Error(entry);
      decoded.push(entry);
    }
    buffer.ack(batch);
  }
  return decoded;
}

t.test(
  'each event is buffered once as its JSON, under its event.id, tagged for the logs stream and, when anomalous, the anomalies stream',
  async (t) => {
    const { sink, buffer } = await openSink(t);
    const anomalous = event(2, {
      anomaly: { is_anomaly: true, score: 0.97, level: 'high', model_version: 'test', reasons: ['new source'] } as EcsEvent['anomaly'],
    });
    const notAnomalous = event(3, {
      anomaly: { is_anomaly: false, score: 0.1, level: 'none', model_version: 'test', reasons: [] } as unknown as EcsEvent['anomaly'],
    });
    const before = Date.now();
    await sink.write([event(1), anomalous, notAnomalous]);
    const records = await readAll(buffer, 3);
    t.same(
      records.map((record) => record.id),
      ['id-1', 'id-2', 'id-3'],
    );
    t.same(
      records.map((record) => record.targets),
      [TARGET_LOGS, TARGET_LOGS | TARGET_ANOMALIES, TARGET_LOGS],
    );
    t.same(JSON.parse(records[1]!.json.toString('utf8')), JSON.parse(JSON.stringify(anomalous)));
    t.ok(
      records.every((record) => record.appendedAt >= before && record.appendedAt <= Date.now()),
      'stamped with the append time',
    );
  },
);

t.test('an event without a usable id gets one from its content, the same every time', async (t) => {
  const { sink, buffer } = await openSink(t);
  const noId = event(5);
  delete noId.event.id;
  await sink.write([noId, noId, { ...event(6), event: { ...event(6).event, id: 'x'.repeat(600) } }]);
  const [first, second, third] = await readAll(buffer, 3);
  t.equal(first!.id, second!.id);
  t.match(first!.id, /^[A-Za-z0-9_-]{22}$/);
  t.not(third!.id, 'x'.repeat(600), 'an id OpenSearch would refuse is replaced');
});

t.test('while the buffer is full, write waits; it completes once the indexer frees space', async (t) => {
  const { sink, buffer } = await openSink(t, 2 * MIB);
  const bulky = (n: number) => event(n, { message: 'y'.repeat(20_000) });
  let written = 0;
  while (!buffer.isFull()) {
    await sink.write([bulky(written++)]);
    if (written > 1000) throw new Error('the buffer never filled');
  }
  t.ok(sink.isFull(), 'the sink reports full (UDP receivers drop meanwhile)');
  let done = false;
  const pending = sink.write([bulky(written)]).then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 200));
  t.notOk(done, 'the write is held back: the pipeline stalls and TCP senders are paused');
  // Reading and acknowledging (what the indexer does) frees segments; the held write then lands.
  const drained = await readAll(buffer, written + 1);
  await pending;
  t.ok(done, 'it completes once acknowledged segments are deleted');
  t.notOk(sink.isFull());
  t.same(
    drained.map((record) => record.id),
    Array.from({ length: written + 1 }, (_, n) => `id-${n}`),
    'nothing was lost or reordered',
  );
});

t.test('an event over the buffer record limit goes to the dead-letter queue; the rest of its batch is buffered', async (t) => {
  const { sink, buffer, deadLetters } = await openSink(t, 2 * MIB);
  const limit = bufferRecordLimits(2 * MIB).maxRecordBytes;
  await sink.write([event(1), event(2, { message: 'z'.repeat(limit) }), event(3)]);
  t.same(
    (await readAll(buffer, 2)).map((record) => record.id),
    ['id-1', 'id-3'],
  );
  t.equal(deadLetters.stats().written.too_large, 1);
});

t.test('a pipeline batch larger than one append is split across appends, in order', async (t) => {
  const { sink, buffer } = await openSink(t, 8 * MIB);
  const events = Array.from({ length: 300 }, (_, n) => event(n, { message: 'm'.repeat(2000) }));
  await sink.write(events);
  t.same(
    (await readAll(buffer, 300)).map((record) => record.id),
    events.map((e) => e.event.id),
  );
});
