import t from 'tap';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FRAME_HEADER_BYTES, RECORD_MAGIC_BYTES } from '../../../core/disk-buffer/frame.js';
import { frames, scanFile } from './fixtures/frames.js';

const payloads = Array.from({ length: 50 }, (_, i) => `{"seq":${i},"message":"${'x'.repeat(i * 7)}"}`);

t.test('reads back every framed record, whatever the chunk size', async (t) => {
  const path = join(t.testdir(), 'segment');
  await writeFile(path, frames(payloads));
  for (const chunkBytes of [64, 100, 1000, 1 << 20]) {
    const scan = await scanFile(path, 0, chunkBytes);
    t.same(scan.records, payloads, `chunk ${chunkBytes}`);
    t.same(scan.corrupt, [], `chunk ${chunkBytes}: nothing corrupt`);
  }
});

t.test('skips a record with a flipped byte and resumes at the next record', async (t) => {
  const bytes = frames(payloads);
  const tenth = frames(payloads.slice(0, 10)).length;
  bytes.writeUInt8(bytes.readUInt8(tenth + FRAME_HEADER_BYTES + 3) ^ 0x20, tenth + FRAME_HEADER_BYTES + 3);
  const path = join(t.testdir(), 'segment');
  await writeFile(path, bytes);
  for (const chunkBytes of [64, 1 << 20]) {
    const scan = await scanFile(path, 0, chunkBytes);
    t.same(scan.records, [...payloads.slice(0, 10), ...payloads.slice(11)], `chunk ${chunkBytes}: only record 10 is gone`);
    t.equal(scan.corrupt.length, 1);
    t.equal(scan.corrupt[0]?.[0], tenth, 'the span starts at the damaged record');
    t.equal(scan.corrupt[0]?.[2], 'checksum mismatch');
  }
});

t.test('skips a record whose length field is garbage', async (t) => {
  const bytes = frames(payloads);
  const fifth = frames(payloads.slice(0, 5)).length;
  bytes.writeUInt32LE(0x7fffffff, fifth + 4);
  const path = join(t.testdir(), 'segment');
  await writeFile(path, bytes);
  const scan = await scanFile(path, 0, 128);
  t.same(scan.records, [...payloads.slice(0, 5), ...payloads.slice(6)]);
  t.same(
    scan.corrupt.map(([, , reason]) => reason),
    ['record length over the limit'],
  );
});

t.test('reports a torn tail as one corrupt span up to the end', async (t) => {
  const whole = frames(payloads);
  const path = join(t.testdir(), 'segment');
  for (const cut of [1, 5, FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + 4]) {
    await writeFile(path, whole.subarray(0, whole.length - cut));
    const scan = await scanFile(path, 0, 256);
    t.same(scan.records, payloads.slice(0, -1), `cut ${cut}: all but the last record`);
    t.equal(scan.corrupt.length, 1, `cut ${cut}: one span`);
    t.equal(scan.corrupt[0]?.[1], whole.length - cut, `cut ${cut}: the span ends at the end of the file`);
  }
});

t.test('finds records after garbage, even with false record magic inside it', async (t) => {
  const garbage = Buffer.concat([randomBytes(3000), RECORD_MAGIC_BYTES, randomBytes(100), RECORD_MAGIC_BYTES, Buffer.from([1, 0])]);
  const path = join(t.testdir(), 'segment');
  await writeFile(path, Buffer.concat([frames(payloads.slice(0, 3)), garbage, frames(payloads.slice(3))]));
  const scan = await scanFile(path, 0, 100);
  t.same(scan.records, payloads);
  t.equal(scan.corrupt.length, 1);
  const [start, end] = scan.corrupt[0] ?? [0, 0];
  t.equal(end - start, garbage.length, 'exactly the garbage is skipped');
});

t.test('reads random garbage as corrupt spans without records or endless loops', async (t) => {
  const path = join(t.testdir(), 'segment');
  for (let round = 0; round < 20; round++) {
    await writeFile(path, randomBytes(1 + round * 997));
    const scan = await scanFile(path, 0, 64);
    t.same(scan.records, [], `round ${round}: no records`);
    t.ok(scan.corrupt.length <= 1, `round ${round}: one span at most`);
  }
});
