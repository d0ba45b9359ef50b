/**
 * A clone from the public repository has no `../shared` beside it: the repository's tracked files,
 * copied alone into a temporary folder (with the installed node_modules linked in), must build,
 * run the collector as README's quick start does, take the demo logs of examples/ and flag their
 * attacks; a command that needs the corpus says so in one line.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { freePort } from '../helpers/ports.js';
import { REPO_ROOT } from '../helpers/siemad.js';
import { waitFor } from '../helpers/wait.js';

const run = promisify(execFile);

t.test('a copy of the tracked files without ../shared builds, serves the demo and flags its attacks', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'siemad-clone-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  // root/repo, and no root/shared: the corpus helper finds nothing beside the repository.
  const repo = join(root, 'repo');
  const files = spawnSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .stdout.split('\0')
    .filter((file) => file !== '');
  t.ok(files.length > 100, `${files.length} tracked files`);
  for (const file of files) {
    if (!fs.existsSync(join(REPO_ROOT, file))) continue; // deleted in the working tree
    fs.mkdirSync(dirname(join(repo, file)), { recursive: true });
    fs.copyFileSync(join(REPO_ROOT, file), join(repo, file));
  }
  fs.symlinkSync(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'));
  const env = { ...process.env };
  delete env.SIEMAD_CORPUS;

  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: repo, encoding: 'utf8', env });
  t.equal(build.status, 0, `builds: ${build.stdout}${build.stderr}`);
  const siemad = join(repo, 'dist', 'cli', 'siemad.js');

  const bench = spawnSync(process.execPath, [join(repo, 'dist', 'bench', 'parse.js')], { cwd: repo, encoding: 'utf8', env });
  t.equal(bench.status, 2, 'a benchmark without the corpus exits 2');
  t.match(
    bench.stderr,
    /^siemad: error: corpus file .*shared\/corpus\/loghub\/OpenSSH_2k\.log not found \(ENOENT\): this needs the public log corpus/,
  );
  t.equal(bench.stderr.trim().split('\n').length, 1, 'in one line');

  const port = await freePort('both');
  const metricsPort = await freePort('tcp');
  const dataDir = join(root, 'data');
  const serve = spawn(
    process.execPath,
    [
      siemad,
      'serve',
      '--bind',
      '127.0.0.1',
      '--udp-port',
      String(port),
      '--tcp-port',
      String(port),
      '--metrics-host',
      '127.0.0.1',
      '--metrics-port',
      String(metricsPort),
      '--api-port',
      '0',
      '--data-dir',
      dataDir,
    ],
    {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  serve.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  serve.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise((resolve) => serve.once('exit', resolve));
  t.teardown(() => {
    if (serve.exitCode === null) serve.kill('SIGKILL');
  });
  await waitFor('serve to listen', async () => log.includes('"siemad serving"'), { timeoutMs: 60_000 });
  const sent = await run(
    process.execPath,
    [
      siemad,
      'send',
      '--port',
      String(port),
      '--format',
      'raw',
      '--framing',
      'lf',
      'examples/auth.log',
      'examples/ufw.log',
      'examples/nginx-access.log',
    ],
    { cwd: repo, env },
  );
  t.match(sent.stdout, /^sent \d+ messages/);
  const lines = ['auth.log', 'ufw.log', 'nginx-access.log'].reduce(
    (sum, file) =>
      sum +
      fs
        .readFileSync(join(repo, 'examples', file), 'utf8')
        .trim()
        .split('\n').length,
    0,
  );
  const count = (file: string): number =>
    fs.existsSync(join(dataDir, file))
      ? fs
          .readFileSync(join(dataDir, file), 'utf8')
          .trim()
          .split('\n')
          .filter((l) => l !== '').length
      : 0;
  await waitFor('every demo line as an event', async () => count('events.ndjson') === lines, { timeoutMs: 60_000 });
  const anomalies = fs
    .readFileSync(join(dataDir, 'anomalies.ndjson'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { anomaly: { kind: string } });
  const kinds = new Set(anomalies.map((a) => a.anomaly.kind));
  for (const kind of ['brute_force', 'port_scan']) t.ok(kinds.has(kind), `the demo's ${kind} is flagged`);
  t.ok(kinds.has('web_attack') || kinds.has('web_scan'), "the demo's web scan is flagged");
  serve.kill('SIGTERM');
  await exited;
  t.equal(serve.exitCode, 0, 'stops cleanly');
});
