/**
 * `npm run bench:e2e`: end-to-end throughput beside rsyslog. The same stream of loghub lines
 * (OpenSSH + Linux, RFC 3164 with PRI, LF framing) goes over one TCP connection to rsyslog
 * (`imptcp` → JSON template → `omfile`, its own configuration and work directory) and to
 * `siemad serve` (NDJSON sink), one after the other in the same run, each timed from connect until
 * its output file holds the last event. Printed per configuration: msg/s of each, siemad's share of
 * rsyslog's rate, peak RSS (VmHWM, from the stream's start) and CPU seconds of each process.
 *
 *   npm run bench:e2e [-- --lines 300000] [--scoring on,off] [--workers 1,2] [--rounds 1] [--cpu-prof DIR]
 *
 * Not a timed test: the figures depend on the machine and on what else runs on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { CORPUS_DIR } from '../core/corpus.js';
import { PACKAGE_ROOT } from '../core/package-root.js';
import { E2E_STREAM_FILES, e2eStreamLines } from './corpus-syslog.js';

const options = new Command('bench:e2e')
  .option('--lines <n>', 'messages in the stream', Number, 300_000)
  .option('--scoring <list>', 'siemad runs with scoring on and/or off', 'on,off')
  .option('--workers <list>', 'siemad --workers values to run (empty: the default)', '')
  .option('--rounds <n>', 'times each configuration is run', Number, 1)
  .option('--corpus <dir>', 'the shared corpus', CORPUS_DIR)
  .option('--keep', 'keep the output directories (printed)')
  .option('--cpu-prof <dir>', 'write a CPU profile of each siemad run into this directory (node --cpu-prof)')
  .parse()
  .opts<{ lines: number; scoring: string; workers: string; rounds: number; corpus: string; keep?: boolean; cpuProf?: string }>();

const SIEMAD = path.join(PACKAGE_ROOT, 'dist', 'cli', 'siemad.js');
const START_TIMEOUT_MS = 60_000;
const FINISH_TIMEOUT_MS = 600_000;

interface Measurement {
  seconds: number;
  peakRssMiB: number;
  cpuSeconds: number;
}

/** The stream: the corpus lines repeated up to `count`, LF-terminated, as one buffer. */
function stream(count: number): Buffer {
  const lines = e2eStreamLines(options.corpus);
  const out: string[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = lines[i % lines.length]!;
  return Buffer.from(out.join('\n') + '\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** rsyslog: imptcp on `port`, every message through a JSON template into `output`. */
function rsyslogConfig(workDirectory: string, port: number, output: string): string {
  return [
    `global(workDirectory="${workDirectory}")`,
    'module(load="imptcp")',
    'template(name="siemad_bench_json" type="list" option.jsonf="on") {',
    '  property(outname="@timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")',
    '  property(outname="host" name="hostname" format="jsonf")',
    '  property(outname="severity" name="syslogseverity-text" format="jsonf")',
    '  property(outname="facility" name="syslogfacility-text" format="jsonf")',
    '  property(outname="program" name="programname" format="jsonf")',
    '  property(outname="procid" name="procid" format="jsonf")',
    '  property(outname="message" name="msg" format="jsonf")',
    '}',
    `ruleset(name="bench") { action(type="omfile" file="${output}" template="siemad_bench_json") }`,
    `input(type="imptcp" address="127.0.0.1" port="${port}" ruleset="bench")`,
  ].join('\n');
}

async function waitFor(
  what: string,
  ready: () => boolean | Promise<boolean>,
  child: ChildProcess,
  timeoutMs: number,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Counts the lines appended to `file` so far (reads only what is new). */
function lineCounter(file: string): () => number {
  let offset = 0;
  let lines = 0;
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  return () => {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch {
      return 0;
    }
    try {
      for (;;) {
        const n = fs.readSync(fd, buffer, 0, buffer.length, offset);
        if (n === 0) break;
        offset += n;
        for (let at = buffer.indexOf(10); at !== -1 && at < n; at = buffer.indexOf(10, at + 1)) lines++;
      }
    } finally {
      fs.closeSync(fd);
    }
    return lines;
  };
}

/** Peak RSS (VmHWM) and CPU seconds (user + system) of a running process, from /proc. */
function processStats(pid: number): { peakRssMiB: number; cpuSeconds: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { peakRssMiB: hwm / 1024, cpuSeconds: ticks / 100 };
}

/**
 * Restarts a process's VmHWM from its current RSS (Linux 4.0+), so the peak measured is the
 * stream's, not start-up's (the embedded PostgreSQL's initdb peaks near 900 MiB, then ends).
 */
function resetPeakRss(pid: number): void {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the peak then includes start-up.
  }
}

/** Sends the stream over one connection; resolves once it is closed. */
function send(port: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(data));
    socket.once('error', reject);
    socket.once('close', () => resolve());
    socket.resume();
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** Feeds `data` to a started receiver and waits until `output` holds `count` lines. */
async function measure(what: string, child: ChildProcess, port: number, output: string, data: Buffer, count: number): Promise<Measurement> {
  const lines = lineCounter(output);
  resetPeakRss(child.pid!);
  const cpuBefore = processStats(child.pid!).cpuSeconds;
  const start = performance.now();
  const sent = send(port, data);
  await waitFor(what, () => lines() >= count, child, FINISH_TIMEOUT_MS, 10);
  const seconds = (performance.now() - start) / 1000;
  await sent;
  const stats = processStats(child.pid!);
  return { seconds, peakRssMiB: stats.peakRssMiB, cpuSeconds: stats.cpuSeconds - cpuBefore };
}

async function runRsyslog(data: Buffer, count: number): Promise<Measurement> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siemad-bench-rsyslog-'));
  const port = await freePort();
  const output = path.join(dir, 'out.json');
  const configFile = path.join(dir, 'rsyslog.conf');
  const pidFile = path.join(dir, 'rsyslogd.pid');
  fs.writeFileSync(configFile, rsyslogConfig(dir, port, output) + '\n');
  // rsyslog reports its worker threads' comings and goings on standard error: kept in its directory.
  const stderr = fs.openSync(path.join(dir, 'rsyslogd.log'), 'w');
  const child = spawn('rsyslogd', ['-n', '-f', configFile, '-i', pidFile], { stdio: ['ignore', 'ignore', stderr] });
  fs.closeSync(stderr);
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  try {
    await spawned;
    await waitFor(
      'rsyslogd',
      () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() === String(child.pid),
      child,
      START_TIMEOUT_MS,
    );
    return await measure('rsyslogd', child, port, output, data, count);
  } finally {
    await stop(child);
    if (options.keep === true) process.stdout.write(`  rsyslog output kept in ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function runSiemad(data: Buffer, count: number, scoring: boolean, workers: string | undefined): Promise<Measurement> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siemad-bench-serve-'));
  const port = await freePort();
  const args = [
    ...(options.cpuProf !== undefined ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(options.cpuProf)] : []),
    SIEMAD,
    'serve',
    '--bind',
    '127.0.0.1',
    '--tcp-port',
    String(port),
    '--udp-port',
    'off',
    '--metrics-port',
    'off',
    '--api-port',
    'off',
    '--data-dir',
    dir,
    '--sink',
    `ndjson:${path.join(dir, 'out')}`,
    '--ndjson-rotate',
    '64GiB',
    '--sender-rate',
    '0',
    '--scoring',
    String(scoring),
    ...(workers !== undefined ? ['--workers', workers] : []),
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    if (log.length < 1_000_000) log += chunk.toString('utf8');
  });
  try {
    await waitFor('siemad serve', () => log.includes('"siemad serving"'), child, START_TIMEOUT_MS);
    return await measure('siemad serve', child, port, path.join(dir, 'out', 'events.ndjson'), data, count);
  } finally {
    await stop(child);
    if (options.keep === true) process.stdout.write(`  siemad output kept in ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (count: number, m: Measurement): string =>
  Math.round(count / m.seconds)
    .toLocaleString('en-US')
    .padStart(9);
const stats = (m: Measurement): string =>
  `${m.seconds.toFixed(2)} s, peak RSS ${Math.round(m.peakRssMiB)} MiB, ${m.cpuSeconds.toFixed(1)} CPU s`;

const count = options.lines;
const data = stream(count);
const scorings = options.scoring.split(',').map((s) => s.trim() === 'on');
const workerList = options.workers === '' ? [undefined] : options.workers.split(',').map((w) => w.trim());
process.stdout.write(
  `bench:e2e — ${count.toLocaleString('en-US')} messages (${E2E_STREAM_FILES.join(' + ')}, RFC 3164 with PRI, LF framing, ${(data.length / 1024 / 1024).toFixed(1)} MiB) over one TCP connection\n` +
    `machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}\n\n`,
);
for (let round = 0; round < options.rounds; round++) {
  for (const scoring of scorings) {
    for (const workers of workerList) {
      const rsyslog = await runRsyslog(data, count);
      const siemad = await runSiemad(data, count, scoring, workers);
      const name = `siemad scoring ${scoring ? 'on ' : 'off'}${workers !== undefined ? ` --workers ${workers}` : ''}`;
      process.stdout.write(
        `${'rsyslog imptcp→omfile'.padEnd(34)} ${rate(count, rsyslog)} msg/s (${stats(rsyslog)})\n` +
          `${name.padEnd(34)} ${rate(count, siemad)} msg/s (${stats(siemad)})  ${(rsyslog.seconds / siemad.seconds).toFixed(2)}× rsyslog\n\n`,
      );
    }
  }
}
