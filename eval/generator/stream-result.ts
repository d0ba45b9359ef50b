/**
 * What every site's generator takes and gives: the options, the stream window they describe,
 * and the finished stream with its labels and a description of each attack episode.
 */
import type { AttackKind, Label } from '../labels.js';
import type { EpisodeSummary } from './attacks/episode.js';
import { MICROS_PER_DAY, microsFromDate } from './clock.js';
import { formatRfc3339Micros } from './syslog-line.js';

/** The generated sites: 1, a 36-person company in UTC; 2, a six-person agency in IST (site2/). */
export const SITES = [1, 2] as const;
export type SiteNumber = (typeof SITES)[number];

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
  /** Which site's logs; default 1. */
  site?: SiteNumber;
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

/** The stream's first and last instant (epoch µs); throws on unusable options. */
export function streamWindow(options: GenerateOptions): { start: number; end: number } {
  if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
  if (!(options.days > 0 && options.days <= 366)) throw new RangeError(`days must be in (0, 366], got ${options.days}`);
  const date = typeof options.startTime === 'string' ? new Date(options.startTime) : options.startTime;
  if (Number.isNaN(date.getTime())) throw new RangeError(`startTime is not a valid time: ${String(options.startTime)}`);
  const start = microsFromDate(date);
  return { start, end: start + Math.round(options.days * MICROS_PER_DAY) };
}

/** Episode ids in plan order, described from the lines that carry their labels. */
export function describeEpisodes(ids: string[], labels: Label[], times: number[], summaries: Map<string, EpisodeSummary>): Episode[] {
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
