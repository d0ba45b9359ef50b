/**
 * What the alerts of a stream would be: the flagged lines of `siemad analyze` grouped with the
 * grouping code of `siemad serve` (alerts/grouping.ts), in stream order, and measured against the
 * labels. Issue 8's goals: on average at most 1.5 alerts per attack episode (counted over the
 * episodes that have an alert) and at most 2 alerts a day whose anomalies are all benign.
 */
import type { AlertAnomaly } from '../alerts/anomaly.js';
import { ALERT_LEVELS, type AlertLevel } from '../alerts/anomaly.js';
import { AlertGrouper, DEFAULT_GROUPING, type GroupingOptions } from '../alerts/grouping.js';
import type { Label } from './labels.js';

/** A flagged line (0-based index) and what an alert keeps of it. */
export interface LineAnomaly {
  line: number;
  anomaly: AlertAnomaly;
}

/** An alert and the lines of its anomalies. */
export interface LineAlert {
  id: number;
  entity: string;
  kind: string;
  level: AlertLevel;
  lines: number[];
}

export const ALERT_TARGETS = { alertsPerEpisode: 1.5, benignAlertsPerDay: 2 } as const;

/** Groups flagged lines (in stream order) into alerts; lines below the alert level join none. */
export function groupIntoAlerts(anomalies: readonly LineAnomaly[], options: GroupingOptions = DEFAULT_GROUPING): LineAlert[] {
  const grouper = new AlertGrouper(options);
  const alerts: LineAlert[] = [];
  for (const { line, anomaly } of anomalies) {
    const placed = grouper.add(anomaly);
    if (placed === undefined) continue;
    const alert =
      alerts[placed.id] ??
      (alerts[placed.id] = { id: placed.id, entity: anomaly.entity, kind: anomaly.kind, level: anomaly.level, lines: [] });
    alert.level = placed.alert.level;
    alert.lines.push(line);
  }
  return alerts;
}

export interface AlertFigures {
  level: AlertLevel;
  windowMs: number;
  days: number;
  anomalies: number;
  alerts: number;
  /** Attack episodes (synthetic streams) or attackers (real logs), and those with an alert. */
  targets: number;
  targetsAlerted: number;
  /** Mean number of alerts holding an anomaly of an episode (attacker), over those alerted; NaN without. */
  alertsPerTarget: number;
  /** Alerts whose anomalies are all benign lines. */
  benignAlerts: number;
  /** The episodes (attackers) with at least one alert. */
  alerted: Set<string>;
}

export const perDay = (count: number, days: number): number => count / days;

/**
 * Alert figures given, per line, the attack it belongs to (undefined: none) and whether it is
 * benign (a line may be neither: a suspicious actor's below the attacker thresholds).
 */
export function alertFigures(
  anomalies: readonly LineAnomaly[],
  attackOf: (line: number) => string | undefined,
  isBenign: (line: number) => boolean,
  targets: number,
  days: number,
  options: GroupingOptions = DEFAULT_GROUPING,
): AlertFigures {
  const alerts = groupIntoAlerts(anomalies, options);
  const alertsOf = new Map<string, Set<number>>();
  let benignAlerts = 0;
  for (const alert of alerts) {
    if (alert.lines.every(isBenign)) benignAlerts++;
    for (const line of alert.lines) {
      const attack = attackOf(line);
      if (attack === undefined) continue;
      const set = alertsOf.get(attack) ?? new Set<number>();
      set.add(alert.id);
      alertsOf.set(attack, set);
    }
  }
  let sum = 0;
  for (const set of alertsOf.values()) sum += set.size;
  return {
    level: options.level,
    windowMs: options.windowMs,
    days,
    anomalies: anomalies.length,
    alerts: alerts.length,
    targets,
    targetsAlerted: alertsOf.size,
    alertsPerTarget: alertsOf.size === 0 ? Number.NaN : sum / alertsOf.size,
    benignAlerts,
    alerted: new Set(alertsOf.keys()),
  };
}

/** Figures of a labelled synthetic stream: targets are its attack episodes. */
export function episodeAlertFigures(
  labels: readonly Label[],
  anomalies: readonly LineAnomaly[],
  days: number,
  options: GroupingOptions = DEFAULT_GROUPING,
): AlertFigures {
  const episodes = new Set<string>();
  for (const label of labels) if (label.label === 'attack') episodes.add(label.episode);
  const attackOf = (line: number): string | undefined => {
    const label = labels[line];
    return label?.label === 'attack' ? label.episode : undefined;
  };
  return alertFigures(anomalies, attackOf, (line) => labels[line]?.label === 'benign', episodes.size, days, options);
}

/** The goals this stream misses (empty when both are met). */
export function missedAlertTargets(figures: AlertFigures, target: 'episode' | 'attacker' = 'episode'): string[] {
  const missed: string[] = [];
  if (!(figures.alertsPerTarget <= ALERT_TARGETS.alertsPerEpisode))
    missed.push(
      `${figures.alertsPerTarget.toFixed(2)} alerts per ${target === 'episode' ? 'attack episode' : 'attacker'} > ${ALERT_TARGETS.alertsPerEpisode}`,
    );
  const benign = perDay(figures.benignAlerts, figures.days);
  if (!(benign <= ALERT_TARGETS.benignAlertsPerDay))
    missed.push(`${benign.toFixed(2)} benign alerts per day > ${ALERT_TARGETS.benignAlertsPerDay}`);
  return missed;
}

export const hours = (ms: number): string => (ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${ms / 60_000} min`);

/** The default grouping, then other levels (default window), then other windows (default level). */
export function groupingVariants(windowsMs: readonly number[] = [3_600_000, 2 * 3_600_000, 6 * 3_600_000]): GroupingOptions[] {
  const variants = [DEFAULT_GROUPING];
  for (const level of ALERT_LEVELS) if (level !== DEFAULT_GROUPING.level) variants.push({ ...DEFAULT_GROUPING, level });
  for (const windowMs of windowsMs) if (windowMs !== DEFAULT_GROUPING.windowMs) variants.push({ ...DEFAULT_GROUPING, windowMs });
  return variants;
}

/**
 * A markdown table of the figures of several groupings (`groupingVariants`), the default first,
 * so the choice of the defaults can be read off it. `target` names what is counted.
 */
export function alertGroupingTable(figures: readonly AlertFigures[], target: 'episode' | 'attacker'): string {
  const rows = [
    `| --alert-level, --alert-window | anomalies per day | alerts per day | ${target}s with an alert | alerts per ${target} | benign alerts per day |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const f of figures) {
    const isDefault = f.level === DEFAULT_GROUPING.level && f.windowMs === DEFAULT_GROUPING.windowMs;
    const name = `${f.level}, ${hours(f.windowMs)}`;
    rows.push(
      `| ${isDefault ? `**${name}** (default)` : name} | ${perDay(f.anomalies, f.days).toFixed(1)} | ${perDay(f.alerts, f.days).toFixed(1)} | ${f.targetsAlerted} of ${f.targets} | ` +
        `${Number.isNaN(f.alertsPerTarget) ? '-' : f.alertsPerTarget.toFixed(2)} | ${perDay(f.benignAlerts, f.days).toFixed(2)} |`,
    );
  }
  return rows.join('\n');
}

/** One line: the figures at the default grouping. */
export function alertSummaryLine(f: AlertFigures, target: 'episode' | 'attacker'): string {
  return (
    `alerts (--alert-level ${f.level}, --alert-window ${hours(f.windowMs)}): ${perDay(f.anomalies, f.days).toFixed(1)} anomalies and ${perDay(f.alerts, f.days).toFixed(1)} alerts per day, ` +
    `${Number.isNaN(f.alertsPerTarget) ? '-' : f.alertsPerTarget.toFixed(2)} alerts per ${target} (${f.targetsAlerted} of ${f.targets} ${target}s alerted), ` +
    `${perDay(f.benignAlerts, f.days).toFixed(2)} benign alerts per day`
  );
}

/** A markdown table of the figures at the default grouping, one row per file. */
export function alertFileTable(rows: readonly { file: string; figures: AlertFigures }[]): string {
  const out = [
    '| file | days | anomalies per day | alerts per day | attackers with an alert | alerts per attacker | benign alerts per day |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { file, figures: f } of rows) {
    out.push(
      `| ${file} | ${f.days.toFixed(1)} | ${perDay(f.anomalies, f.days).toFixed(1)} | ${perDay(f.alerts, f.days).toFixed(1)} | ${f.targetsAlerted} of ${f.targets} | ` +
        `${Number.isNaN(f.alertsPerTarget) ? '-' : f.alertsPerTarget.toFixed(2)} | ${perDay(f.benignAlerts, f.days).toFixed(2)} |`,
    );
  }
  return out.join('\n');
}
