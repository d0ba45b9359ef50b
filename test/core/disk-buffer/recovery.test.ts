import t from 'tap';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DiskBuffer } from '../../../core/disk-buffer/disk-buffer.js';
import { BUFFER_WARNING_CODES, type BufferWarning } from '../../../core/disk-buffer/errors.js';
import { FRAME_HEADER_BYTES } from '../../../core/disk-buffer/frame.js';
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentFileName } from '../../../core/disk-buffer/segment-file.js';
import { drain, openBuffer, range, records, settlesWithin } from './fixtures/buffer.js';

const OPTIONS = { segmentMaxRecords: 20 };
function frameSize(seq: number): number {
  return FRAME_HEADER_BYTES + (records(seq, 1)[0]?.length ?? 0);
}

/** Offset of record `seq` in a segment written by `fill` (20 records a segment). */
function offsetOf(seq: number): number {
  let offset = SEGMENT_HEADER_BYTES;
  for (let i = seq - (seq % 20); i < seq; i++) offset += frameSize(i);
  return offset;
}

/** Writes records 0..count-1, 20 to a segment, closes cleanly; returns the segment file paths. */
async function fill(directory: string, count: number): Promise<string[]> {
  const buffer = await DiskBuffer.open({ directory, ...OPTIONS });
  for (let i = 0; i < count; i += 10) await buffer.append(records(i, Math.min(10, count - i)));
  await buffer.close();
  return segmentPaths(directory);
}

async function segmentPaths(directory: string): Promise<string[]> {
  return (await readdir(directory))
    .filter((name) => name.endsWith('.seg'))
    .sort()
    .map((name) => join(directory, name));
}

async function flipByte(path: string, offset: number): Promise<void> {
  const bytes = await readFile(path);
  bytes.writeUInt8(bytes.readUInt8(offset) ^ 0x01, offset);
  await writeFile(path, bytes);
}

function codes(warnings: readonly BufferWarning[]): string[] {
  return warnings.map((warning) => warning.code);
}

t.test('a truncated tail record is detected, counted and skipped', async (t) => {
  const directory = t.testdir();
  const paths = await fill(directory, 60);
  const last = paths[2] as string;
  await truncate(last, (await stat(last)).size - 5);
  const buffer = await openBuffer(t, directory, OPTIONS);
  t.equal(buffer.recovery.corruptRecords, 1);
  t.same(codes(buffer.recovery.warnings), [BUFFER_WARNING_CODES.CORRUPT_RECORD]);
  t.match(buffer.recovery.warnings[0], { offset: offsetOf(59), bytes: frameSize(59) - 5 });
  t.equal(buffer.stats().corruptRecords, 1);
  t.equal(buffer.recovery.events, 59);
  t.same(await drain(buffer, 59), range(0, 59));
  t.notOk(await settlesWithin(buffer.read(1, 1 << 20), 50), 'the torn record does not come back');
});

t.test('a flipped byte in a middle record loses that record only, and later segments still flow', async (t) => {
  const directory = t.testdir();
  const paths = await fill(directory, 60);
  await flipByte(paths[0] as string, offsetOf(7) + FRAME_HEADER_BYTES + 10);
  const warnings: BufferWarning[] = [];
  const buffer = await openBuffer(t, directory, OPTIONS);
  buffer.on('warning', (warning) => warnings.push(warning));
  t.equal(buffer.recovery.corruptRecords, 1);
  t.match(buffer.recovery.warnings[0], {
    code: BUFFER_WARNING_CODES.CORRUPT_RECORD,
    segmentId: 1,
    offset: offsetOf(7),
    bytes: frameSize(7),
  });
  t.same(await drain(buffer, 59), [...range(0, 7), ...range(8, 52)]);
  t.same(warnings, [], 'readers jump over the damage found at open instead of reporting it again');
  t.equal(buffer.stats().corruptRecords, 1);
});

t.test('damage is reported once, not again at the next open', async (t) => {
  const directory = t.testdir();
  const paths = await fill(directory, 40);
  await flipByte(paths[1] as string, offsetOf(23) + 1);
  const first = await DiskBuffer.open({ directory, ...OPTIONS });
  t.equal(first.recovery.corruptRecords, 1);
  await first.close();
  const second = await openBuffer(t, directory, OPTIONS);
  t.equal(second.recovery.corruptRecords, 0);
  t.equal(second.recovery.events, 39);
  t.same(await drain(second, 39), [...range(0, 23), ...range(24, 16)]);
});

t.test('random garbage files named like segments do not break open()', async (t) => {
  const directory = t.testdir();
  await fill(directory, 30);
  await writeFile(join(directory, segmentFileName(90)), randomBytes(100_000));
  await writeFile(join(directory, segmentFileName(91)), Buffer.alloc(0));
  await writeFile(join(directory, segmentFileName(92)), Buffer.concat([encodeSegmentHeader(Date.now()), randomBytes(5000)]));
  await writeFile(join(directory, segmentFileName(93)), randomBytes(7));
  await writeFile(join(directory, 'notes.txt'), 'not ours');
  const buffer = await openBuffer(t, directory, OPTIONS);
  t.equal(buffer.recovery.events, 30);
  t.ok(buffer.recovery.corruptRecords >= 3, `${buffer.recovery.corruptRecords} corrupt spans`);
  t.ok(codes(buffer.recovery.warnings).includes(BUFFER_WARNING_CODES.SEGMENT_HEADER_INVALID));
  t.same(await drain(buffer, 30), range(0, 30));
  const names = await readdir(directory);
  t.notOk(names.includes(segmentFileName(90)), 'a file with nothing to deliver is deleted');
  t.ok(names.includes('notes.txt'), 'files that are not segments are left alone');
  await buffer.append(records(500, 2));
  t.same(await drain(buffer, 2), [500, 501], 'new segments take ids after the garbage ones');
  t.ok((await readdir(directory)).some((name) => name > segmentFileName(93) && name.endsWith('.seg')));
});

t.test('records are found in a segment whose header is damaged', async (t) => {
  const directory = t.testdir();
  const paths = await fill(directory, 20);
  const bytes = await readFile(paths[0] as string);
  bytes.fill(0, 0, SEGMENT_HEADER_BYTES);
  await writeFile(paths[0] as string, bytes);
  const buffer = await openBuffer(t, directory, OPTIONS);
  t.ok(codes(buffer.recovery.warnings).includes(BUFFER_WARNING_CODES.SEGMENT_HEADER_INVALID));
  t.same(await drain(buffer, 20), range(0, 20));
});

t.test('an unreadable checkpoint means everything is delivered again, with a warning', async (t) => {
  const directory = t.testdir();
  const before = await DiskBuffer.open({ directory, ...OPTIONS });
  await before.append(records(0, 15));
  await drain(before, 10);
  await before.close();
  for (const garbage of [
    '{"version":1,"segments":[[1,[3]]]}',
    'null',
    '\u0000\u0001garbage',
    '{"version":7}',
    '{"version":1,"next":-1,"segments":[]}',
  ]) {
    await writeFile(join(directory, 'checkpoint.json'), garbage);
    const buffer = await DiskBuffer.open({ directory, ...OPTIONS });
    t.same(codes(buffer.recovery.warnings), [BUFFER_WARNING_CODES.CHECKPOINT_INVALID], JSON.stringify(garbage));
    t.equal(buffer.recovery.events, 15, `${JSON.stringify(garbage)}: all 15 come again`);
    await buffer.close();
  }
});

t.test('new segments never reuse an id the checkpoint still names', async (t) => {
  const directory = t.testdir();
  await writeFile(join(directory, 'checkpoint.json'), JSON.stringify({ version: 1, segments: [[41, [16, 100000]]] }));
  const buffer = await openBuffer(t, directory, OPTIONS);
  await buffer.append(records(0, 5));
  t.ok((await readdir(directory)).includes(segmentFileName(42)));
  t.same(await drain(buffer, 5), range(0, 5));
});

t.test('a drained buffer started and stopped idle keeps counting segment ids', async (t) => {
  const directory = t.testdir();
  const first = await DiskBuffer.open({ directory, ...OPTIONS });
  await first.append(records(0, 5));
  const before = (await first.read(10, 1 << 20))!;
  first.ack(before);
  await first.close();
  // The idle start deletes the drained segment; then nothing but the checkpoint knows its id.
  await (await DiskBuffer.open({ directory, ...OPTIONS })).close();
  t.same(
    (await readdir(directory)).filter((name) => name.endsWith('.seg')),
    [],
    'no segment file left',
  );
  const later = await openBuffer(t, directory, OPTIONS);
  await later.append(records(5, 1));
  const after = (await later.read(10, 1 << 20))!;
  t.ok(after.segmentId > before.segmentId, `segment ${after.segmentId} after ${before.segmentId}`);
  later.ack(after);
});

t.test("the age of recovered records counts from their segment's creation", async (t) => {
  const directory = t.testdir();
  await fill(directory, 10);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const buffer = await openBuffer(t, directory, OPTIONS);
  const age = buffer.stats().oldestUnackedAgeSeconds;
  t.ok(age >= 1 && age < 10, `age ${age}`);
  await drain(buffer, 10);
  t.equal(buffer.stats().oldestUnackedAgeSeconds, 0);
});

t.test("a segment file removed or cut behind the buffer's back is reported, its records counted lost", async (t) => {
  const directory = t.testdir();
  const buffer = await openBuffer(t, directory, OPTIONS);
  const warnings: BufferWarning[] = [];
  buffer.on('warning', (warning) => warnings.push(warning));
  for (let i = 0; i < 80; i += 10) await buffer.append(records(i, 10));
  const paths = await segmentPaths(directory);
  await unlink(paths[1] as string);
  await truncate(paths[2] as string, offsetOf(45));
  t.same(await drain(buffer, 45), [...range(0, 20), ...range(40, 5), ...range(60, 20)]);
  t.equal(buffer.stats().lostEvents, 35);
  t.equal(buffer.stats().events, 0);
  t.same(codes(warnings), [BUFFER_WARNING_CODES.SEGMENT_UNREADABLE, BUFFER_WARNING_CODES.SEGMENT_UNREADABLE]);
  await buffer.append(records(80, 5));
  t.same(await drain(buffer, 5), range(80, 5), 'and it goes on');
});
