import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { PROMETHEUS_JOB } from '../../grafana/datasources.js';
import { requireBinary, requireService } from '../helpers/services.js';
import { SCRAPE_SERIES, collectorSeries, metricNamesIn } from './exposed-metrics.js';
import { PROVISIONING, readYaml, runTool, toolMessage, type ToolResult } from './provisioning-files.js';

const RULES_DIR = join(PROVISIONING, 'prometheus', 'rules');
const RULES = join(RULES_DIR, 'siemad.rules.yml');
const RULE_TESTS = join(RULES_DIR, 'siemad.rules.test.yml');
const PROMETHEUS_CONFIG = join(PROVISIONING, 'prometheus', 'prometheus.yml');

interface AlertRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const groups = readYaml<{ groups: { name: string; rules: AlertRule[] }[] }>(
  'provisioning',
  'prometheus',
  'rules',
  'siemad.rules.yml',
).groups;
const alerts = groups.flatMap((group) => group.rules).filter((rule): rule is AlertRule & { alert: string } => rule.alert !== undefined);

/**
 * Runs `promtool args` from an empty directory, so that paths inside the files must resolve
 * relative to those files; undefined when promtool is missing (skipped, or failed under CI).
 */
async function promtoolElsewhere(t: Test, args: readonly string[]): Promise<ToolResult | undefined> {
  const promtool = await requireService(t, 'promtool', async () => requireBinary('promtool', 'install the prometheus package'));
  if (promtool === undefined) return undefined;
  const elsewhere = await mkdtemp(join(tmpdir(), 'siemad-promtool-'));
  t.teardown(() => rm(elsewhere, { recursive: true, force: true }));
  const result = runTool(promtool, args, elsewhere);
  t.equal(result.status, 0, toolMessage(`promtool ${args.slice(0, 2).join(' ')}`, result));
  return result;
}

t.test('promtool accepts the alerting rules', async (t) => {
  const result = await promtoolElsewhere(t, ['check', 'rules', RULES]);
  if (result === undefined) return;
  t.match(result.output, `SUCCESS: ${groups.flatMap((group) => group.rules).length} rules found`);
});

t.test('every alert fires and stays silent as its promtool unit tests expect', async (t) => {
  const result = await promtoolElsewhere(t, ['test', 'rules', RULE_TESTS]);
  if (result === undefined) return;
  t.match(result.output, 'SUCCESS');
});

t.test('promtool accepts prometheus.yml and finds its rule file relative to it', async (t) => {
  const result = await promtoolElsewhere(t, ['check', 'config', PROMETHEUS_CONFIG]);
  if (result === undefined) return;
  t.match(result.output, '1 rule files found');
  t.match(result.output, `SUCCESS: ${alerts.length} rules found`);
});

t.test('Prometheus scrapes the job the rules and dashboards select on', async (t) => {
  const config = readYaml<{
    rule_files: string[];
    scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
  }>('provisioning', 'prometheus', 'prometheus.yml');
  const job = config.scrape_configs.find((scrape) => scrape.job_name === PROMETHEUS_JOB);
  t.ok(job, `a scrape job named ${PROMETHEUS_JOB}`);
  t.equal(job?.metrics_path ?? '/metrics', '/metrics');
  t.same(config.rule_files, ['rules/siemad.rules.yml']);
  for (const alert of alerts) t.match(alert.expr, `job="${PROMETHEUS_JOB}"`, `${alert.alert} selects job="${PROMETHEUS_JOB}"`);
});

t.test('every alert has a for, a severity and summary, description and runbook annotations', async (t) => {
  t.ok(alerts.length >= 10, `${alerts.length} alerts`);
  t.equal(new Set(alerts.map((alert) => alert.alert)).size, alerts.length, 'alert names are unique');
  for (const alert of alerts) {
    t.match(alert.for, /^\d+[smh]$/, `${alert.alert}: for`);
    t.ok(['critical', 'warning'].includes(alert.labels?.severity ?? ''), `${alert.alert}: severity ${alert.labels?.severity}`);
    for (const annotation of ['summary', 'description', 'runbook']) {
      t.ok((alert.annotations?.[annotation] ?? '').length > 20, `${alert.alert}: ${annotation}`);
    }
  }
});

t.test('every alert has a case where it fires and one where it does not in the unit tests', async (t) => {
  const suite = readYaml<RuleTests>('provisioning', 'prometheus', 'rules', 'siemad.rules.test.yml');
  t.same(suite.rule_files, ['siemad.rules.yml']);
  const cases = suite.tests.flatMap((test) => test.alert_rule_test ?? []);
  for (const alert of alerts) {
    const mine = cases.filter((c) => c.alertname === alert.alert);
    t.ok(
      mine.some((c) => (c.exp_alerts ?? []).length > 0),
      `${alert.alert} fires in a test`,
    );
    t.ok(
      mine.some((c) => (c.exp_alerts ?? []).length === 0),
      `${alert.alert} stays silent in a test`,
    );
  }
  for (const c of cases)
    t.ok(
      alerts.some((alert) => alert.alert === c.alertname),
      `test case for a defined alert: ${c.alertname}`,
    );
});

t.test('rules query only metrics the collector exposes', async (t) => {
  const exposed = await collectorSeries();
  for (const alert of alerts) {
    const names = metricNamesIn(alert.expr);
    t.ok(names.length > 0, `${alert.alert} selects a metric`);
    for (const name of names) t.ok(exposed.has(name) || SCRAPE_SERIES.has(name), `${alert.alert}: ${name} is exposed by the collector`);
  }
});

t.test('amtool accepts the Alertmanager config', async (t) => {
  const amtool = await requireService(t, 'amtool', async () => requireBinary('amtool', 'install the prometheus-alertmanager package'));
  if (amtool === undefined) return;
  const result = runTool(amtool, ['check-config', join(PROVISIONING, 'alertmanager', 'alertmanager.yml')]);
  t.equal(result.status, 0, toolMessage('amtool check-config', result));
  t.match(result.output, 'SUCCESS');
});

t.test('Alertmanager inhibition names alerts that exist', async (t) => {
  const config = readYaml<{ inhibit_rules?: { source_matchers: string[]; target_matchers: string[] }[] }>(
    'provisioning',
    'alertmanager',
    'alertmanager.yml',
  );
  const names = new Set(alerts.map((alert) => alert.alert));
  for (const rule of config.inhibit_rules ?? []) {
    for (const matcher of [...rule.source_matchers, ...rule.target_matchers]) {
      const pattern = /^alertname(=~?)"(.*)"$/.exec(matcher);
      if (pattern === null) continue;
      const regex = new RegExp(`^(?:${pattern[2]})$`);
      const matched = [...names].filter((name) => (pattern[1] === '=' ? name === pattern[2] : regex.test(name)));
      t.ok(matched.length > 0, `${matcher} matches an alert`);
    }
  }
});
