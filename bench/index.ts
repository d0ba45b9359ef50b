/**
 * End-to-end indexing throughput: `siemad serve` with OpenSearch, fed over TCP by `siemad send`
 * with lines of the labelled stream generator, timed until every event is indexed. Prints
 * events/s (overall and sustained, i.e. between 10% and 90% indexed), the collector's CPU share
 * and peak RSS (from /proc), OpenSearch's CPU share, and checks that nothing was lost or doubled.
 *
 *   npm run bench:index -- [--events 300000] [--scoring false] [--heap 1g] [--no-warmup] [--keep]
 *   SIEMAD_BENCH_OPENSEARCH_URL=http://127.0.0.1:9200 npm run bench:index   (use a running cluster)
 *
 * Without SIEMAD_BENCH_OPENSEARCH_URL, a throw-away node is started with scripts/opensearch.sh on
 * a free port in 19400-19599 (same machine, same cores as the collector) and stopped afterwards.
 * A first pass warms the JVM up (printed too); the second pass, into a new namespace, is measured.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify, parseArgs } from 'node:util';
import { DEFAULT_START_TIME, generateStream } from '../eval/generator/generate-stream.js';
import { openSearchLayout, resolveLayoutOptions } from '../opensearch/layout.js';
import { PACKAGE_ROOT } from '../core/package-root.js';

const run = promisify(execFile);
const SIEMAD = join(PACKAGE_ROOT, 'dist', 'cli', 'siemad.js');
const SCRIPT = join(PACKAGE_ROOT, 'scripts', 'opensearch.sh');
const CLOCK_TICKS = 100;
const LINES_PER_DAY = 19_000;

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    scoring: { type: 'string', default: 'false' },
    heap: { type: 'string', default: '1g' },
    'bulk-max-events': { type: 'string', default: '5000' },
    'bulk-concurrency': { type: 'string', default: '2' },
    'buffer-fsync': { type: 'string', default: 'interval' },
    warmup: { type: 'boolean', default: true },
    'no-warmup': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'Usage: npm run bench:index -- [--events 300000] [--scoring false|true] [--heap 1g] [--bulk-max-events 5000]\n' +
      '       [--bulk-concurrency 2] [--buffer-fsync interval|always|never] [--no-warmup] [--keep]\n' +
      "Events/s from TCP into OpenSearch, with the collector's CPU share and RSS; SIEMAD_BENCH_OPENSEARCH_URL uses a running cluster.\n",
  );
  process.exit(0);
}
const total = Number(values.events);
if (values['no-warmup']) values.warmup = false;

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Busy and total jiffies of the whole machine (all CPUs), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Peak resident set (VmHWM) and current RSS, in MiB. */
function memory(pid: number): { peakMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { peakMiB: kib('VmHWM') / 1024, rssMiB: kib('VmRSS') / 1024 };
}

async function freePortInRange(first: number, last: number): Promise<number> {
  for (let port = first; port <= last; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${first}-${last}`);
}

/** One sample of `/metrics`, named as printed (`name` or `name{label="value"}`); 0 when absent. */
async function metric(port: number, sample: string): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text());
  const line = text.split('\n').find((entry) => entry.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

async function openSearchJson<T>(url: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return (await response.json()) as T;
}

/** Starts `siemad serve` and resolves with its metrics port once it logs that it serves. */
async function startServe(args: string[], logFile: string): Promise<{ child: ChildProcess; tcpPort: number; httpPort: number }> {
  const { openSync, closeSync } = await import('node:fs');
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [SIEMAD, 'serve', ...args], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`siemad serve exited (${child.exitCode}); see ${logFile}`);
    const line = (await readFile(logFile, 'utf8')).split('\n').find((entry) => entry.includes('"siemad serving"'));
    if (line !== undefined) {
      const listening = (JSON.parse(line) as { listening: { receiver: string; port: number }[] }).listening;
      const port = (prefix: string) => listening.find((entry) => entry.receiver.startsWith(prefix))?.port ?? 0;
      return { child, tcpPort: port('tcp '), httpPort: port('http ') };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`siemad serve did not start; see ${logFile}`);
}

interface PassResult {
  rows: [string, string][];
  ok: boolean;
}

/**
 * One run: a fresh `siemad serve` indexing into a fresh namespace, the corpus sent over TCP, timed
 * until every event is acknowledged, then checked in the index.
 */
async function runPass(url: string, openSearchPid: number | null, corpus: string, work: string, name: string): Promise<PassResult> {
  const namespace = `bench${Date.now()}${name}`;
  const [logsStream] = openSearchLayout(resolveLayoutOptions({ namespace })).streams;
  const logs = logsStream!.dataStream;
  const started = await startServe(
    [
      '--bind',
      '127.0.0.1',
      '--udp-port',
      'off',
      '--tcp-port',
      '0',
      '--metrics-host',
      '127.0.0.1',
      '--metrics-port',
      '0',
      // One sender sends everything here: no per-sender limit (a central relay would set this too).
      '--sender-rate',
      '0',
      '--api-port',
      'off',
      '--data-dir',
      join(work, `data-${name}`),
      '--scoring',
      values.scoring,
      '--opensearch-url',
      url,
      '--index-namespace',
      namespace,
      '--index-replicas',
      '0',
      '--ism',
      'if-available',
      '--bulk-max-events',
      values['bulk-max-events'],
      '--bulk-concurrency',
      values['bulk-concurrency'],
      '--buffer-fsync',
      values['buffer-fsync'],
    ],
    join(work, `serve-${name}.log`),
  );
  const serve = started.child;
  try {
    const pid = serve.pid!;
    const collectorCpuStart = cpuSeconds(pid);
    const openSearchCpuStart = openSearchPid === null ? 0 : cpuSeconds(openSearchPid);
    const machineStart = machineCpu();
    const t0 = performance.now();
    const sender = run(process.execPath, [SIEMAD, 'send', '--port', String(started.tcpPort), '--transport', 'tcp', '--json', corpus], {
      maxBuffer: 1 << 20,
      timeout: 3_600_000,
    });
    let sendSeconds = 0;
    void sender.then(() => (sendSeconds = (performance.now() - t0) / 1000));
    let at10 = 0;
    let at90 = 0;
    let indexed = 0;
    let peakBufferEvents = 0;
    let lastReport = t0;
    while (indexed < total) {
      await sleep(200);
      indexed = await metric(started.httpPort, 'siemad_opensearch_acked_events_total');
      peakBufferEvents = Math.max(peakBufferEvents, await metric(started.httpPort, 'siemad_buffer_events{buffer="opensearch"}'));
      const now = performance.now();
      if (at10 === 0 && indexed >= total * 0.1) at10 = now;
      if (at90 === 0 && indexed >= total * 0.9) at90 = now;
      if (now - lastReport > 10_000) {
        lastReport = now;
        process.stderr.write(`  ${name}: ${indexed} of ${total} indexed after ${((now - t0) / 1000).toFixed(0)} s\n`);
      }
      if (serve.exitCode !== null) throw new Error(`siemad serve exited during the ${name} pass`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const collectorCpu = cpuSeconds(pid) - collectorCpuStart;
    const openSearchCpu = openSearchPid === null ? null : cpuSeconds(openSearchPid) - openSearchCpuStart;
    const mem = memory(pid);
    const machineEnd = machineCpu();
    const machineBusy = (100 * (machineEnd.busy - machineStart.busy)) / Math.max(1, machineEnd.total - machineStart.total);
    const sent = JSON.parse((await sender).stdout) as { sent: number };

    await openSearchJson(url, `/${logs}/_refresh`, {});
    const count = (await openSearchJson<{ count: number }>(url, `/${logs}/_count`)).count;
    const duplicates = await openSearchJson<{ aggregations: { ids: { buckets: unknown[] } } }>(url, `/${logs}/_search`, {
      size: 0,
      aggs: { ids: { terms: { field: 'event.id', min_doc_count: 2, size: 10 } } },
    });
    const deadLettered = await metric(started.httpPort, 'siemad_opensearch_bulk_items_total{outcome="dead_lettered"}');
    const bulkRequests = await metric(started.httpPort, 'siemad_opensearch_bulk_requests_total{outcome="ok"}');
    const rows: [string, string][] = [
      ['events sent over TCP', `${sent.sent} (send finished after ${sendSeconds.toFixed(1)} s)`],
      ['indexed, end to end', `${total} in ${seconds.toFixed(1)} s = ${Math.round(total / seconds).toLocaleString('en-US')} events/s`],
      ['sustained (10% → 90% indexed)', `${Math.round((total * 0.8) / ((at90 - at10) / 1000)).toLocaleString('en-US')} events/s`],
      [
        'collector CPU',
        `${collectorCpu.toFixed(1)} s = ${((100 * collectorCpu) / seconds).toFixed(0)}% of one core; ${Math.round(total / collectorCpu).toLocaleString('en-US')} events per CPU second`,
      ],
      ['collector peak RSS', `${mem.peakMiB.toFixed(0)} MiB (now ${mem.rssMiB.toFixed(0)} MiB)`],
      [
        'OpenSearch CPU',
        openSearchCpu === null
          ? 'not measured (external cluster)'
          : `${openSearchCpu.toFixed(1)} s = ${((100 * openSearchCpu) / seconds).toFixed(0)}% of one core`,
      ],
      ['machine CPU busy (all processes)', `${machineBusy.toFixed(0)}% of ${cpus().length} cores`],
      ['peak events waiting in the disk buffer', String(peakBufferEvents)],
      ['bulk requests (ok)', String(bulkRequests)],
      ['documents in the index', `${count}${count === total ? ' (none lost)' : ` (EXPECTED ${total})`}`],
      ['event.ids held twice', String(duplicates.aggregations.ids.buckets.length)],
      ['dead-lettered', String(deadLettered)],
    ];
    return { rows, ok: count === total && duplicates.aggregations.ids.buckets.length === 0 };
  } finally {
    if (serve.exitCode === null) {
      serve.kill('SIGTERM');
      await new Promise((resolve) => serve.once('exit', resolve));
    }
  }
}

function printPass(title: string, pass: PassResult): void {
  const width = Math.max(...pass.rows.map(([label]) => label.length));
  console.log(title);
  for (const [label, value] of pass.rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'siemad-bench-index-'));
  let openSearchDir: string | null = null;
  try {
    let url = process.env.SIEMAD_BENCH_OPENSEARCH_URL?.replace(/\/+$/, '');
    if (url === undefined) {
      const port = await freePortInRange(19400, 19599);
      // Its own temporary directory: the script hands it to the `opensearch` user when run as root.
      openSearchDir = await mkdtemp(join(tmpdir(), 'siemad-bench-opensearch-'));
      process.stderr.write(`starting OpenSearch (heap ${values.heap}) on port ${port}…\n`);
      const { stdout } = await run(
        'bash',
        [SCRIPT, 'start', '--dir', openSearchDir, '--port', String(port), '--transport-port', String(port + 1), '--heap', values.heap],
        { timeout: 300_000 },
      );
      url = stdout.trim().split('\n').pop()!;
    }
    const openSearchPid = openSearchDir === null ? null : Number(readFileSync(join(openSearchDir, 'opensearch.pid'), 'utf8'));

    process.stderr.write(`generating ${total} log lines…\n`);
    const stream = generateStream({ seed: 7, days: Math.ceil(total / LINES_PER_DAY) + 1, startTime: DEFAULT_START_TIME });
    const lines = stream.lines.slice(0, total);
    if (lines.length < total) throw new Error(`the generator gave ${lines.length} lines`);
    const corpus = join(work, 'corpus.log');
    await writeFile(corpus, `${lines.join('\n')}\n`);

    const header = `bench:index: ${total} generated auth/web/firewall log lines, TCP → siemad serve (scoring ${values.scoring}) → disk buffer → OpenSearch ${openSearchDir === null ? url : '(same machine)'}`;
    console.log(header);
    // A JVM just started compiles as it goes: its first minute is not the steady state.
    if (values.warmup) printPass('warm-up pass (OpenSearch JVM cold):', await runPass(url, openSearchPid, corpus, work, 'warmup'));
    const measured = await runPass(url, openSearchPid, corpus, work, 'measured');
    printPass(values.warmup ? 'measured pass (warm):' : 'measured pass:', measured);
    if (!measured.ok) process.exitCode = 1;
  } finally {
    if (openSearchDir !== null) {
      await run('bash', [SCRIPT, 'stop', '--dir', openSearchDir], { timeout: 120_000 }).catch(() => undefined);
      if (!values.keep) await rm(openSearchDir, { recursive: true, force: true });
    }
    if (!values.keep) await rm(work, { recursive: true, force: true });
    else process.stderr.write(`kept ${work}\n`);
  }
}

await main();
