import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { provisioningArtifacts } from '../../grafana/artifacts.js';
import { DATASOURCES, OPENSEARCH_PLUGIN, TIME_FIELD, streamIndexPattern } from '../../grafana/datasources.js';
import { isAggregatable, mappingOf } from '../../grafana/ecs-fields.js';
import { requireBinary, requireService } from '../helpers/services.js';
import { SCRAPE_SERIES, collectorSeries, metricNamesIn } from './exposed-metrics.js';
import {
  REPO_ROOT,
  allPanels,
  committedDashboards,
  provisionedDatasources,
  readRepoFile,
  readYaml,
  runTool,
  toolMessage,
  type TargetJson,
} from './provisioning-files.js';

const dashboards = committedDashboards();
const datasources = provisionedDatasources();

/** Grafana's own variables and ours, replaced by values PromQL accepts. */
const PROMQL_VARIABLES: Record<string, string> = { $__rate_interval: '5m', $instance: '.*' };

function promTargets(): { where: string; expr: string }[] {
  const found: { where: string; expr: string }[] = [];
  for (const { file, dashboard } of dashboards) {
    for (const panel of allPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const type = target.datasource?.type ?? panel.datasource?.type;
        if (type === 'prometheus' && target.expr !== undefined)
          found.push({ where: `${file} "${panel.title}" ${target.refId}`, expr: target.expr });
      }
    }
  }
  return found;
}

function openSearchTargets(): { where: string; uid: string; target: TargetJson }[] {
  const found: { where: string; uid: string; target: TargetJson }[] = [];
  for (const { file, dashboard } of dashboards) {
    for (const panel of allPanels(dashboard)) {
      for (const target of panel.targets ?? []) {
        const ref = target.datasource ?? panel.datasource;
        if (ref?.type === OPENSEARCH_PLUGIN) found.push({ where: `${file} "${panel.title}" ${target.refId}`, uid: ref.uid, target });
      }
    }
  }
  return found;
}

t.test('committed dashboards and saved objects are exactly what grafana/build.ts generates', async (t) => {
  const artifacts = provisioningArtifacts();
  t.ok(artifacts.length >= 4);
  for (const artifact of artifacts) {
    let committed: string | undefined;
    try {
      committed = readRepoFile(...artifact.path.split('/'));
    } catch {
      committed = undefined;
    }
    t.ok(committed === artifact.text, `${artifact.path} is up to date (regenerate: npx tsx grafana/build.ts)`);
  }
  const generated = new Set(artifacts.map((artifact) => artifact.path));
  for (const { file } of dashboards) t.ok(generated.has(`provisioning/grafana/dashboards/${file}`), `${file} comes from code`);
});

t.test('grafana/build.ts --check agrees with the committed files and rejects unknown arguments', async (t) => {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const check = runTool(tsx, ['grafana/build.ts', '--check']);
  t.equal(check.status, 0, toolMessage('build --check', check));
  const wrong = runTool(tsx, ['grafana/build.ts', '--write-elsewhere']);
  t.equal(wrong.status, 2);
  t.match(wrong.output, 'unknown argument --write-elsewhere');
});

t.test('dashboard uids are unique, panel ids unique within a dashboard, and panels fit the grid without overlapping', async (t) => {
  t.same(
    dashboards.map(({ dashboard }) => dashboard.uid),
    ['siemad-alerts', 'siemad-anomalies', 'siemad-collector', 'siemad-logs'],
  );
  for (const { file, dashboard } of dashboards) {
    const panels = allPanels(dashboard);
    t.equal(new Set(panels.map((panel) => panel.id)).size, panels.length, `${file}: panel ids unique`);
    const cells = new Map<string, string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      t.ok(x >= 0 && w > 0 && x + w <= 24, `${file} "${panel.title}": within 24 columns`);
      for (let row = y; row < y + h; row++) {
        for (let column = x; column < x + w; column++) {
          const key = `${column},${row}`;
          const other = cells.get(key);
          if (other !== undefined) t.fail(`${file}: "${panel.title}" overlaps "${other}" at ${key}`);
          cells.set(key, panel.title ?? String(panel.id));
        }
      }
    }
  }
});

t.test('every datasource a dashboard uses is provisioned under that uid and type', async (t) => {
  t.equal(new Set(datasources.map((ds) => ds.uid)).size, datasources.length, 'provisioned uids are unique');
  const byUid = new Map(datasources.map((ds) => [ds.uid, ds]));
  let refs = 0;
  for (const { file, dashboard } of dashboards) {
    const used = [
      ...allPanels(dashboard).flatMap((panel) => [panel.datasource, ...(panel.targets ?? []).map((target) => target.datasource)]),
      ...(dashboard.templating?.list ?? []).map((variable) => variable.datasource),
    ];
    for (const ref of used) {
      if (ref === undefined) continue;
      refs++;
      t.equal(byUid.get(ref.uid)?.type, ref.type, `${file}: ${ref.uid} is provisioned as ${ref.type}`);
    }
    for (const panel of allPanels(dashboard)) {
      if (panel.type !== 'row') t.ok(panel.datasource !== undefined, `${file} "${panel.title}" names its datasource`);
    }
  }
  t.ok(refs > 50, `${refs} datasource references checked`);
  for (const ref of Object.values(DATASOURCES))
    t.equal(byUid.get(ref.uid)?.type, ref.type, `grafana/datasources.ts ${ref.uid} is provisioned`);
});

t.test('OpenSearch datasources read the logs and anomalies data streams by their time field', async (t) => {
  for (const [ref, kind] of [
    [DATASOURCES.logs, 'logs'],
    [DATASOURCES.anomalies, 'anomalies'],
  ] as const) {
    const ds = datasources.find((d) => d.uid === ref.uid);
    t.equal(ds?.jsonData?.database, streamIndexPattern(kind), `${ref.uid} index pattern`);
    t.equal(ds?.jsonData?.timeField, TIME_FIELD);
    t.equal(ds?.jsonData?.flavor, 'opensearch');
    t.match(ds?.jsonData?.version, /^2\.\d+\.\d+$/, 'a semver the plugin accepts');
  }
});

t.test('Prometheus panels and variables query only metrics the collector exposes', async (t) => {
  const exposed = await collectorSeries();
  const targets = promTargets();
  t.ok(targets.length >= 40, `${targets.length} Prometheus queries`);
  const used = new Set<string>();
  for (const { where, expr } of targets) {
    const names = metricNamesIn(expr);
    t.ok(names.length > 0, `${where} selects a metric`);
    for (const name of names) {
      used.add(name);
      t.ok(exposed.has(name) || SCRAPE_SERIES.has(name), `${where}: ${name} is exposed by the collector`);
    }
  }
  for (const { file, dashboard } of dashboards) {
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.datasource?.type !== 'prometheus' || variable.query === undefined) continue;
      for (const name of metricNamesIn(variable.query))
        t.ok(exposed.has(name) || SCRAPE_SERIES.has(name), `${file} $${variable.name}: ${name}`);
    }
  }
  // Families an operator needs on the collector dashboard.
  for (const family of [
    'siemad_messages_received_total',
    'siemad_dropped_total',
    'siemad_pipeline_latency_seconds_bucket',
    'siemad_buffer_oldest_unacked_age_seconds',
    'siemad_opensearch_bulk_requests_total',
    'siemad_opensearch_dead_lettered_total',
    'siemad_process_resident_memory_bytes',
  ]) {
    t.ok(used.has(family), `a panel shows ${family}`);
  }
});

t.test('Prometheus panel queries are valid PromQL (promtool parses them as rules)', async (t) => {
  const promtool = await requireService(t, 'promtool', async () => requireBinary('promtool', 'install the prometheus package'));
  if (promtool === undefined) return;
  const rules = promTargets().map(({ expr }, index) => {
    let promql = expr;
    for (const [variable, value] of Object.entries(PROMQL_VARIABLES)) promql = promql.replaceAll(variable, value);
    t.notMatch(promql, /\$/, `no unknown variable left in ${expr}`);
    return { record: `dashboard_query_${index + 1}`, expr: promql };
  });
  const dir = await mkdtemp(join(tmpdir(), 'siemad-promql-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'dashboard-queries.yml');
  await writeFile(file, stringify({ groups: [{ name: 'dashboard_queries', rules }] }));
  const result = runTool(promtool, ['check', 'rules', file]);
  t.equal(result.status, 0, toolMessage('promtool parses every dashboard query', result));
  t.match(result.output, `SUCCESS: ${rules.length} rules found`);
});

t.test('OpenSearch panels filter and aggregate only mapped, aggregatable fields', async (t) => {
  const targets = openSearchTargets();
  t.ok(targets.length >= 20, `${targets.length} OpenSearch queries`);
  for (const { where, uid, target } of targets) {
    t.ok(uid === DATASOURCES.logs.uid || uid === DATASOURCES.anomalies.uid, `${where}: a siemad OpenSearch datasource`);
    t.equal(target.queryType, 'lucene', `${where}: lucene`);
    t.equal(target.timeField, TIME_FIELD, `${where}: time field`);
    t.ok((target.metrics ?? []).length > 0, `${where}: has a metric`);
    for (const agg of [...(target.metrics ?? []), ...(target.bucketAggs ?? [])]) {
      if (agg.field === undefined) continue;
      const mapping = mappingOf(agg.field);
      t.ok(mapping !== undefined && isAggregatable(mapping), `${where}: ${agg.type} on ${agg.field} (${mapping?.type})`);
    }
    // `field:value` clauses; Grafana variables ($level) stand for values.
    for (const match of (target.query ?? '').matchAll(/([A-Za-z_@][\w.@]*):/g)) {
      t.ok(mappingOf(match[1]!) !== undefined, `${where}: query field ${match[1]} is mapped`);
    }
  }
});

t.test('Grafana loads the dashboards from the folder the file provider names', async (t) => {
  const provider = readYaml<{ providers: { type: string; options: { path: string } }[] }>(
    'provisioning',
    'grafana',
    'dashboards',
    'siemad.yaml',
  ).providers;
  t.equal(provider.length, 1);
  t.equal(provider[0]?.type, 'file');
  const compose = readRepoFile('docker-compose.yml');
  t.match(
    compose,
    `./provisioning/grafana/dashboards:${provider[0]?.options.path}:ro`,
    'compose mounts the dashboards where the provider reads them',
  );
});
