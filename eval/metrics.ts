/**
 * Detection metrics for any detector that flags lines: per attack kind and overall, how many
 * episodes it caught (an episode counts as detected when at least one of its lines is flagged),
 * what share of each episode's lines it flagged, and how many benign lines it flagged per 10,000.
 */
import { ATTACK_KINDS, type AttackKind, type Label } from './labels.js';

export interface EpisodeResult {
  episode: string;
  kind: AttackKind;
  lines: number;
  flaggedLines: number;
  detected: boolean;
  /** flaggedLines / lines */
  lineShare: number;
}

export interface DetectionSummary {
  episodes: number;
  detected: number;
  /** detected / episodes (NaN without episodes). */
  recall: number;
  /** Mean over episodes of the share of their lines flagged (NaN without episodes). */
  meanLineShare: number;
}

export interface Report {
  /** Kinds present in the labels, in ATTACK_KINDS order. */
  kinds: Partial<Record<AttackKind, DetectionSummary>>;
  overall: DetectionSummary;
  benign: { lines: number; flagged: number; flaggedPer10k: number };
  episodes: EpisodeResult[];
}

function summarize(results: readonly EpisodeResult[]): DetectionSummary {
  const detected = results.filter((result) => result.detected).length;
  const shareSum = results.reduce((sum, result) => sum + result.lineShare, 0);
  return { episodes: results.length, detected, recall: detected / results.length, meanLineShare: shareSum / results.length };
}

/** `flagged[i]` says whether the detector flagged the line `labels[i]` describes. */
export function evaluate(labels: readonly Label[], flagged: readonly boolean[]): Report {
  if (labels.length !== flagged.length) throw new RangeError(`${labels.length} labels but ${flagged.length} flags`);
  const episodes = new Map<string, EpisodeResult>();
  let benignLines = 0;
  let benignFlagged = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as Label;
    if (label.line !== i + 1) throw new RangeError(`label ${i + 1} says line ${label.line}`);
    const isFlagged = flagged[i] === true;
    if (label.label === 'benign') {
      benignLines++;
      if (isFlagged) benignFlagged++;
      continue;
    }
    let result = episodes.get(label.episode);
    if (!result) {
      result = { episode: label.episode, kind: label.kind, lines: 0, flaggedLines: 0, detected: false, lineShare: 0 };
      episodes.set(label.episode, result);
    } else if (result.kind !== label.kind) {
      throw new RangeError(`episode ${label.episode} is labelled both ${result.kind} and ${label.kind}`);
    }
    result.lines++;
    if (isFlagged) result.flaggedLines++;
  }
  const results = [...episodes.values()];
  for (const result of results) {
    result.detected = result.flaggedLines > 0;
    result.lineShare = result.flaggedLines / result.lines;
  }
  const kinds: Partial<Record<AttackKind, DetectionSummary>> = {};
  for (const kind of ATTACK_KINDS) {
    const ofKind = results.filter((result) => result.kind === kind);
    if (ofKind.length > 0) kinds[kind] = summarize(ofKind);
  }
  return {
    kinds,
    overall: summarize(results),
    benign: {
      lines: benignLines,
      flagged: benignFlagged,
      flaggedPer10k: benignLines === 0 ? Number.NaN : (benignFlagged * 10_000) / benignLines,
    },
    episodes: results,
  };
}

const percent = (share: number): string => (Number.isNaN(share) ? '–' : `${(share * 100).toFixed(share === 1 || share === 0 ? 0 : 1)}%`);

function detectedCell(summary: DetectionSummary | undefined): string {
  if (!summary) return '–';
  return `${summary.detected}/${summary.episodes} (${percent(summary.recall)})`;
}

/**
 * A markdown table with a pair of columns per detector (`ours`, `fail2ban`, ...): episodes
 * detected and the mean share of their lines flagged, per attack kind, over all attacks, and the
 * benign lines flagged per 10k. All reports must come from the same labels.
 */
export function formatReport(reports: Readonly<Record<string, Report>>): string {
  const detectors = Object.keys(reports);
  const first = reports[detectors[0] ?? ''];
  if (!first) throw new RangeError('formatReport needs at least one report');
  for (const name of detectors) {
    const report = reports[name] as Report;
    if (report.overall.episodes !== first.overall.episodes || report.benign.lines !== first.benign.lines) {
      throw new RangeError(`report ${name} is not about the same labelled stream as ${detectors[0]}`);
    }
  }
  const header = ['attack kind', 'episodes', ...detectors.flatMap((name) => [`${name}: detected`, `${name}: lines flagged`])];
  const alignment = ['---', ...header.slice(1).map(() => '---:')];
  const rows: string[][] = [];
  for (const kind of ATTACK_KINDS) {
    const summary = first.kinds[kind];
    if (!summary) continue;
    rows.push([
      kind,
      String(summary.episodes),
      ...detectors.flatMap((name) => {
        const ofKind = (reports[name] as Report).kinds[kind];
        return [detectedCell(ofKind), percent(ofKind?.meanLineShare ?? Number.NaN)];
      }),
    ]);
  }
  rows.push([
    '**all attacks**',
    String(first.overall.episodes),
    ...detectors.flatMap((name) => {
      const overall = (reports[name] as Report).overall;
      return [`**${detectedCell(overall)}**`, `**${percent(overall.meanLineShare)}**`];
    }),
  ]);
  rows.push([
    `benign lines flagged (per 10k; of ${first.benign.lines})`,
    '',
    ...detectors.flatMap((name) => {
      const benign = (reports[name] as Report).benign;
      return [Number.isNaN(benign.flaggedPer10k) ? '–' : benign.flaggedPer10k.toFixed(1), String(benign.flagged)];
    }),
  ]);
  return [header, alignment, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n') + '\n';
}
