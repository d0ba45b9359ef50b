/**
 * The embedded NDJSON sink (sinks/ndjson/file-sink.ts) on real files: every event to
 * `events.ndjson`, anomalies also to `anomalies.ndjson`, each rotated at its size bound with N
 * older files kept, appending across restarts; a write error rejects the batch, never crashes.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { NdjsonSink } from '../../sinks/ndjson/file-sink.js';
import { decodeLines } from '../helpers/events.js';

/** Event `n`: a failed login by `user`, an anomaly when `anomalous`. */
function event(n: number, anomalous = false, user = `user${n}`): EcsEvent {
  const [decoded] = decodeLines([
    `2026-11-02T09:00:00+00:00 bastion sshd[${n}]: Failed password for ${user} from 192.0.2.${n % 250} port ${1024 + n} ssh2`,
  ]);
  decoded!.event.id = `e${n}`;
  if (anomalous)
    decoded!.anomaly = { is_anomaly: true, score: 0.9, level: 'high', model_scores: {}, reasons: ['test'], model_version: 'test' };
  return decoded!;
}

async function ids(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as EcsEvent).event.id!);
}

/** Ids in the stream's files, oldest file first (`events.K` … `events.1`, `events`). */
async function streamIds(directory: string, stream: string, keep: number): Promise<string[]> {
  const out: string[] = [];
  for (let n = keep; n >= 1; n--) out.push(...(await ids(join(directory, `${stream}.${n}.ndjson`))));
  out.push(...(await ids(join(directory, `${stream}.ndjson`))));
  return out;
}

async function sizes(directory: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of await readdir(directory)) out[name] = (await stat(join(directory, name))).size;
  return out;
}

t.test('every event goes to events.ndjson; anomalies also to anomalies.ndjson, in order', async (t) => {
  const directory = t.testdir();
  const sink = new NdjsonSink({ directory, rotateBytes: 1 << 20, keepFiles: 2 });
  await sink.write([event(1), event(2, true), event(3)]);
  await sink.write([event(4, true), event(5)]);
  await sink.close();
  t.strictSame(await ids(join(directory, 'events.ndjson')), ['e1', 'e2', 'e3', 'e4', 'e5']);
  t.strictSame(await ids(join(directory, 'anomalies.ndjson')), ['e2', 'e4']);
  const [line] = (await readFile(join(directory, 'anomalies.ndjson'), 'utf8')).split('\n');
  t.same(JSON.parse(line!), JSON.parse(JSON.stringify(event(2, true))), 'the whole event, as JSON');
});

t.test('an event that is not an anomaly (is_anomaly false) stays out of anomalies.ndjson', async (t) => {
  const directory = t.testdir();
  const sink = new NdjsonSink({ directory, rotateBytes: 1 << 20, keepFiles: 2 });
  const scored = event(1);
  scored.anomaly = { is_anomaly: false, score: 0.1, level: 'none', model_scores: {}, reasons: [], model_version: 'test' };
  await sink.write([scored]);
  await sink.close();
  t.strictSame(await ids(join(directory, 'events.ndjson')), ['e1']);
  t.notOk(existsSync(join(directory, 'anomalies.ndjson')) && (await ids(join(directory, 'anomalies.ndjson'))).length > 0);
});

t.test('rotates at the size bound, keeps N older files, loses nothing inside them', async (t) => {
  const directory = t.testdir();
  const lineBytes = Buffer.byteLength(JSON.stringify(event(100)) + '\n');
  const rotateBytes = lineBytes * 5;
  const sink = new NdjsonSink({ directory, rotateBytes, keepFiles: 3 });
  for (let n = 100; n < 160; n++) await sink.write([event(n, n % 4 === 0)]);
  await sink.close();
  const files = await sizes(directory);
  t.strictSame(
    Object.keys(files)
      .filter((name) => name.startsWith('events'))
      .sort(),
    ['events.1.ndjson', 'events.2.ndjson', 'events.3.ndjson', 'events.ndjson'],
    'three older files kept',
  );
  for (const [name, size] of Object.entries(files)) t.ok(size <= rotateBytes, `${name}: ${size} ≤ ${rotateBytes} bytes`);
  const kept = await streamIds(directory, 'events', 3);
  const expected = Array.from({ length: 60 }, (_, i) => `e${100 + i}`).slice(-kept.length);
  t.strictSame(kept, expected, 'the newest events, in order, with no gap');
  t.ok(kept.length >= 15, `${kept.length} events kept over four files`);
  const anomalies = await streamIds(directory, 'anomalies', 3);
  t.strictSame(
    anomalies,
    Array.from({ length: 15 }, (_, i) => `e${100 + 4 * i}`).slice(-anomalies.length),
    'anomalies rotate on their own',
  );
});

t.test('keepFiles 0: a full file is deleted, not renamed', async (t) => {
  const directory = t.testdir();
  const rotateBytes = Buffer.byteLength(JSON.stringify(event(100)) + '\n') * 3;
  const sink = new NdjsonSink({ directory, rotateBytes, keepFiles: 0 });
  for (let n = 100; n < 110; n++) await sink.write([event(n)]);
  await sink.close();
  t.strictSame(
    (await readdir(directory)).filter((name) => name.startsWith('events')),
    ['events.ndjson'],
  );
  t.strictSame(await ids(join(directory, 'events.ndjson')), ['e109'], 'the last event after the third rotation');
});

t.test('the size bound counts bytes, not characters: names in other scripts rotate in time too', async (t) => {
  const directory = t.testdir();
  const sample = Buffer.byteLength(JSON.stringify(event(100, false, 'ユーザー名前テスト')) + '\n');
  // Four events' bytes would not fit, four events' characters would.
  const rotateBytes = sample * 4 - 10;
  const sink = new NdjsonSink({ directory, rotateBytes, keepFiles: 5 });
  for (let n = 100; n < 130; n++) await sink.write([event(n, false, 'ユーザー名前テスト')]);
  await sink.close();
  for (const [name, size] of Object.entries(await sizes(directory))) t.ok(size <= rotateBytes, `${name}: ${size} ≤ ${rotateBytes} bytes`);
});

t.test('a restarted sink appends to the files it finds and counts their size toward the bound', async (t) => {
  const directory = t.testdir();
  const rotateBytes = Buffer.byteLength(JSON.stringify(event(100)) + '\n') * 4;
  const first = new NdjsonSink({ directory, rotateBytes, keepFiles: 5 });
  for (let n = 100; n < 103; n++) await first.write([event(n, true)]);
  await first.close();
  const second = new NdjsonSink({ directory, rotateBytes, keepFiles: 5 });
  for (let n = 103; n < 110; n++) await second.write([event(n, true)]);
  await second.close();
  t.strictSame(
    await streamIds(directory, 'events', 5),
    Array.from({ length: 10 }, (_, i) => `e${100 + i}`),
    'nothing lost or reordered across the restart',
  );
  t.strictSame(
    await streamIds(directory, 'anomalies', 5),
    Array.from({ length: 10 }, (_, i) => `e${100 + i}`),
  );
  for (const [name, size] of Object.entries(await sizes(directory))) t.ok(size <= rotateBytes, `${name}: ${size} ≤ ${rotateBytes} bytes`);
});

t.test('a full disk rejects the batch instead of crashing, and the sink writes again once there is room', async (t) => {
  const directory = t.testdir();
  // /dev/full fails every write with ENOSPC, as a full file system does.
  await symlink('/dev/full', join(directory, 'events.ndjson'));
  const sink = new NdjsonSink({ directory, rotateBytes: 1 << 20, keepFiles: 2 });
  await t.rejects(sink.write([event(1)]), { code: 'ENOSPC' });
  // Room again: the path is a regular file from now on.
  await rm(join(directory, 'events.ndjson'));
  await sink.write([event(2, true)]);
  await sink.close();
  t.strictSame(await ids(join(directory, 'events.ndjson')), ['e2']);
  t.strictSame(await ids(join(directory, 'anomalies.ndjson')), ['e2']);
});
