/**
 * Generates a labelled security-log stream: a company's ordinary activity over `days` days with
 * attack episodes woven in, as one rsyslog file (all hosts forward to one collector). The same
 * options always give the same lines.
 */
import { ATTACK_KINDS, type AttackKind, type Label } from '../labels.js';
import { GenerationContext } from './context.js';
import { InternetAddresses } from './internet.js';
import { LogStream } from './log-stream.js';
import { buildOrganization } from './organization.js';
import { Random } from './random.js';
import { MICROS_PER_DAY, microsFromDate } from './clock.js';
import { formatRfc3339Micros } from './syslog-line.js';
import { generateCron } from './benign/cron.js';
import { generateWorkforce } from './benign/workforce.js';
import { generateAutomation } from './benign/automation.js';
import { generateSshNoise } from './benign/ssh-noise.js';
import { generateWebTraffic } from './benign/web-traffic.js';
import { generateFirewallNoise } from './benign/firewall-noise.js';
import { planEpisodes } from './attacks/schedule.js';
import { ATTACK_GENERATORS } from './attacks/index.js';
import type { EpisodeSummary } from './attacks/episode.js';

export interface GenerateOptions {
  seed: number;
  /** Length of the stream in days (fractions allowed, at least a few hours for the long attacks). */
  days: number;
  /** First instant of the stream. */
  startTime: Date | string;
  /** Episodes of each attack kind; default max(2, ⌈days / 2⌉). */
  episodesPerKind?: number;
  /** Attack kinds to include; default all. */
  kinds?: readonly AttackKind[];
  /** rsyslog's repeated-message reduction (Ubuntu's default); default true. */
  reduceRepeats?: boolean;
}

export interface Episode extends EpisodeSummary {
  id: string;
  kind: AttackKind;
  /** RFC 3339 times of the episode's first and last lines. */
  start: string;
  end: string;
  /** 1-based numbers of its first and last lines, and its line count. */
  firstLine: number;
  lastLine: number;
  lines: number;
}

export interface GeneratedStream {
  lines: string[];
  /** `labels[i]` belongs to `lines[i]` (and says `line: i + 1`). */
  labels: Label[];
  episodes: Episode[];
}

export const DEFAULT_START_TIME = '2026-11-02T00:00:00Z';

function validate(options: GenerateOptions): { start: number; end: number } {
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  if (!(options.days > 0 && options.days <= 366)) throw new RangeError(`days must be in (0, 366], got ${options.days}`);
  const date = typeof options.startTime === 'string' ? new Date(options.startTime) : options.startTime;
  if (Number.isNaN(date.getTime())) throw new RangeError(`startTime is not a valid time: ${String(options.startTime)}`);
  const start = microsFromDate(date);
  return { start, end: start + Math.round(options.days * MICROS_PER_DAY) };
}

export function generateStream(options: GenerateOptions): GeneratedStream {
  const { start, end } = validate(options);
  const rng = new Random(options.seed);
  const stream = new LogStream(start, end);
  const ctx = new GenerationContext(rng.fork('hosts'), stream, buildOrganization(rng.fork('organization')), new InternetAddresses(rng.fork('internet')));

  generateCron(ctx, rng.fork('cron'));
  generateWorkforce(ctx, rng.fork('workforce'));
  generateAutomation(ctx, rng.fork('automation'));
  generateSshNoise(ctx, rng.fork('ssh-noise'));
  generateWebTraffic(ctx, rng.fork('web'));
  generateFirewallNoise(ctx, rng.fork('firewall'));

  const perKind = options.episodesPerKind ?? Math.max(2, Math.ceil(options.days / 2));
  const plans = planEpisodes(rng.fork('schedule'), start, end, options.kinds ?? ATTACK_KINDS, perKind);
  const summaries = new Map<string, EpisodeSummary>();
  for (const plan of plans) summaries.set(plan.episode, ATTACK_GENERATORS[plan.kind](ctx, rng.fork(`attack/${plan.episode}`), plan));

  const { lines, labels, times } = stream.build({ reduceRepeats: options.reduceRepeats ?? true });
  return { lines, labels, episodes: describeEpisodes(plans.map((plan) => plan.episode), labels, times, summaries) };
}

function describeEpisodes(ids: string[], labels: Label[], times: number[], summaries: Map<string, EpisodeSummary>): Episode[] {
  const spans = new Map<string, { kind: AttackKind; first: number; last: number; lines: number }>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (label?.label !== 'attack') continue;
    const span = spans.get(label.episode);
    if (span) {
      span.last = i;
      span.lines++;
    } else spans.set(label.episode, { kind: label.kind, first: i, last: i, lines: 1 });
  }
  const episodes: Episode[] = [];
  for (const id of ids) {
    const span = spans.get(id);
    const summary = summaries.get(id);
    if (!span || !summary) throw new Error(`episode ${id} produced no lines`);
    episodes.push({
      id,
      kind: span.kind,
      ...summary,
      start: formatRfc3339Micros(times[span.first] ?? 0),
      end: formatRfc3339Micros(times[span.last] ?? 0),
      firstLine: span.first + 1,
      lastLine: span.last + 1,
      lines: span.lines,
    });
  }
  return episodes;
}
