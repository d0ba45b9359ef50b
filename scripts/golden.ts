/**
 * `npm run golden:update`: regenerates the decoders' golden files, Beats-style. Each
 * `test/collector/decoders/golden/NAME.log` holds log lines of one kind, one per message shape
 * seen in real logs (anonymised); beside it, `NAME.expected.ndjson` holds the full ECS event the
 * collector makes of each line (parse + decode, collector/normalize.ts), one JSON object per line,
 * keys sorted. Review the diff after regenerating: every changed field is a changed behaviour.
 * `--check` writes nothing and exits 1 when a file is out of date (the tests diff field by field).
 *
 * Each line is read as a line of the file `NAME.log` (so `log.file.path` is `NAME.log`) received at
 * GOLDEN_RECEIVED_AT, RFC 3164 times in UTC. Fields that say nothing about decoding are left out:
 * `event.created` (the receipt time), `event.original` (the line itself) and `observer`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EcsEvent } from '../collector/ecs/event.js';
import { normalize, type NormalizeContext } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import { PACKAGE_ROOT } from '../core/package-root.js';

export const GOLDEN_DIR = path.join(PACKAGE_ROOT, 'test', 'collector', 'decoders', 'golden');
/** After every fixture's date, so RFC 3164 lines (no year) all fall in the same year. */
export const GOLDEN_RECEIVED_AT = Date.UTC(2026, 11, 31, 12, 0, 0);
const LOG_SUFFIX = '.log';
const EXPECTED_SUFFIX = '.expected.ndjson';
const CONTEXT: NormalizeContext = { timeZone: 'UTC', observer: {} };

/** The `.log` fixtures, sorted by name. */
export function goldenLogs(): string[] {
  return fs
    .readdirSync(GOLDEN_DIR)
    .filter((name) => name.endsWith(LOG_SUFFIX))
    .sort();
}

export function expectedName(logName: string): string {
  return logName.slice(0, -LOG_SUFFIX.length) + EXPECTED_SUFFIX;
}

/** The lines of a fixture: LF-separated, CR before LF dropped, no empty last line. */
export function fixtureLines(text: string): string[] {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** A copy with object keys sorted (arrays keep their order), so the output does not depend on insertion order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortedKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** The golden form of the event of one line. */
export function goldenEvent(logName: string, line: string, seq: number): Record<string, unknown> {
  const raw: RawMessage = {
    text: line,
    transport: 'file',
    peerAddress: logName,
    peerPort: 0,
    receivedAt: GOLDEN_RECEIVED_AT,
    connectionId: 1,
    seq,
    truncated: false,
    size: Buffer.byteLength(line),
  };
  const event: Partial<EcsEvent> = normalize(raw, CONTEXT);
  const { created: _created, original: _original, ...fields } = event.event as EcsEvent['event'];
  delete event.observer;
  return sortedKeys({ ...event, event: fields }) as Record<string, unknown>;
}

/** The `.expected.ndjson` text for a fixture's text. */
export function goldenText(logName: string, text: string): string {
  return fixtureLines(text)
    .map((line, seq) => `${JSON.stringify(goldenEvent(logName, line, seq))}\n`)
    .join('');
}

function main(): void {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  for (const logName of goldenLogs()) {
    const expectedPath = path.join(GOLDEN_DIR, expectedName(logName));
    const after = goldenText(logName, fs.readFileSync(path.join(GOLDEN_DIR, logName), 'utf8'));
    const before = fs.existsSync(expectedPath) ? fs.readFileSync(expectedPath, 'utf8') : undefined;
    if (after === before) continue;
    stale.push(expectedName(logName));
    if (!check) fs.writeFileSync(expectedPath, after);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`golden files out of date: ${stale.join(', ')} (run npm run golden:update and review the diff)\n`);
    process.exitCode = 1;
  } else if (!check) {
    process.stderr.write(stale.length === 0 ? 'golden files: all up to date\n' : `golden files written: ${stale.join(', ')}\n`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
