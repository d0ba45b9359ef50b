import t from 'tap';
import { readdir } from 'node:fs/promises';
import { Registry } from 'prom-client';
import { DiskBuffer } from '../../../core/disk-buffer/disk-buffer.js';
import { BUFFER_ERROR_CODES } from '../../../core/disk-buffer/errors.js';
import { drain, openBuffer, range, records, seqs, settlesWithin, withTimeout } from './fixtures/buffer.js';

async function segmentFiles(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.endsWith('.seg')).sort();
}

t.test('delivers appended records byte for byte in append order', async (t) => {
  const buffer = await openBuffer(t, t.testdir());
  const sent = [Buffer.from('first'), Buffer.alloc(0), Buffer.from([0, 255, 0xd7, 0x5b, 0xa1, 0xe3]), Buffer.from('{"a":1}')];
  await buffer.append(sent);
  await buffer.append(records(0, 100));
  const batch = await buffer.read(4, 1 << 20);
  t.same(
    batch?.records.map((record) => Buffer.from(record)),
    sent,
  );
  t.same(await drain(buffer, 100), range(0, 100));
  t.equal(buffer.stats().events, 4, 'the first batch is not acknowledged yet');
});

t.test('bounds each batch by record count and payload bytes', async (t) => {
  const buffer = await openBuffer(t, t.testdir());
  await buffer.append(records(0, 50, 100));
  const recordBytes = records(0, 1, 100)[0]?.length ?? 0;
  const byCount = await buffer.read(7, 1 << 20);
  t.equal(byCount?.records.length, 7);
  const byBytes = await buffer.read(100, recordBytes * 3 + 5);
  t.equal(byBytes?.records.length, 3);
  t.equal(byBytes?.bytes, recordBytes * 3);
  const oversized = await buffer.read(100, 1);
  t.equal(oversized?.records.length, 1, 'one record larger than maxBytes still comes alone');
  t.same([...seqs(byCount!), ...seqs(byBytes!), ...seqs(oversized!)], range(0, 11));
});

t.test('gives each record a position that only grows, and the same one when it is delivered again', async (t) => {
  const directory = t.testdir();
  const first = await openBuffer(t, directory);
  for (let from = 0; from < 400; from += 50) await first.append(records(from, 50, 100));
  const positions = new Map<number, [number, number]>();
  let previous: [number, number] = [0, 0];
  let ordered = true;
  for (let read = 0; read < 400; ) {
    const batch = (await first.read(37, 1 << 20))!;
    t.equal(batch.recordEnds.length, batch.records.length, 'one position per record');
    seqs(batch).forEach((seq, i) => {
      const position: [number, number] = [batch.segmentId, batch.recordEnds[i]!];
      if (position[0] < previous[0] || (position[0] === previous[0] && position[1] <= previous[1])) ordered = false;
      previous = position;
      positions.set(seq, position);
    });
    read += batch.records.length;
    // The first half is acknowledged; the second comes again after the restart.
    if (read <= 200) first.ack(batch);
  }
  t.ok(ordered, 'positions grow in delivery order, across segments');
  t.ok(new Set([...positions.values()].map(([segment]) => segment)).size > 1, 'the records span several segments');
  await first.close();
  const second = await openBuffer(t, directory);
  let same = true;
  let again = 0;
  while (second.stats().events > 0) {
    const batch = (await second.read(50, 1 << 20))!;
    seqs(batch).forEach((seq, i) => {
      const [segment, end] = positions.get(seq)!;
      if (segment !== batch.segmentId || end !== batch.recordEnds[i]) same = false;
    });
    again += batch.records.length;
    second.ack(batch);
  }
  t.ok(again > 0 && again <= 200, `${again} unacknowledged records delivered again`);
  t.ok(same, 'each at the position it had before');
});

t.test('a read waits for the next append, and returns null when the buffer closes', async (t) => {
  const buffer = await DiskBuffer.open({ directory: t.testdir(), maxTotalBytes: 1 << 20 });
  const pending = buffer.read(10, 1 << 20);
  t.notOk(await settlesWithin(pending, 50), 'nothing to read yet');
  await buffer.append(records(7, 1));
  t.same(seqs((await withTimeout(pending, 2000, 'read'))!), [7]);
  const waiting = buffer.read(10, 1 << 20);
  await buffer.close();
  t.equal(await withTimeout(waiting, 2000, 'read after close'), null);
  t.equal(await buffer.read(10, 1 << 20), null);
  await t.rejects(buffer.append(records(8, 1)), { code: BUFFER_ERROR_CODES.CLOSED });
});

t.test('serves concurrent appends in call order and concurrent reads without overlap', async (t) => {
  const buffer = await openBuffer(t, t.testdir(), { segmentMaxRecords: 23 });
  const appends = [];
  for (let i = 0; i < 200; i++) appends.push(buffer.append(records(i * 5, 5)));
  await Promise.all(appends);
  const reads = [];
  for (let i = 0; i < 40; i++) reads.push(buffer.read(25, 1 << 20));
  const batches = await Promise.all(reads);
  t.same(
    batches.flatMap((batch) => seqs(batch!)),
    range(0, 1000),
  );
});

t.test('rejects invalid input without writing anything and without throwing', async (t) => {
  const buffer = await openBuffer(t, t.testdir(), { maxRecordBytes: 100 });
  await t.rejects(buffer.append([Buffer.alloc(10), Buffer.alloc(101)]), { code: BUFFER_ERROR_CODES.RECORD_TOO_LARGE });
  await t.rejects(buffer.append(['text' as unknown as Buffer]), { code: BUFFER_ERROR_CODES.INVALID_ARGUMENT });
  await t.rejects(buffer.append(null as unknown as Buffer[]), { code: BUFFER_ERROR_CODES.INVALID_ARGUMENT });
  await t.rejects(buffer.read(0, 10), { code: BUFFER_ERROR_CODES.INVALID_ARGUMENT });
  await t.rejects(buffer.read(10, Number.NaN), { code: BUFFER_ERROR_CODES.INVALID_ARGUMENT });
  t.equal(buffer.stats().events, 0);
  t.equal(buffer.stats().appendedEvents, 0);
  t.equal(buffer.ack({ records: [], bytes: 0, segmentId: 1, recordEnds: [] }), false, 'a batch not from the buffer is ignored');
});

t.test('rejects out-of-range options with SIEMAD_BUFFER_OPTIONS_INVALID', async (t) => {
  const directory = t.testdir();
  await t.rejects(DiskBuffer.open({ directory, maxTotalBytes: 1000, segmentMaxBytes: 800 }), {
    code: BUFFER_ERROR_CODES.OPTIONS_INVALID,
  });
  await t.rejects(DiskBuffer.open({ directory, maxRecordBytes: 0 }), { code: BUFFER_ERROR_CODES.OPTIONS_INVALID });
  await t.rejects(DiskBuffer.open({ directory, fsync: 'sometimes' as 'never' }), { code: BUFFER_ERROR_CODES.OPTIONS_INVALID });
  await t.rejects(DiskBuffer.open({ directory: '' }), { code: BUFFER_ERROR_CODES.OPTIONS_INVALID });
});

t.test('a second open of the same directory fails while the first holds it', async (t) => {
  const directory = t.testdir();
  const first = await DiskBuffer.open({ directory });
  await t.rejects(DiskBuffer.open({ directory }), { code: BUFFER_ERROR_CODES.LOCKED });
  await first.close();
  const second = await DiskBuffer.open({ directory });
  await second.close();
});

t.test('rolls over through many segments and deletes each once all of it is acknowledged', async (t) => {
  const directory = t.testdir();
  const buffer = await openBuffer(t, directory, { segmentMaxRecords: 10 });
  for (let i = 0; i < 2000; i += 7) await buffer.append(records(i, Math.min(7, 2000 - i)));
  t.ok(buffer.stats().segmentsCreated >= 200, `${buffer.stats().segmentsCreated} segments created`);
  t.same(await drain(buffer, 2000, 13), range(0, 2000));
  const stats = buffer.stats();
  t.equal(stats.events, 0);
  t.equal(stats.segments, 1, 'only the active segment is left');
  t.equal(stats.segmentsDeleted, stats.segmentsCreated - 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal((await segmentFiles(directory)).length, 1, 'deleted segments are gone from disk');
});

t.test('rolls over by bytes without splitting an append', async (t) => {
  const buffer = await openBuffer(t, t.testdir(), { segmentMaxBytes: 4096, maxTotalBytes: 1 << 20 });
  for (let i = 0; i < 300; i += 3) await buffer.append(records(i, 3, 200));
  const created = buffer.stats().segmentsCreated;
  t.ok(created >= 20, `${created} segments`);
  const batches = [];
  for (;;) {
    const batch = await buffer.read(1000, 1 << 20);
    batches.push(seqs(batch!));
    if (batches.flat().length === 300) break;
  }
  t.same(batches.flat(), range(0, 300));
  t.ok(
    batches.every((batch) => batch.length % 3 === 0),
    'each segment holds whole appends',
  );
});

t.test('out-of-order acks delete a segment only when every batch of it is acknowledged', async (t) => {
  const directory = t.testdir();
  const buffer = await openBuffer(t, directory, { segmentMaxRecords: 10 });
  await buffer.append(records(0, 10));
  await buffer.append(records(10, 10));
  const [first, second] = await segmentFiles(directory);
  const batches = [];
  for (let i = 0; i < 4; i++) batches.push((await buffer.read(3, 1 << 20))!);
  t.same(batches.map(seqs), [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]], 'a batch never spans two segments');
  for (const index of [3, 1, 0]) {
    t.ok(buffer.ack(batches[index]!));
    t.same(await segmentFiles(directory), [first, second], `segment kept after acking batch ${index}`);
  }
  t.notOk(buffer.ack(batches[0]!), 'a second ack of the same batch does nothing');
  t.equal(buffer.stats().events, 13);
  t.ok(buffer.ack(batches[2]!));
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.same(await segmentFiles(directory), [second], 'deleted once its last batch is acknowledged');
  t.equal(buffer.stats().events, 10);

  // The active segment stays, fully acknowledged, until the writer moves past it.
  t.same(await drain(buffer, 10), range(10, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.same(await segmentFiles(directory), [second]);
  await buffer.append(records(20, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.equal((await segmentFiles(directory)).includes(second!), false, 'deleted once the writer moved on');
});

t.test('a full buffer rejects appends, never grows past its bound, and drains once acknowledged', async (t) => {
  const directory = t.testdir();
  const maxTotalBytes = 64 * 1024;
  const buffer = await openBuffer(t, directory, { maxTotalBytes, segmentMaxBytes: 8 * 1024, maxRecordBytes: 512 });
  let accepted = 0;
  let rejection: unknown = null;
  while (rejection === null) {
    try {
      await buffer.append(records(accepted, 4, 100));
      accepted += 4;
    } catch (err) {
      rejection = err;
    }
    t.ok(buffer.stats().bytes <= maxTotalBytes, 'within the bound');
    if (accepted > 10_000) break;
  }
  t.match(rejection, { code: BUFFER_ERROR_CODES.FULL });
  t.ok(buffer.isFull());
  t.equal(buffer.stats().fullRejections, 1);
  t.equal(buffer.stats().events, accepted, 'the rejected append wrote nothing');
  const space = buffer.waitForSpace();
  t.notOk(await settlesWithin(space, 50), 'no space until records are acknowledged');

  // Reading without acknowledging frees nothing.
  const unacknowledged = await buffer.read(50, 1 << 20);
  t.notOk(await settlesWithin(space, 50));
  buffer.ack(unacknowledged!);
  const rest = await drain(buffer, 30);
  t.same([...seqs(unacknowledged!), ...rest].slice(0, 80), range(0, 80));
  t.ok(await settlesWithin(space, 1000), 'space once a segment is deleted');
  t.notOk(buffer.isFull());
  await buffer.append(records(accepted, 4, 100));
  t.same(await drain(buffer, accepted - 80 + 4, 50), range(80, accepted - 80 + 4), 'nothing lost or reordered');
});

t.test('restarting after a clean close delivers exactly the unacknowledged records', async (t) => {
  const directory = t.testdir();
  const options = { segmentMaxRecords: 40 };
  const before = await DiskBuffer.open({ directory, ...options });
  for (let i = 0; i < 100; i += 10) await before.append(records(i, 10));
  const batches = [];
  for (let i = 0; i < 4; i++) batches.push((await before.read(15, 1 << 20))!);
  t.same(batches.map(seqs), [range(0, 15), range(15, 15), range(30, 10), range(40, 15)]);
  before.ack(batches[0]!);
  before.ack(batches[2]!);
  before.ack(batches[3]!); // batch 1 stays in flight: it must come again
  await before.close();

  const after = await openBuffer(t, directory, options);
  t.equal(after.recovery.events, 15 + 45);
  t.same(after.recovery.warnings, []);
  t.same(await drain(after, 60), [...range(15, 15), ...range(55, 45)]);
  t.notOk(await settlesWithin(after.read(1, 1 << 20), 100), 'and nothing more');
});

t.test('restarting after everything was acknowledged delivers nothing and removes the files', async (t) => {
  const directory = t.testdir();
  const before = await DiskBuffer.open({ directory, segmentMaxRecords: 10 });
  await before.append(records(0, 35));
  await drain(before, 35);
  await before.close();
  const after = await openBuffer(t, directory);
  t.equal(after.recovery.events, 0);
  t.equal(after.stats().events, 0);
  t.same(await segmentFiles(directory), []);
  await after.append(records(100, 3));
  t.same(await drain(after, 3), range(100, 3), 'and new records flow');
});

t.test('fsync "always" syncs before each append resolves; "interval" syncs on a timer', async (t) => {
  const always = await openBuffer(t, t.testdir(), { fsync: 'always' });
  for (let i = 0; i < 5; i++) await always.append(records(i, 1));
  t.ok(always.stats().fsyncs >= 5, `${always.stats().fsyncs} fsyncs for 5 sequential appends`);

  const interval = await openBuffer(t, t.testdir(), { fsync: 'interval', fsyncIntervalMs: 20 });
  await interval.append(records(0, 10));
  t.equal(interval.stats().fsyncs, 0, 'not before the timer');
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.equal(interval.stats().fsyncs, 1, 'once, then not again while nothing new is written');

  const never = await openBuffer(t, t.testdir(), { fsync: 'never', segmentMaxRecords: 2 });
  await never.append(records(0, 2));
  await never.append(records(2, 2));
  await never.close();
  t.equal(never.stats().fsyncs, 0);
});

t.test('reports its numbers in stats() and as siemad_buffer_* metrics', async (t) => {
  const registry = new Registry();
  const buffer = await openBuffer(t, t.testdir(), { registry, name: 'logs', fsync: 'always' });
  await t.rejects(DiskBuffer.open({ directory: t.testdir(), registry, name: 'logs' }), {
    code: BUFFER_ERROR_CODES.OPTIONS_INVALID,
  });
  await buffer.append(records(0, 12));
  const batch = await buffer.read(5, 1 << 20);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const stats = buffer.stats();
  t.equal(stats.events, 12);
  t.equal(stats.appendedEvents, 12);
  t.ok(stats.oldestUnackedAgeSeconds >= 1 && stats.oldestUnackedAgeSeconds < 5, `age ${stats.oldestUnackedAgeSeconds}`);
  buffer.ack(batch!);
  t.equal(buffer.stats().events, 7);
  const text = await registry.metrics();
  t.match(text, /siemad_buffer_events\{buffer="logs"\} 7\n/);
  t.match(text, /siemad_buffer_appended_events_total\{buffer="logs"\} 12\n/);
  t.match(text, /siemad_buffer_acked_events_total\{buffer="logs"\} 5\n/);
  t.match(text, /siemad_buffer_segments_created_total\{buffer="logs"\} 1\n/);
  t.match(text, /siemad_buffer_corrupt_records_total\{buffer="logs"\} 0\n/);
  t.match(text, /siemad_buffer_bytes\{buffer="logs"\} \d+\n/);
  t.match(text, /siemad_buffer_oldest_unacked_age_seconds\{buffer="logs"\} [1-4]\.\d+\n/);
  t.match(text, /siemad_buffer_fsync_duration_seconds_count\{buffer="logs"\} [1-9]/);
  await drain(buffer, 7);
  t.equal(buffer.stats().oldestUnackedAgeSeconds, 0, 'no age without unacknowledged records');
  await buffer.close();
  t.notMatch(await registry.metrics(), /buffer="logs"/, 'a closed buffer leaves the metrics');
});
