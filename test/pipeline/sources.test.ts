import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { PipelineMetrics } from '../../pipeline/metrics.js';
import { SourceTracker } from '../../pipeline/sources.js';
import { requireBinary, requireService } from '../helpers/services.js';
import { PROVISIONING, readYaml, runTool, toolMessage } from '../provisioning/provisioning-files.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-05-01T00:00:00Z');

t.test('a source is new, then up, noisy when far above its own rate, silent after --source-silent-after', async (t) => {
  const tracker = new SourceTracker({ silentAfterMs: 15 * MINUTE, newForMs: 60 * MINUTE, noisyFactor: 10 });
  // 20 messages a minute for three hours.
  let now = T0;
  for (let m = 0; m < 180; m++) {
    for (let k = 0; k < 20; k++) tracker.record('web-01', '192.0.2.10', T0 + m * MINUTE + k * 1000, k === 0, k !== 1);
  }
  now = T0 + 30 * MINUTE;
  t.equal(tracker.list({}, now)[0]!.status, 'new', 'within its first hour');
  // The last instant of minute 179: the 5-minute and 1-hour windows hold full minutes only.
  now = T0 + 180 * MINUTE - 1;
  const up = tracker.list({}, now)[0]!;
  t.match(up, { status: 'up', messages_per_minute_5m: 20, messages_per_minute_1h: 20, parse_error_share: 0.05, decoded_share: 0.95 });
  t.ok(up.baseline_per_minute > 19 && up.baseline_per_minute < 21, `baseline ${up.baseline_per_minute}`);
  for (let m = 180; m < 185; m++)
    for (let k = 0; k < 400; k++) tracker.record('web-01', '192.0.2.10', T0 + m * MINUTE + k * 100, false, true);
  t.equal(tracker.list({}, T0 + 185 * MINUTE)[0]!.status, 'noisy', '20x its rate for 5 minutes');
  t.equal(
    tracker.list({}, T0 + (184 + 14) * MINUTE)[0]!.status,
    'up',
    'not yet silent after 14 minutes (the burst has left the 5-minute window)',
  );
  t.equal(tracker.list({}, T0 + (185 + 15) * MINUTE)[0]!.status, 'silent', 'silent after 15');
  t.same(tracker.counts(T0 + 200 * MINUTE), { up: 0, silent: 1, new: 0, noisy: 0 });
  t.equal(tracker.list({ status: 'silent', search: 'WEB' }, T0 + 200 * MINUTE).length, 1, 'search ignores case');
  t.equal(tracker.list({ search: 'db' }, T0 + 200 * MINUTE).length, 0);
});

t.test('bounded: beyond --source-max the least recently seen source is forgotten', async (t) => {
  const tracker = new SourceTracker({ maxSources: 3 });
  tracker.record('a', '192.0.2.1', T0, false, true);
  tracker.record('b', '192.0.2.2', T0 + 1, false, true);
  tracker.record('c', '192.0.2.3', T0 + 2, false, true);
  tracker.record('a', '192.0.2.1', T0 + MINUTE, false, true);
  tracker.record('d', '192.0.2.4', T0 + MINUTE + 1, false, true);
  t.equal(tracker.size, 3);
  t.same(
    tracker
      .list({}, T0 + MINUTE)
      .map((s) => s.host)
      .sort(),
    ['a', 'c', 'd'],
    'b, seen least recently, went',
  );
  t.equal(tracker.evicted, 1);
});

t.test('state survives a restart through its file; a damaged file starts empty', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'siemad-sources-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'sources.json');
  const first = new SourceTracker({ stateFile: file });
  for (let m = 0; m < 90; m++) first.record('db-02', '2001:db8::2', T0 + m * MINUTE, false, true);
  first.close();
  const second = new SourceTracker({ stateFile: file });
  t.same(second.start().restored, 1);
  second.close();
  const now = T0 + 90 * MINUTE;
  t.same(second.list({}, now), first.list({}, now), 'the same view after the restart');
  await writeFile(file, '{"version":1,"sources":[{"h":');
  t.equal(new SourceTracker({ stateFile: file }).load(), 0);
});

t.test('a source going silent flips its siemad_source_status series and fires SiemadLogSourceSilent in promtool', async (t) => {
  const promtool = await requireService(t, 'promtool', async () => requireBinary('promtool', 'install the prometheus package'));
  if (promtool === undefined) return;
  let now = T0;
  const tracker = new SourceTracker({ silentAfterMs: 15 * MINUTE, newForMs: 10 * MINUTE });
  const metrics = new PipelineMetrics(undefined, { defaultMetrics: false });
  metrics.watchSources(tracker, 5, () => now);
  // web-01 sends until minute 20, db-02 all along; the collector is scraped every minute.
  const series = new Map<string, string[]>();
  const minutes = 50;
  for (let m = 0; m < minutes; m++) {
    now = T0 + m * MINUTE;
    for (let k = 0; k < 10; k++) {
      if (m < 20) tracker.record('web-01', '192.0.2.10', now + k, false, true);
      tracker.record('db-02', '192.0.2.11', now + k, false, true);
    }
    now += 30_000;
    const text = await metrics.registry.getSingleMetricAsString('siemad_source_status');
    for (const line of text.split('\n')) {
      const match = /^siemad_source_status\{(.*)\} (\d)$/.exec(line);
      if (match === null) continue;
      const key = `siemad_source_status{job="siemad", instance="c:9464", ${match[1]!.replace(/,/g, ', ')}}`;
      if (!series.has(key)) series.set(key, new Array(m).fill('_'));
      series.get(key)!.push(match[2]!);
    }
  }
  const silentSeries = [...series.entries()].find(([key]) => key.includes('web-01') && key.includes('status="silent"'))![1];
  const flipped = silentSeries.indexOf('1');
  // Last message at 19:00.009, scrapes at m:30: the first scrape 15 minutes later is 34:30.
  t.equal(flipped, 34, 'the status flips to silent at the first scrape 15 minutes after the last message');
  const dir = await mkdtemp(join(tmpdir(), 'siemad-silent-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const rules = join(PROVISIONING, 'prometheus', 'rules', 'siemad.rules.yml');
  const labels = { severity: 'warning', job: 'siemad', instance: 'c:9464', source: 'web-01', address: '192.0.2.10' };
  // promtool compares annotations too: the rule's own, rendered with these labels.
  const rule = readYaml<{ groups: { rules: { alert?: string; annotations: Record<string, string> }[] }[] }>(
    'provisioning',
    'prometheus',
    'rules',
    'siemad.rules.yml',
  )
    .groups.flatMap((group) => group.rules)
    .find((r) => r.alert === 'SiemadLogSourceSilent')!;
  const render = (text: string): string => text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, name: keyof typeof labels) => labels[name]);
  const alert = {
    exp_labels: labels,
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, render(v)])),
  };
  await writeFile(
    join(dir, 'test.yml'),
    stringify({
      rule_files: [rules],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [...series].map(([name, values]) => ({ series: name, values: values.join(' ') })),
          alert_rule_test: [
            { eval_time: `${flipped - 1}m`, alertname: 'SiemadLogSourceSilent', exp_alerts: [] },
            { eval_time: `${flipped + 2}m`, alertname: 'SiemadLogSourceSilent', exp_alerts: [alert] },
          ],
        },
      ],
    }),
  );
  const result = runTool(promtool, ['test', 'rules', join(dir, 'test.yml')], dir);
  t.equal(result.status, 0, toolMessage('promtool test rules', result));
});
