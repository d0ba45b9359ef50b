/**
 * Every provisioning file generated from code, as (path, text) pairs: the Grafana dashboards and
 * the OpenSearch Dashboards saved objects. `grafana/build.ts` writes them; a test compares them
 * with the committed files so the two cannot drift.
 */
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { alertsDashboard } from './dashboards/alerts.js';
import { anomaliesDashboard } from './dashboards/anomalies.js';
import { collectorDashboard } from './dashboards/collector.js';
import { logsDashboard } from './dashboards/logs.js';
import { savedObjectsNdjson } from './opensearch-dashboards/saved-objects.js';

export interface Artifact {
  /** Relative to the repository root, with `/` separators. */
  path: string;
  text: string;
}

export const GRAFANA_DASHBOARD_DIR = 'provisioning/grafana/dashboards';
export const SAVED_OBJECTS_PATH = 'provisioning/opensearch-dashboards/saved-objects.ndjson';

/** Dashboards by file name (without `.json`). */
const DASHBOARDS: readonly (readonly [file: string, build: () => DashboardBuilder])[] = [
  ['siemad-collector', collectorDashboard],
  ['siemad-anomalies', anomaliesDashboard],
  ['siemad-logs', logsDashboard],
  ['siemad-alerts', alertsDashboard],
];

/**
 * Panel ids numbered in layout order: Grafana keys panel links (`viewPanel=`) and saved
 * per-panel state by id, so they must be unique and should stay put between builds.
 */
function numberPanels(built: Dashboard): Dashboard {
  let id = 0;
  for (const panel of (built.panels ?? []) as (Panel | RowPanel)[]) {
    panel.id = ++id;
    if (isRow(panel)) for (const inner of panel.panels) inner.id = ++id;
  }
  return built;
}

function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === 'row';
}

export function dashboardJson(build: () => DashboardBuilder): string {
  return `${JSON.stringify(numberPanels(build().build()), null, 2)}\n`;
}

export function provisioningArtifacts(): Artifact[] {
  return [
    ...DASHBOARDS.map(([file, build]) => ({ path: `${GRAFANA_DASHBOARD_DIR}/${file}.json`, text: dashboardJson(build) })),
    { path: SAVED_OBJECTS_PATH, text: savedObjectsNdjson() },
  ];
}
