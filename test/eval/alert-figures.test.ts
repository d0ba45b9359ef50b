import t from 'tap';
import type { AlertAnomaly } from '../../alerts/anomaly.js';
import { DEFAULT_GROUPING } from '../../alerts/grouping.js';
import {
  alertGroupingTable,
  episodeAlertFigures,
  groupingVariants,
  missedAlertTargets,
  type LineAnomaly,
} from '../../eval/alert-figures.js';
import type { Label } from '../../eval/labels.js';

const T0 = Date.parse('2026-11-02T00:00:00Z');
const MINUTE = 60_000;

function flagged(line: number, minute: number, entity: string, kind: string, level: AlertAnomaly['level'] = 'high'): LineAnomaly {
  return { line, anomaly: { eventId: `l${line}`, time: T0 + minute * MINUTE, entity, kind, level, score: 0.9 } };
}

/**
 * Ten lines: episode brute_force-1 (lines 0-3: three anomalies of one address, one of its
 * spraying kind), episode port_scan_fast-1 (lines 4-5), and benign lines 6-9 of which two are
 * flagged by one address a minute apart and one by another (medium).
 */
const labels: Label[] = [
  ...[0, 1, 2, 3].map((i): Label => ({ line: i + 1, label: 'attack', kind: 'brute_force', episode: 'brute_force-1' })),
  ...[4, 5].map((i): Label => ({ line: i + 1, label: 'attack', kind: 'port_scan_fast', episode: 'port_scan_fast-1' })),
  ...[6, 7, 8, 9].map((i): Label => ({ line: i + 1, label: 'benign' })),
];
const anomalies = [
  flagged(0, 0, 'source.ip=203.0.113.5', 'brute_force'),
  flagged(1, 1, 'source.ip=203.0.113.5', 'brute_force', 'critical'),
  flagged(2, 2, 'source.ip=203.0.113.5', 'password_spraying'),
  flagged(3, 3, 'source.ip=203.0.113.5', 'brute_force'),
  flagged(4, 10, 'source.ip=198.51.100.7', 'port_scan'),
  flagged(6, 20, 'user.name=dana', 'unusual_hour'),
  flagged(7, 21, 'user.name=dana', 'unusual_hour'),
  flagged(8, 22, 'source.ip=192.0.2.44', 'new_login_source', 'medium'),
];

t.test("alerts per episode count the alerts holding an episode's anomalies; benign alerts hold benign lines only", async (t) => {
  const figures = episodeAlertFigures(labels, anomalies, 0.5, DEFAULT_GROUPING);
  t.match(figures, { level: 'high', anomalies: 8, alerts: 4, targets: 2, targetsAlerted: 2, alertsPerTarget: 1.5, benignAlerts: 1 });
  t.same([...figures.alerted].sort(), ['brute_force-1', 'port_scan_fast-1']);
  t.same(missedAlertTargets(figures), [], 'two benign alerts a day is still within the goal');
  const medium = episodeAlertFigures(labels, anomalies, 0.5, { ...DEFAULT_GROUPING, level: 'medium' });
  t.equal(medium.benignAlerts, 2, 'the medium anomaly opens an alert at medium');
  t.same(missedAlertTargets(medium), ['4.00 benign alerts per day > 2']);
  const looser = episodeAlertFigures(
    labels,
    [...anomalies, flagged(5, 11, 'source.ip=198.51.100.7', 'web_scan'), flagged(9, 23, 'host.hostname=web-01', 'unusual_hour')],
    1,
    DEFAULT_GROUPING,
  );
  t.same(missedAlertTargets(looser), ['2.00 alerts per attack episode > 1.5']);
});

t.test('the grouping table lists the default first, marked, then other levels and windows', async (t) => {
  const variants = groupingVariants();
  t.same(variants[0], DEFAULT_GROUPING);
  const table = alertGroupingTable(
    variants.map((grouping) => episodeAlertFigures(labels, anomalies, 1, grouping)),
    'episode',
  );
  const rows = table.split('\n');
  t.match(rows[2], /^\| \*\*high, 24 h\*\* \(default\) \| 8\.0 \| 4\.0 \| 2 of 2 \| 1\.50 \| 1\.00 \|$/);
  t.match(rows[3], /^\| low, 24 h \|/);
  t.match(rows.at(-1), /^\| high, 6 h \|/);
});
