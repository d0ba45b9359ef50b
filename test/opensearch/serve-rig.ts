/**
 * Pieces for tests that run the real `siemad serve` against a real OpenSearch: unique auth log
 * lines, the serve arguments and the data streams of a namespace.
 */
import { writeFile } from 'node:fs/promises';
import { openSearchLayout, resolveLayoutOptions } from '../../opensearch/layout.js';

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

/** `serve` arguments to index into `url` under `namespace` (one shard, no replica, 1 s refresh, no ISM needed). */
export function openSearchServeArgs(url: string, namespace: string, extra: readonly string[] = []): string[] {
  return [
    '--scoring',
    'false',
    '--opensearch-url',
    url,
    '--index-namespace',
    namespace,
    '--index-replicas',
    '0',
    '--index-refresh-interval',
    '1s',
    '--ism',
    'if-available',
    ...extra,
  ];
}

export function streamsOf(namespace: string): { logs: string; anomalies: string } {
  const [logs, anomalies] = openSearchLayout(resolveLayoutOptions({ namespace })).streams;
  return { logs: logs!.dataStream, anomalies: anomalies!.dataStream };
}
