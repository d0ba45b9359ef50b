import type { ParseOptions } from '../collector/syslog/message.js';
import { parseSyslog } from '../collector/syslog/parse.js';
import { CORPUS_DIR, readCorpusOrExit } from '../core/corpus.js';

const corpusDir = process.argv[2] ?? CORPUS_DIR;
const secondsPerRound = Number(process.argv[3] ?? 1);
const ROUNDS = 5;
const opts: ParseOptions = { timeZone: 'Europe/Berlin', now: Date.UTC(2026, 10, 22, 12) };

function readLines(relativePath: string): string[] {
  return readCorpusOrExit(relativePath, corpusDir)
    .split('\n')
    .filter((line) => line.trim().length > 0);
}

function toRfc5424(line: string, index: number, sdEvery: number): string {
  const parsed = parseSyslog(line, opts);
  const day = String((index % 28) + 1).padStart(2, '0');
  const time = `2026-11-${day}T${String(index % 24).padStart(2, '0')}:14:15.${String(index % 1_000_000).padStart(6, '0')}+01:00`;
  const sd =
    index % sdEvery === 0
      ? `[timeQuality tzKnown="1" isSynced="1" syncAccuracy="${index}"][origin ip="192.0.2.${index % 255}" software="rsyslogd"]`
      : '-';
  return `<38>1 ${time} ${parsed.hostname ?? '-'} ${parsed.appName ?? '-'} ${parsed.procId ?? '-'} - ${sd} ${parsed.message}`;
}

/**
 * Parses every line repeatedly for about `seconds` of wall time; returns messages per second of
 * this process's CPU time, so other load on the machine does not count against the parser.
 */
function measure(lines: string[], seconds: number): number {
  let parsed = 0;
  let checksum = 0;
  const deadline = performance.now() + seconds * 1000;
  const cpuAtStart = process.cpuUsage();
  do {
    for (let i = 0; i < lines.length; i++) checksum += parseSyslog(lines[i] as string, opts).message.length;
    parsed += lines.length;
  } while (performance.now() < deadline);
  const cpu = process.cpuUsage(cpuAtStart);
  if (checksum < 0) console.log(checksum); // keeps the work observable
  return parsed / ((cpu.user + cpu.system) / 1e6);
}

function report(name: string, lines: string[]): void {
  const formats = new Map<string, number>();
  for (const line of lines) {
    const format = parseSyslog(line, opts).format;
    formats.set(format, (formats.get(format) ?? 0) + 1);
  }
  const averageLength = lines.reduce((sum, line) => sum + line.length, 0) / lines.length;
  measure(lines, Math.min(secondsPerRound, 0.5)); // warm-up
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) best = Math.max(best, measure(lines, secondsPerRound));
  const mbPerSecond = (best * averageLength) / 1e6;
  console.log(
    `${name.padEnd(13)} ${Math.round(best).toLocaleString('en-US').padStart(11)} msgs/s ` +
      `${mbPerSecond.toFixed(0).padStart(5)} MB/s  (${lines.length} lines, avg ${averageLength.toFixed(0)} chars, ` +
      `${[...formats].map(([format, count]) => `${format}=${count}`).join(' ')})`,
  );
}

/** A flat copy, as a receiver's Buffer#toString gives (concatenated strings are ropes in V8). */
function asReceived(line: string): string {
  return Buffer.from(line, 'utf8').toString('utf8');
}

const fileLines = [...readLines('loghub/OpenSSH_2k.log'), ...readLines('loghub/Linux_2k.log')].map(asReceived);
const wireLines = fileLines.map((line, index) => asReceived(`<${(index % 24) * 8 + 6}>${line.replace(/\r$/, '')}`));
const rfc5424Lines = fileLines.map((line, index) => asReceived(toRfc5424(line, index, 3)));
const rfc5424SdLines = fileLines.map((line, index) => asReceived(toRfc5424(line, index, 1)));
const plainLines = readLines('web/apache_combined_10k.log').slice(0, 4000).map(asReceived);

console.log(`node ${process.version}, ${secondsPerRound}s x ${ROUNDS} rounds per input, best round shown, per CPU second`);
report('rfc3164-file', fileLines);
report('rfc3164-wire', wireLines);
report('rfc5424', rfc5424Lines);
report('rfc5424-sd', rfc5424SdLines);
report('plain', plainLines);
