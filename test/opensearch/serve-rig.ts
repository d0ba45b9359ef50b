/**
 * Pieces for tests that run the real `siemad serve` against a real OpenSearch: unique auth log
 * lines, `siemad send` as a child process, and metrics read from `/metrics`.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { openSearchLayout, resolveLayoutOptions } from '../../opensearch/layout.js';
import { SIEMAD } from '../helpers/siemad.js';

const run = promisify(execFile);

/** One line per event, all different (each source address occurs once), decoded by the sshd decoder. */
export function authLogLine(n: number): string {
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  return `Nov 22 10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')} web-${n % 3} sshd[${1000 + (n % 5000)}]: Failed password for user${n % 40} from ${ip} port ${1024 + (n % 60_000)} ssh2`;
}

export async function writeAuthLog(file: string, from: number, count: number): Promise<void> {
  const lines: string[] = [];
  for (let n = from; n < from + count; n++) lines.push(authLogLine(n));
  await writeFile(file, `${lines.join('\n')}\n`);
}

/** Runs `siemad send` over TCP to `port`; resolves with its report once every line is sent. */
export async function sendOverTcp(port: number, file: string, extra: readonly string[] = []): Promise<{ sent: number }> {
  const { stdout } = await run(process.execPath, [SIEMAD, 'send', '--port', String(port), '--transport', 'tcp', '--json', ...extra, file], { timeout: 300_000 });
  return JSON.parse(stdout) as { sent: number };
}

/** The value of one sample of `/metrics` (labels given as `name="value"` text); 0 when absent. */
export async function metricValue(httpPort: number, name: string, labels = ''): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { signal: AbortSignal.timeout(10_000) }).then((response) => response.text());
  const sample = labels === '' ? `${name} ` : `${name}{${labels}} `;
  for (const line of text.split('\n')) if (line.startsWith(sample)) return Number(line.slice(sample.length));
  return 0;
}

export async function healthStatus(httpPort: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${httpPort}/healthz`, { signal: AbortSignal.timeout(10_000) })).status;
}

/** `serve` arguments to index into `url` under `namespace` (one shard, no replica, 1 s refresh, no ISM needed). */
export function openSearchServeArgs(url: string, namespace: string, extra: readonly string[] = []): string[] {
  return [
    '--scoring', 'false',
    '--opensearch-url', url,
    '--index-namespace', namespace,
    '--index-replicas', '0',
    '--index-refresh-interval', '1s',
    '--ism', 'if-available',
    ...extra,
  ];
}

export function streamsOf(namespace: string): { logs: string; anomalies: string } {
  const [logs, anomalies] = openSearchLayout(resolveLayoutOptions({ namespace })).streams;
  return { logs: logs!.dataStream, anomalies: anomalies!.dataStream };
}
