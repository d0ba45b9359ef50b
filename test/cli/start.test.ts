/**
 * README's quick start: `npm start` runs the collector on embedded defaults, and stopping npm with
 * SIGTERM (a service manager, Ctrl-C in a container) stops the collector too instead of leaving it
 * holding its ports.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { freePort } from '../helpers/ports.js';
import { REPO_ROOT } from '../helpers/siemad.js';
import { waitFor } from '../helpers/wait.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

t.test('SIGTERM to npm start stops the collector', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'siemad-start-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const port = await freePort('both');
  const metricsPort = await freePort('tcp');
  const npm = spawn('npm', ['start'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SIEMAD_DATA_DIR: dir,
      SIEMAD_BIND: '127.0.0.1',
      SIEMAD_UDP_PORT: String(port),
      SIEMAD_TCP_PORT: String(port),
      SIEMAD_METRICS_HOST: '127.0.0.1',
      SIEMAD_METRICS_PORT: String(metricsPort),
      SIEMAD_SCORING: 'false',
      SIEMAD_API_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
  t.teardown(() => {
    if (npm.exitCode === null) npm.kill('SIGKILL');
  });
  let collector = 0;
  await waitFor(
    'npm start to serve',
    async () => {
      const match = /"pid":(\d+),[^\n]*"siemad serving"/.exec(output);
      if (match !== null) collector = Number(match[1]);
      return collector !== 0;
    },
    { timeoutMs: 180_000 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; npm start printed:\n${output.slice(-4000)}`);
  });
  t.ok(alive(collector), `collector ${collector} serving`);
  npm.kill('SIGTERM');
  await exited;
  await waitFor('the collector to stop', async () => !alive(collector), { timeoutMs: 30_000 });
  t.notOk(alive(collector), 'the collector stopped with npm');
  t.match(output, /"msg":"stopped"/, 'after draining and flushing');
});
