/**
 * The source folders depend one way: base ← collector ← scorer ← sinks ← wiring ← cli ← tools.
 * A folder imports only from its own level or below, and folders never import each other in a
 * circle, so each can be read, tested and replaced without the ones above it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { REPO_ROOT } from '../helpers/siemad.js';

const LEVELS: Record<string, number> = {
  core: 0, // errors, configuration values, logger, version, package root, corpus, disk buffer
  collector: 1, // receivers, queue, framing, syslog parsing, decoders, ECS
  scorer: 2, // features, window stores, models, calibration, explanations
  sinks: 3, // where events go: the sink interface, NDJSON
  opensearch: 3, // the OpenSearch sink: templates, ISM, indexer
  postgres: 3, // the database: migrations, pool, embedded PostgreSQL
  alerts: 3, // anomalies into alerts in PostgreSQL, notifications
  api: 4, // the HTTP API on PostgreSQL
  pipeline: 4, // wiring: receivers → queue → pipeline → enrichers → sink, metrics, /healthz
  cli: 5, // the siemad command
  eval: 6, // tools: evaluation, benchmarks, scripts, dashboards as code
  bench: 6,
  scripts: 6,
  grafana: 6,
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '*.ts'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n');
  return listed.filter((file) => file !== '' && LEVELS[file.split('/')[0]!] !== undefined);
}

/** Every folder → folder import, with one file that makes it. */
function folderImports(): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of sourceFiles()) {
    const from = file.split('/')[0]!;
    const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = path.normalize(path.join(path.dirname(file), match[1] ?? match[2]!));
      const to = target.split(path.sep)[0]!;
      if (to === from) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      if (!edges.get(from)!.has(to)) edges.get(from)!.set(to, `${file} → ${target}`);
    }
  }
  return edges;
}

t.test('every source folder has a level', async (t) => {
  const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n');
  const folders = new Set(files.filter((file) => file.includes('/')).map((file) => file.split('/')[0]!));
  for (const folder of folders) {
    if (folder === 'test') continue;
    t.ok(LEVELS[folder] !== undefined, `${folder}/ has a level in this test`);
  }
});

t.test('no folder imports a folder above it', async (t) => {
  const violations: string[] = [];
  for (const [from, targets] of folderImports()) {
    for (const [to, example] of targets) {
      if (LEVELS[to] === undefined) violations.push(`${from} imports ${to}, which has no level (${example})`);
      else if (LEVELS[to]! > LEVELS[from]!)
        violations.push(`${from} (level ${LEVELS[from]}) imports ${to} (level ${LEVELS[to]}): ${example}`);
    }
  }
  t.same(violations, [], 'dependencies run from higher levels to lower ones only');
});

t.test('folders never import each other in a circle', async (t) => {
  const edges = folderImports();
  const cycles: string[] = [];
  const visit = (folder: string, trail: string[]): void => {
    for (const next of edges.get(folder)?.keys() ?? []) {
      if (next === trail[0]) cycles.push([...trail, next].join(' → '));
      else if (!trail.includes(next) && next > trail[0]!) visit(next, [...trail, next]);
    }
  };
  for (const folder of edges.keys()) visit(folder, [folder]);
  t.same(cycles, [], 'the folder graph has no cycle');
});

t.test('the check sees imports', async (t) => {
  const edges = folderImports();
  t.ok(edges.get('scorer')?.has('collector'), 'scorer → collector is found');
  t.notOk(edges.get('collector')?.has('pipeline'), 'collector → pipeline is gone');
});
