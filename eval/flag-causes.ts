/**
 * Benign lines a detector flagged, grouped by what produced the flag: `event.action` and the
 * first reason with its numbers and addresses blanked out (`#`, `<ip>`), so "19 web requests
 * from 192.0.2.80" and "20 web requests from 192.0.2.33" fall in one group. Shows where a
 * detector's false alarms come from on a site.
 */
import type { Label } from './labels.js';
import type { FlagCause } from './detector-output.js';

export interface CauseGroup {
  action: string;
  /** The reason with numbers and addresses blanked. */
  reason: string;
  lines: number;
  /** One reason as the detector wrote it, and the line (1-based) it was about. */
  example: { reason: string; line: number };
}

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
const IPV6 = /\b[0-9a-f]{1,4}(?::[0-9a-f]{0,4}){2,7}\b/gi;
const NUMBER = /\d+(?:\.\d+)?/g;

export function reasonTemplate(reason: string): string {
  return reason.replace(IPV4, '<ip>').replace(IPV6, '<ip>').replace(NUMBER, '#');
}

/** Groups the flagged benign lines, largest group first. */
export function groupBenignFlagCauses(labels: readonly Label[], causes: ReadonlyMap<number, FlagCause>): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const [index, cause] of causes) {
    if (labels[index]?.label !== 'benign') continue;
    const reason = reasonTemplate(cause.reason);
    const key = `${cause.action}\u0000${reason}`;
    const group = groups.get(key);
    if (group) group.lines++;
    else groups.set(key, { action: cause.action, reason, lines: 1, example: { reason: cause.reason, line: index + 1 } });
  }
  return [...groups.values()].sort((a, b) => b.lines - a.lines || a.action.localeCompare(b.action) || a.reason.localeCompare(b.reason));
}

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** A markdown table of the `top` largest groups, with their share per 10k benign lines. */
export function formatFlagCauses(groups: readonly CauseGroup[], benignLines: number, top = 25): string {
  const flagged = groups.reduce((sum, group) => sum + group.lines, 0);
  const rows = groups
    .slice(0, top)
    .map(
      (group) =>
        `| ${group.lines} | ${((group.lines * 10_000) / benignLines).toFixed(1)} | ${cell(group.action)} | ${cell(group.reason)} | line ${group.example.line}: ${cell(group.example.reason)} |`,
    );
  const rest =
    groups.length > top
      ? `\n(${groups.length - top} smaller groups, ${groups.slice(top).reduce((sum, group) => sum + group.lines, 0)} lines, not shown)\n`
      : '\n';
  return (
    `Benign lines flagged, by cause (event.action + first reason): ${flagged} lines in ${groups.length} groups\n\n` +
    '| lines | per 10k benign | event.action | first reason (numbers and addresses blanked) | example |\n' +
    '| ---: | ---: | --- | --- | --- |\n' +
    rows.join('\n') +
    rest
  );
}
