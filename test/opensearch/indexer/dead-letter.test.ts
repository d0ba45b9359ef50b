import t from 'tap';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeadLetterQueue, formatLetter, type DeadLetter } from '../../../opensearch/indexer/dead-letter.js';

const KIB = 1024;
const MIB = 1024 * KIB;

function rejected(id: string, size = 100): DeadLetter {
  return {
    kind: 'rejected',
    index: 'logs-siemad-default',
    id,
    status: 400,
    errorType: 'mapper_parsing_exception',
    reason: 'failed to parse field [@timestamp]',
    event: Buffer.from(JSON.stringify({ '@timestamp': 'not a date', message: 'x'.repeat(size) })),
    eventIsJson: true,
  };
}

async function files(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((name) => name.endsWith('.ndjson')).sort();
}

async function lines(directory: string): Promise<Record<string, any>[]> {
  const all: Record<string, any>[] = [];
  for (const name of await files(directory)) {
    for (const line of (await readFile(join(directory, name), 'utf8')).split('\n')) if (line !== '') all.push(JSON.parse(line));
  }
  return all;
}

t.test('a dead letter is one NDJSON line with time, kind, target, id, status, error and the event itself', async (t) => {
  const directory = t.testdir();
  const queue = await DeadLetterQueue.open({ directory });
  await queue.write([
    rejected('a'),
    {
      kind: 'undecodable',
      errorType: 'undecodable_record',
      reason: 'unknown record version 9',
      event: Buffer.from([9, 0, 0xff]),
      eventIsJson: false,
    },
  ]);
  await queue.close();
  const [first, second] = await lines(directory);
  t.match(first, {
    '@timestamp': /^\d{4}-\d\d-\d\dT/,
    kind: 'rejected',
    index: 'logs-siemad-default',
    id: 'a',
    status: 400,
    error: { type: 'mapper_parsing_exception', reason: 'failed to parse field [@timestamp]' },
    event: { '@timestamp': 'not a date' },
  });
  t.match(second, { kind: 'undecodable', error: { type: 'undecodable_record' }, event_text: String });
  t.notOk('event' in second!, 'bytes that are not JSON are kept as text, never spliced in');
  t.same(queue.stats().written, { rejected: 1, request_rejected: 0, too_large: 0, undecodable: 1, invalid_input: 0 });
});

t.test('files rotate at their size, the oldest are deleted to stay under the bound, and the deletion is counted', async (t) => {
  const directory = t.testdir();
  const queue = await DeadLetterQueue.open({ directory, maxTotalBytes: MIB, fileMaxBytes: 128 * KIB });
  for (let i = 0; i < 400; i++) await queue.write([rejected(`id-${i}`, 10 * KIB)]);
  await queue.close();
  const stats = queue.stats();
  t.ok(stats.bytes <= MIB, `stays under the bound (${stats.bytes})`);
  t.ok(stats.removedFiles > 0 && stats.removedBytes > 0, 'old files were removed and counted');
  t.ok(stats.files >= 6, `rotated into several files (${stats.files})`);
  const kept = await lines(directory);
  t.equal(kept.at(-1)?.id, 'id-399', 'the newest letters are kept');
  t.ok(kept.length < 400 && kept.length > 60);
  const ids = kept.map((letter) => Number(String(letter.id).slice(3)));
  t.same(
    ids,
    [...ids].sort((a, b) => a - b),
    'in order, oldest removed first',
  );
});

t.test('a new process takes stock of the files left behind and keeps them under the bound', async (t) => {
  const directory = t.testdir();
  const first = await DeadLetterQueue.open({ directory, maxTotalBytes: MIB, fileMaxBytes: 256 * KIB });
  for (let i = 0; i < 60; i++) await first.write([rejected(`old-${i}`, 10 * KIB)]);
  await first.close();
  await writeFile(join(directory, 'unrelated.txt'), 'not ours');
  const second = await DeadLetterQueue.open({ directory, maxTotalBytes: MIB, fileMaxBytes: 256 * KIB });
  t.equal(second.stats().bytes, first.stats().bytes, 'existing files count toward the bound');
  for (let i = 0; i < 60; i++) await second.write([rejected(`new-${i}`, 10 * KIB)]);
  await second.close();
  t.ok(second.stats().bytes <= MIB);
  t.ok(second.stats().removedFiles >= 1);
  t.ok((await readdir(directory)).includes('unrelated.txt'), 'files that are not dead letters are left alone');
});

t.test('an event larger than a file is kept truncated, as text, with its size', async (t) => {
  const line = formatLetter(rejected('big', 300 * KIB), '2026-11-22T10:00:00.000Z', 128 * KIB);
  const letter = JSON.parse(line) as Record<string, unknown>;
  t.ok(Buffer.byteLength(line) < 200 * KIB);
  t.type(letter.event_text, 'string');
  t.ok((letter.event_truncated_from_bytes as number) > 300 * KIB);
});

t.test('bounds that cannot work are refused', async (t) => {
  await t.rejects(DeadLetterQueue.open({ directory: t.testdir(), maxTotalBytes: 1000 }), RangeError);
  await t.rejects(DeadLetterQueue.open({ directory: t.testdir(), maxTotalBytes: MIB, fileMaxBytes: MIB }), RangeError);
});
