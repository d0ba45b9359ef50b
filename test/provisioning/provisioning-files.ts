/** Reading the committed provisioning files, and running the real tools that check them. */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/siemad.js';

export { REPO_ROOT };
export const PROVISIONING = join(REPO_ROOT, 'provisioning');

export function readRepoFile(...parts: string[]): string {
  return readFileSync(join(REPO_ROOT, ...parts), 'utf8');
}

export function readYaml<T>(...parts: string[]): T {
  return parse(readRepoFile(...parts)) as T;
}

export interface GrafanaDatasource {
  name: string;
  uid: string;
  type: string;
  url: string;
  jsonData?: Record<string, unknown>;
}

export function provisionedDatasources(): GrafanaDatasource[] {
  const dir = join(PROVISIONING, 'grafana', 'datasources');
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .flatMap((file) => readYaml<{ datasources: GrafanaDatasource[] }>('provisioning', 'grafana', 'datasources', file).datasources);
}

/** A Grafana dashboard as far as these tests look into it. */
export interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating?: { list?: VariableJson[] };
}

export interface PanelJson {
  id: number;
  type: string;
  title?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: TargetJson[];
  panels?: PanelJson[];
}

export interface TargetJson {
  refId?: string;
  datasource?: { type: string; uid: string };
  expr?: string;
  query?: string;
  queryType?: string;
  timeField?: string;
  metrics?: { id: string; type: string; field?: string }[];
  bucketAggs?: { id: string; type: string; field?: string }[];
}

export interface VariableJson {
  name: string;
  type: string;
  query?: string;
  datasource?: { type: string; uid: string };
}

export function committedDashboards(): { file: string; dashboard: DashboardJson }[] {
  const dir = join(PROVISIONING, 'grafana', 'dashboards');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as DashboardJson }));
}

/** Every panel, rows and the panels inside collapsed rows included. */
export function allPanels(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

export interface ToolResult {
  status: number | null;
  output: string;
}

/** Runs a checking tool; stdout and stderr together, for assertion messages. */
export function runTool(binary: string, args: readonly string[], cwd = REPO_ROOT): ToolResult {
  const result = spawnSync(binary, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (result.error !== undefined) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** An assertion message: what was checked when the tool agreed, its whole output when not. */
export function toolMessage(what: string, result: ToolResult): string {
  return result.status === 0 ? what : `${what}: exit ${result.status}\n${result.output}`;
}
