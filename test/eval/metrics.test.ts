import t from 'tap';
import { evaluate, formatReport } from '../../eval/metrics.js';
import type { Label } from '../../eval/labels.js';

const benign = (line: number): Label => ({ line, label: 'benign' });
const attack = (line: number, kind: 'brute_force' | 'web_scan', episode: string): Label => ({ line, label: 'attack', kind, episode });

const labels: Label[] = [
  benign(1),
  attack(2, 'brute_force', 'brute_force-1'),
  attack(3, 'brute_force', 'brute_force-1'),
  benign(4),
  attack(5, 'brute_force', 'brute_force-2'),
  attack(6, 'web_scan', 'web_scan-1'),
  attack(7, 'web_scan', 'web_scan-1'),
  attack(8, 'web_scan', 'web_scan-1'),
  attack(9, 'web_scan', 'web_scan-1'),
  benign(10),
];
const flags = [true, false, true, false, false, true, true, false, false, false];

t.test('counts an episode as detected when any of its lines is flagged, with the share of its lines flagged', async (t) => {
  const report = evaluate(labels, flags);
  t.same(report.episodes, [
    { episode: 'brute_force-1', kind: 'brute_force', lines: 2, flaggedLines: 1, detected: true, lineShare: 0.5 },
    { episode: 'brute_force-2', kind: 'brute_force', lines: 1, flaggedLines: 0, detected: false, lineShare: 0 },
    { episode: 'web_scan-1', kind: 'web_scan', lines: 4, flaggedLines: 2, detected: true, lineShare: 0.5 },
  ]);
  t.same(report.kinds, {
    brute_force: { episodes: 2, detected: 1, recall: 0.5, meanLineShare: 0.25 },
    web_scan: { episodes: 1, detected: 1, recall: 1, meanLineShare: 0.5 },
  });
  t.equal(report.overall.episodes, 3);
  t.equal(report.overall.detected, 2);
  t.equal(report.overall.recall, 2 / 3);
  t.equal(report.overall.meanLineShare, 1 / 3);
  t.same(report.benign, { lines: 3, flagged: 1, flaggedPer10k: 10_000 / 3 });
});

t.test('formats one column pair per detector as a markdown table', async (t) => {
  const table = formatReport({
    ours: evaluate(labels, flags),
    fail2ban: evaluate(
      labels,
      flags.map(() => false),
    ),
  });
  t.equal(
    table,
    [
      '| attack kind | episodes | ours: detected | ours: lines flagged | fail2ban: detected | fail2ban: lines flagged |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      '| brute_force | 2 | 1/2 (50.0%) | 25.0% | 0/2 (0%) | 0% |',
      '| web_scan | 1 | 1/1 (100%) | 50.0% | 0/1 (0%) | 0% |',
      '| **all attacks** | 3 | **2/3 (66.7%)** | **33.3%** | **0/3 (0%)** | **0%** |',
      '| benign lines flagged (per 10k; of 3) |  | 3333.3 | 1 | 0.0 | 0 |',
      '',
    ].join('\n'),
  );
});

t.test('refuses flags that do not align with the labels, and reports about different streams', async (t) => {
  t.throws(() => evaluate(labels, flags.slice(1)), RangeError);
  t.throws(() => evaluate([benign(2)], [false]), /label 1 says line 2/);
  t.throws(() => evaluate([attack(1, 'brute_force', 'x'), attack(2, 'web_scan', 'x')], [false, false]), /labelled both/);
  t.throws(() => formatReport({ a: evaluate(labels, flags), b: evaluate(labels.slice(0, 4), flags.slice(0, 4)) }), /same labelled stream/);
  t.throws(() => formatReport({}), RangeError);
});
