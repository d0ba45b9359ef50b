/**
 * `--workers N` (pipeline/codec): codec threads encode what the receiving thread decoded and
 * scored, so every byte written must be what `--workers 1` writes. `siemad analyze` over the seven
 * real servers' logs, the loghub samples, the examples and both evaluation sites' streams, and
 * `siemad serve` fed one stream over TCP, each with 1 and with 3 workers, compared line by line.
 * Only what the receipt decides may differ between two runs: `event.created`, `event.id` (a hash
 * of the receipt time) and, for serve, the sender's port in `log.source.address`, replaced by
 * placeholders on both sides before comparing.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t, { type Test } from 'tap';
import { generateStream } from '../../eval/generator/generate-stream.js';
import { writeStreamFiles } from '../../eval/stream-files.js';
import { corpusOrSkip, corpusPath } from '../helpers/corpus.js';
import { REPO_ROOT, SIEMAD, startServe } from '../helpers/siemad.js';

const run = promisify(execFile);

const RECEIPT_FIELDS = /"created":"[^"]*"|"id":"[A-Za-z0-9_-]{22}"|"log":\{"source":\{"address":"[^"]*"\}/g;

function withoutReceipt(line: string): string {
  return line.replace(RECEIPT_FIELDS, (field) => `${field.slice(0, field.indexOf(':'))}:…`);
}

async function analyze(workers: number, files: readonly string[]): Promise<string[]> {
  const { stdout } = await run(process.execPath, [SIEMAD, 'analyze', '--format', 'ndjson', '--workers', String(workers), ...files], {
    maxBuffer: 1 << 30,
  });
  return stdout.split('\n').filter((line) => line !== '');
}

/** Line by line; on a difference, the first one (a whole-array diff of 100k lines helps nobody). */
function sameBytes(t: Test, single: readonly string[], threaded: readonly string[], what: string): void {
  t.equal(threaded.length, single.length, `${what}: as many events`);
  const first = single.findIndex((line, i) => withoutReceipt(line) !== withoutReceipt(threaded[i] ?? ''));
  t.equal(first, -1, `${what}: identical bytes, event by event${first >= 0 ? ` (first difference at event ${first})` : ''}`);
  if (first >= 0) t.same(withoutReceipt(threaded[first] ?? ''), withoutReceipt(single[first]!));
}

t.test('analyze: --workers 3 writes the bytes --workers 1 writes', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'siemad-workers-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const inputs: [string, string[]][] = [
    ['examples', ['auth.log', 'nginx-access.log', 'ufw.log'].map((f) => join(REPO_ROOT, 'examples', f))],
  ];
  for (const site of [1, 2] as const) {
    const file = join(dir, `site${site}.log`);
    await writeStreamFiles(file, generateStream({ seed: 1, site, days: 2, startTime: '2026-11-02T00:00:00Z' }));
    inputs.push([`evaluation stream, site ${site}`, [file]]);
  }
  if (corpusOrSkip(t, 'real')) {
    for (const name of fs
      .readdirSync(corpusPath('real'))
      .filter((f) => f.endsWith('.log'))
      .sort())
      inputs.push([`real/${name}`, [corpusPath('real', name)]]);
    inputs.push(['loghub OpenSSH + Linux', [corpusPath('loghub', 'OpenSSH_2k.log'), corpusPath('loghub', 'Linux_2k.log')]]);
  }
  for (const [what, files] of inputs) {
    const [single, threaded] = await Promise.all([analyze(1, files), analyze(3, files)]);
    t.ok(single.length > 0, `${what}: events`);
    sameBytes(t, single, threaded, what);
  }
});

t.test('serve: one TCP stream gives the same events with --workers 1 and --workers 3, in order', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'siemad-workers-serve-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'stream.log');
  const stream = generateStream({ seed: 3, days: 1, startTime: '2026-11-02T00:00:00Z' });
  await writeStreamFiles(file, stream);
  const served: string[][] = [];
  for (const workers of [1, 3]) {
    // Small batches: many batches in flight at once on the codec threads.
    const serve = await startServe(['--workers', String(workers), '--batch-size', '64']);
    await run(process.execPath, [SIEMAD, 'send', '--port', String(serve.port('tcp')), '--format', 'raw', '--framing', 'lf', file]);
    const events = await serve.waitForEvents(stream.lines.length, 120_000);
    served.push(events.map((event) => JSON.stringify(event)));
    t.equal(await serve.stop(), 0, `--workers ${workers} stops cleanly`);
  }
  // Objects re-serialised from the sink's lines: key order is kept, so the bytes compare.
  sameBytes(t, served[0]!, served[1]!, 'serve');
  t.same(
    served[1]!.map((line) => (JSON.parse(line) as { event: { original: string } }).event.original),
    stream.lines,
    'every line, in the order sent',
  );
});
