/**
 * Corpus lines as a syslog sender forwards them, shared by the benchmarks: each line's own header
 * fields kept, a PRI added (authpriv.info), as RFC 3164 (rsyslog's forwarding) or RFC 5424.
 */
import { parseSyslog } from '../collector/syslog/parse.js';
import { readCorpusOrExit } from '../core/corpus.js';

/** The lines of corpus files (paths relative to `directory`), CR removed, empty lines left out. */
export function corpusLines(files: readonly string[], directory?: string): string[] {
  return files.flatMap((file) =>
    readCorpusOrExit(file, directory)
      .split('\n')
      .map((line) => line.replace(/\r+$/, ''))
      .filter((line) => line !== ''),
  );
}

/** Each line as a forwarded message; lines without a syslog header get `now`, host web-01 and app nginx. */
export function asSyslog(lines: readonly string[], format: 'rfc3164' | 'rfc5424', now: number): string[] {
  const parseOptions = { timeZone: 'UTC', now };
  return lines.map((line) => {
    const m = parseSyslog(line, parseOptions);
    const headerless = m.format !== 'rfc3164';
    const time = new Date(headerless || m.timestamp === undefined ? now : m.timestamp);
    const host = (headerless ? undefined : m.hostname) ?? 'web-01';
    const app = (headerless ? undefined : m.appName) ?? 'nginx';
    const body = headerless ? line : m.message;
    if (format === 'rfc5424') return `<86>1 ${time.toISOString()} ${host} ${app} ${m.procId ?? '-'} - - ${body}`;
    const stamp =
      time.toUTCString().slice(8, 11) + ' ' + String(time.getUTCDate()).padStart(2, ' ') + ' ' + time.toISOString().slice(11, 19);
    return `<86>${stamp} ${host} ${m.procId !== undefined ? `${app}[${m.procId}]` : app}: ${body}`;
  });
}

/** The corpus files of `bench:e2e`'s stream (and of `bench:encode`, which times its events). */
export const E2E_STREAM_FILES = ['loghub/OpenSSH_2k.log', 'loghub/Linux_2k.log'];
/** That stream's reference time: the year of RFC 3164 dates, the time of lines without a header. */
export const E2E_STREAM_NOW = Date.UTC(2026, 10, 22, 12);

/** One pass of that stream: its corpus lines as RFC 3164 with PRI (repeat it for more). */
export function e2eStreamLines(directory?: string): string[] {
  return asSyslog(corpusLines(E2E_STREAM_FILES, directory), 'rfc3164', E2E_STREAM_NOW);
}
