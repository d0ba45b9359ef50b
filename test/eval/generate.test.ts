import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_START_TIME, generateStream } from '../../eval/generator/generate-stream.js';
import { readStreamFiles } from '../../eval/stream-files.js';

const CLI = join(import.meta.dirname, '../../eval/generate.ts');
const runCli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });

t.test('writes the log file and FILE.labels.jsonl, the same stream the library generates for the seed', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'eval-generate-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const out = join(directory, 'stream.log');
  const result = runCli(['--seed', '4', '--days', '1', '--out', out]);
  t.equal(result.status, 0, result.stderr);
  t.match(result.stderr, /stream\.log: \d+ lines \(\d+ attack\)/);
  t.match(result.stderr, /night_admin_login-1/);
  const written = await readStreamFiles(out);
  const expected = generateStream({ seed: 4, days: 1, startTime: DEFAULT_START_TIME });
  t.equal(written.lines.length, expected.lines.length);
  t.ok(
    written.lines.every((line, i) => line === expected.lines[i]),
    'same lines',
  );
  t.same(written.labels, expected.labels);
});

t.test('--site 2 writes the agency stream the library generates for the seed', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'eval-generate-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const out = join(directory, 'site2.log');
  const result = runCli(['--site', '2', '--seed', '3', '--days', '1', '--out', out]);
  t.equal(result.status, 0, result.stderr);
  const written = await readStreamFiles(out);
  const expected = generateStream({ site: 2, seed: 3, days: 1, startTime: DEFAULT_START_TIME });
  t.ok(written.lines.length === expected.lines.length && written.lines.every((line, i) => line === expected.lines[i]), 'same lines');
  t.match(written.lines[0] ?? '', /^2026-11-02T\d\d:\d\d:\d\d\.\d{6}\+05:30 (mx1|app1|crm-old) /);
  const bad = runCli(['--site', '3', '--out', join(directory, 'never.log')]);
  t.not(bad.status, 0);
  t.match(bad.stderr, /site must be one of 1, 2/);
});

t.test('prints help, and refuses a malformed option with a one-line reason', async (t) => {
  const help = runCli(['--help']);
  t.equal(help.status, 0);
  t.match(help.stdout, /--out <file>[\s\S]*--seed <n>[\s\S]*--days <n>/);
  const bad = runCli(['--days', 'many', '--out', '/tmp/never-written.log']);
  t.not(bad.status, 0);
  t.match(bad.stderr, /days must be a number/);
  const unknownKind = runCli(['--kinds', 'brute_force,telepathy', '--out', '/tmp/never-written.log']);
  t.not(unknownKind.status, 0);
  t.match(unknownKind.stderr, /unknown attack kind\(s\) telepathy/);
});
