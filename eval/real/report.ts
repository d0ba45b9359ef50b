/**
 * Text of `npm run eval:real`: a block per file, the markdown table for README and the model
 * card, and the diagnostics the detector's authors work from (benign events flagged by entity
 * and reason, attackers missed and how siemad decoded their lines).
 */
import { ATTACK_CLASSES, type GroundTruth } from './ground-truth.js';
import { LOG_TYPES } from './log-type.js';
import { MIN_BENIGN_EVENTS, TOP, type DetectorLine, type FileMetrics } from './metrics.js';

const pct = (part: number, whole: number): string => (whole === 0 ? '-' : `${part}/${whole} (${Math.round((100 * part) / whole)}%)`);

export function per10kText({ events, flagged, per10k }: FileMetrics['benign']): string {
  if (events === 0) return 'no benign events';
  return `${per10k.toFixed(1)} (${flagged} of ${events}${events < MIN_BENIGN_EVENTS ? ', too few to check' : ''})`;
}

function typesText(metrics: FileMetrics): string {
  return LOG_TYPES.filter((type) => metrics.types[type] > 0)
    .map((type) => `${type} ${metrics.types[type]}`)
    .join(', ');
}

/** The per-file block printed on standard output. */
export function fileBlock(file: string, metrics: FileMetrics, missed: readonly string[]): string {
  const { coverage } = metrics;
  const lines = [
    `${file}: ${metrics.lines} lines (${typesText(metrics)})`,
    `  actors: ${metrics.attackers} attackers (${coverage['brute-forcer'].actors} brute-forcers, ${coverage.scanner.actors} scanners), ${metrics.legitimate} legitimate, ${metrics.grayActors} gray`,
    `  flagged: ${metrics.flaggedEvents} events of ${metrics.flaggedEntities} entities; top ${metrics.top.length}: ${metrics.topAttackers} attackers (need ${metrics.topRequired}), ${metrics.topLegitimate} legitimate`,
    `  benign events flagged per 10k: ${per10kText(metrics.benign)}`,
    `  flagged at least once: brute-forcers ${pct(coverage['brute-forcer'].flagged, coverage['brute-forcer'].actors)}, scanners ${pct(coverage.scanner.flagged, coverage.scanner.actors)}`,
    `  gray, for information: ${pct(metrics.gray.actorsFlagged, metrics.gray.actors)} actors and ${pct(metrics.gray.eventsFlagged, metrics.gray.events)} events flagged`,
  ];
  for (const line of missed) lines.push(`  TARGET MISSED: ${line}`);
  return lines.join('\n');
}

/** The markdown table of all files. */
export function markdownTable(rows: readonly { file: string; metrics: FileMetrics; missed: readonly string[] }[]): string {
  const out = [
    `| file | lines | attackers (brute-forcers / scanners) | legitimate | gray | attackers in top ${TOP} | legitimate in top ${TOP} | benign flagged per 10k | brute-forcers flagged | scanners flagged | gray actors flagged | targets |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const { file, metrics, missed } of rows) {
    const { coverage } = metrics;
    out.push(
      `| ${file} | ${metrics.lines} | ${metrics.attackers} (${coverage['brute-forcer'].actors} / ${coverage.scanner.actors}) | ${metrics.legitimate} | ${metrics.grayActors} | ` +
        `${metrics.topAttackers} of ${metrics.top.length} (need ${metrics.topRequired}) | ${metrics.topLegitimate} | ${per10kText(metrics.benign)} | ` +
        `${pct(coverage['brute-forcer'].flagged, coverage['brute-forcer'].actors)} | ${pct(coverage.scanner.flagged, coverage.scanner.actors)} | ` +
        `${pct(metrics.gray.actorsFlagged, metrics.gray.actors)} | ${missed.length === 0 ? 'met' : `${missed.length} missed`} |`,
    );
  }
  return out.join('\n');
}

/** Counts of keys, most first, at most `limit`. */
function topCounts(values: Iterable<string>, limit: number): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
}

const EXAMPLE_CHARS = 220;
const example = (lines: readonly string[], index: number): string => `line ${index + 1}: ${(lines[index] ?? '').slice(0, EXAMPLE_CHARS)}`;

interface Group {
  count: number;
  decoded: string[];
  example: number;
}

/** Diagnostics of one file (markdown-ish text). */
export function diagnostics(
  file: string,
  lines: readonly string[],
  truth: GroundTruth,
  detector: readonly DetectorLine[],
  metrics: FileMetrics,
): string {
  const out = [`## ${file}`, '', `Top ${metrics.top.length} flagged entities (of ${metrics.flaggedEntities}):`];
  for (const [rank, row] of metrics.top.entries()) {
    out.push(
      `${String(rank + 1).padStart(3)}. ${row.entity} [${row.class}] ${row.events} events, risk ${row.score.toFixed(2)} ${row.level}: ${row.reason ?? '-'}`,
    );
  }

  const benignGroups = new Map<string, Group>();
  const reasons: string[] = [];
  for (let i = 0; i < truth.lines; i++) {
    const anomaly = detector[i]?.anomaly;
    if (anomaly === undefined || truth.labels[i] !== 'benign') continue;
    const actor = truth.lineActors[i];
    const verdict = actor === undefined ? 'no actor' : `${truth.actors.get(actor)?.class ?? '?'}: ${truth.actors.get(actor)?.why ?? '?'}`;
    const reason = anomaly.reasons[0] ?? '-';
    reasons.push(reason.replace(/[\d.]+/g, 'N'));
    const key = `${anomaly.key} (${verdict}) | ${reason.replace(/[\d.]+/g, 'N')}`;
    const group = benignGroups.get(key);
    if (group === undefined) benignGroups.set(key, { count: 1, decoded: [detector[i]?.decoded ?? '-'], example: i });
    else {
      group.count++;
      group.decoded.push(detector[i]?.decoded ?? '-');
    }
  }
  out.push('', `Benign events flagged: ${metrics.benign.flagged} of ${metrics.benign.events}. By first reason (numbers as N):`);
  for (const [reason, count] of topCounts(reasons, 15)) out.push(`  ${String(count).padStart(6)}  ${reason}`);
  out.push('', 'By entity and first reason, most first:');
  const groups = [...benignGroups].sort((a, b) => b[1].count - a[1].count).slice(0, 30);
  for (const [key, group] of groups) {
    const decoded = topCounts(group.decoded, 3)
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    out.push(`  ${String(group.count).padStart(6)}  ${key}`, `          decoded as ${decoded}; e.g. ${example(lines, group.example)}`);
  }
  if (benignGroups.size > groups.length) out.push(`  ... and ${benignGroups.size - groups.length} more groups`);

  const eventsOf = new Map<string, number[]>();
  for (let i = 0; i < truth.lines; i++) {
    const actor = truth.lineActors[i];
    if (actor === undefined || truth.labels[i] !== 'attack') continue;
    const list = eventsOf.get(actor);
    if (list === undefined) eventsOf.set(actor, [i]);
    else list.push(i);
  }
  for (const kind of ATTACK_CLASSES) {
    const { missed, actors } = metrics.coverage[kind];
    if (actors === 0) continue;
    out.push('', `${kind}s missed (no event flagged): ${missed.length} of ${actors}`);
    const missedEvents = missed.flatMap((actor) => eventsOf.get(actor) ?? []);
    const decodedAll = topCounts(
      missedEvents.map((i) => detector[i]?.decoded ?? '-'),
      8,
    )
      .map(([name, n]) => `${name} ${n}`)
      .join(', ');
    if (missed.length > 0) out.push(`  their ${missedEvents.length} events were decoded as: ${decodedAll}`);
    const bySize = missed.map((actor) => ({ actor, events: eventsOf.get(actor) ?? [] })).sort((a, b) => b.events.length - a.events.length);
    for (const { actor, events } of bySize.slice(0, 20)) {
      const decoded = topCounts(
        events.map((i) => detector[i]?.decoded ?? '-'),
        3,
      )
        .map(([name, n]) => `${name} ${n}`)
        .join(', ');
      out.push(`  ${actor} (${truth.actors.get(actor)?.why ?? '?'}): ${events.length} events, decoded as ${decoded}`);
      if (events[0] !== undefined) out.push(`          e.g. ${example(lines, events[0])}`);
    }
    if (bySize.length > 20) out.push(`  ... and ${bySize.length - 20} more`);
  }
  return out.join('\n') + '\n';
}
