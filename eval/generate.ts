/**
 * `generate`: writes a labelled security-log stream for evaluating detectors.
 *   tsx eval/generate.ts --seed 1 --days 7 --out /tmp/stream.log [--site 2]
 * writes /tmp/stream.log (rsyslog lines) and /tmp/stream.log.labels.jsonl (one label per line),
 * and prints the attack episodes it wove in to stderr.
 */
import { Command, InvalidArgumentError } from 'commander';
import { ATTACK_KINDS, isAttackKind, type AttackKind } from './labels.js';
import { DEFAULT_START_TIME, SITES, generateStream, type SiteNumber } from './generator/generate-stream.js';
import { labelsPathFor, writeStreamFiles } from './stream-files.js';

function integer(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return parsed;
  };
}

function days(value: string): number {
  const parsed = Number(value);
  if (!(parsed >= 0.5 && parsed <= 366)) throw new InvalidArgumentError('days must be a number from 0.5 to 366');
  return parsed;
}

function startTime(value: string): string {
  if (Number.isNaN(new Date(value).getTime())) throw new InvalidArgumentError('start must be an ISO 8601 time, e.g. 2026-11-02T00:00:00Z');
  return value;
}

function site(value: string): SiteNumber {
  const parsed = Number(value);
  if (!(SITES as readonly number[]).includes(parsed)) throw new InvalidArgumentError(`site must be one of ${SITES.join(', ')}`);
  return parsed as SiteNumber;
}

function kinds(value: string): AttackKind[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !isAttackKind(name));
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown attack kind(s) ${unknown.join(', ')}; known: ${ATTACK_KINDS.join(', ')}`);
  return names as AttackKind[];
}

const program = new Command('generate')
  .description(
    'Write a seeded, labelled stream of rsyslog lines (sshd, PAM, sudo, su, useradd, cron, logind, UFW, nginx, Apache) with attack episodes.',
  )
  .requiredOption('--out <file>', 'log file to write; labels go to <file>.labels.jsonl')
  .option('--site <n>', 'which site: 1, a 36-person company in UTC; 2, a six-person agency in IST built differently', site, 1 as SiteNumber)
  .option('--seed <n>', 'random seed: the same seed gives the same stream', integer('seed', 0, 2 ** 31 - 1), 1)
  .option('--days <n>', 'length of the stream in days', days, 7)
  .option('--start <time>', 'first instant of the stream (UTC)', startTime, DEFAULT_START_TIME)
  .option('--episodes-per-kind <n>', 'attack episodes of each kind (default: max(2, ceil(days / 2)))', integer('episodes-per-kind', 1, 100))
  .option('--kinds <list>', `comma-separated attack kinds to include (default: all of ${ATTACK_KINDS.join(', ')})`, kinds)
  .option('--benign-only', 'no attack episodes at all (training data for the models)')
  .option('--no-reduce-repeats', "write repeated messages as they are instead of rsyslog's `message repeated N times`")
  .showHelpAfterError();

program.parse();
const options = program.opts<{
  out: string;
  site: SiteNumber;
  seed: number;
  days: number;
  start: string;
  episodesPerKind?: number;
  kinds?: AttackKind[];
  reduceRepeats: boolean;
  benignOnly?: boolean;
}>();

const stream = generateStream({
  site: options.site,
  seed: options.seed,
  days: options.days,
  startTime: options.start,
  reduceRepeats: options.reduceRepeats,
  ...(options.episodesPerKind !== undefined ? { episodesPerKind: options.episodesPerKind } : {}),
  ...(options.kinds !== undefined ? { kinds: options.kinds } : {}),
  ...(options.benignOnly === true ? { kinds: [] } : {}),
});
await writeStreamFiles(options.out, stream);

const attackLines = stream.labels.filter((label) => label.label === 'attack').length;
process.stderr.write(`${options.out}: ${stream.lines.length} lines (${attackLines} attack), labels in ${labelsPathFor(options.out)}\n`);
for (const episode of stream.episodes) {
  process.stderr.write(
    `  ${episode.id.padEnd(26)} ${episode.start.slice(0, 19)}  ${String(episode.lines).padStart(5)} lines  ${episode.source} -> ${episode.target}: ${episode.detail}\n`,
  );
}
