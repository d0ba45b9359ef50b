/**
 * OpenSearch Dashboards saved objects for analysts, in the NDJSON format of the saved objects
 * import API (`POST /api/saved_objects/_import`): index patterns of the logs and anomalies data
 * streams, saved searches (failed logins, firewall denies, high and critical anomalies),
 * visualizations and one dashboard. Queries and fields come from the same checked helpers as the
 * Grafana dashboards, so a renamed or unmapped field fails the build.
 */
import { TIME_FIELD, streamIndexPattern } from '../datasources.js';
import { aggregatable, luceneAnd, luceneTerm, searchable, type EcsFieldPath } from '../ecs-fields.js';
import { FAILED_LOGINS, FIREWALL_DENIES } from '../dashboards/logs.js';

/** A saved object as the import API reads it (one per NDJSON line). */
export interface SavedObject {
  id: string;
  type: 'index-pattern' | 'search' | 'visualization' | 'dashboard';
  attributes: Record<string, unknown>;
  references: SavedObjectReference[];
  migrationVersion?: Record<string, string>;
}

export interface SavedObjectReference {
  name: string;
  type: SavedObject['type'];
  id: string;
}

/** Saved objects of the Kibana 7.10 lineage carry this panel version; 7.3+ panels need no migration. */
const PANEL_VERSION = '7.10.2';
const INDEX_REF = 'kibanaSavedObjectMeta.searchSourceJSON.index';
const SEARCH_REF = 'search_0';

export const INDEX_PATTERN_IDS = { logs: 'siemad-logs', anomalies: 'siemad-anomalies' } as const;

const HIGH_OR_CRITICAL = luceneAnd(luceneTerm('anomaly.is_anomaly', true), luceneTerm('anomaly.level', 'high', 'critical'));

function searchSource(query: string, withIndex: boolean): string {
  return JSON.stringify({
    query: { query, language: 'lucene' },
    filter: [],
    ...(withIndex ? { indexRefName: INDEX_REF } : {}),
  });
}

function indexPattern(id: string, title: string): SavedObject {
  // No `fields`: OpenSearch Dashboards reads them from the mappings when the pattern is first used.
  return { id, type: 'index-pattern', attributes: { title, timeFieldName: TIME_FIELD }, references: [] };
}

function savedSearch(
  id: string,
  title: string,
  description: string,
  indexPatternId: string,
  query: string,
  columns: readonly EcsFieldPath[],
): SavedObject {
  return {
    id,
    type: 'search',
    attributes: {
      title,
      description,
      hits: 0,
      columns: columns.map(searchable),
      sort: [[TIME_FIELD, 'desc']],
      version: 1,
      kibanaSavedObjectMeta: { searchSourceJSON: searchSource(query, true) },
    },
    references: [{ name: INDEX_REF, type: 'index-pattern', id: indexPatternId }],
  };
}

type Agg =
  | { id: string; enabled: true; type: 'count'; schema: 'metric'; params: Record<string, never> }
  | { id: string; enabled: true; type: 'terms'; schema: 'segment' | 'group' | 'bucket'; params: Record<string, unknown> }
  | { id: string; enabled: true; type: 'date_histogram' | 'histogram'; schema: 'segment'; params: Record<string, unknown> };

/** Metric agg id 1: the vis type defaults (series and value axes) refer to it. */
const COUNT: Agg = { id: '1', enabled: true, type: 'count', schema: 'metric', params: {} };

function terms(id: string, schema: 'segment' | 'group' | 'bucket', field: EcsFieldPath, size: number): Agg {
  return {
    id,
    enabled: true,
    type: 'terms',
    schema,
    params: { field: aggregatable(field), orderBy: '1', order: 'desc', size, otherBucket: false, missingBucket: false },
  };
}

function overTime(id: string): Agg {
  return {
    id,
    enabled: true,
    type: 'date_histogram',
    schema: 'segment',
    params: { field: TIME_FIELD, interval: 'auto', min_doc_count: 1, extended_bounds: {} },
  };
}

type VisSource = { indexPatternId: string; query: string } | { savedSearchId: string };

type VisType = 'histogram' | 'horizontal_bar' | 'table' | 'region_map';

// Only the params that differ from the vis type's defaults; OpenSearch Dashboards fills in the rest.
const VIS_PARAMS: Record<VisType, Record<string, unknown>> = {
  histogram: { addLegend: true, legendPosition: 'right' },
  horizontal_bar: { addLegend: true, legendPosition: 'right' },
  table: { perPage: 10, showPartialRows: false, showMetricsAtAllLevels: false, showTotal: false },
  // The default "World Countries" layer, joined on its two-letter codes (what GeoIP gives).
  region_map: {
    addTooltip: true,
    colorSchema: 'Yellow to Red',
    mapZoom: 2,
    mapCenter: [20, 0],
    outlineWeight: 1,
    showAllShapes: true,
    selectedLayer: {
      name: 'World Countries',
      origin: 'elastic_maps_service',
      layerId: 'elastic_maps_service.World Countries',
      isEMS: true,
    },
    selectedJoinField: { name: 'iso2', description: 'Two letter abbreviation' },
  },
};

function visualization(id: string, title: string, description: string, visType: VisType, aggs: Agg[], source: VisSource): SavedObject {
  const params = VIS_PARAMS[visType];
  const fromSearch = 'savedSearchId' in source;
  return {
    id,
    type: 'visualization',
    attributes: {
      title,
      description,
      visState: JSON.stringify({ title, type: visType, params, aggs }),
      uiStateJSON: '{}',
      version: 1,
      ...(fromSearch ? { savedSearchRefName: SEARCH_REF } : {}),
      kibanaSavedObjectMeta: { searchSourceJSON: searchSource(fromSearch ? '' : source.query, !fromSearch) },
    },
    references: fromSearch
      ? [{ name: SEARCH_REF, type: 'search', id: source.savedSearchId }]
      : [{ name: INDEX_REF, type: 'index-pattern', id: source.indexPatternId }],
  };
}

interface PanelPlacement {
  object: SavedObject;
  x: number;
  y: number;
  w: number;
  h: number;
}

function dashboard(id: string, title: string, description: string, panels: readonly PanelPlacement[]): SavedObject {
  const panelsJson = panels.map((panel, index) => ({
    version: PANEL_VERSION,
    gridData: { x: panel.x, y: panel.y, w: panel.w, h: panel.h, i: String(index + 1) },
    panelIndex: String(index + 1),
    embeddableConfig: {},
    panelRefName: `panel_${index}`,
  }));
  return {
    id,
    type: 'dashboard',
    attributes: {
      title,
      description,
      hits: 0,
      panelsJSON: JSON.stringify(panelsJson),
      optionsJSON: JSON.stringify({ hidePanelTitles: false, useMargins: true }),
      version: 1,
      timeRestore: true,
      timeFrom: 'now-24h',
      timeTo: 'now',
      refreshInterval: { pause: false, value: 60_000 },
      kibanaSavedObjectMeta: { searchSourceJSON: searchSource('', false) },
    },
    references: panels.map((panel, index) => ({ name: `panel_${index}`, type: panel.object.type, id: panel.object.id })),
  };
}

export function savedObjects(): SavedObject[] {
  const logs = indexPattern(INDEX_PATTERN_IDS.logs, streamIndexPattern('logs'));
  const anomalies = indexPattern(INDEX_PATTERN_IDS.anomalies, streamIndexPattern('anomalies'));

  const failedLogins = savedSearch(
    'siemad-failed-logins',
    'siemad: failed logins',
    'Authentication events with outcome failure (sshd, PAM, sudo, web)',
    logs.id,
    FAILED_LOGINS,
    ['source.ip', 'user.name', 'event.action', 'host.hostname', 'message'],
  );
  const firewallDenies = savedSearch(
    'siemad-firewall-denies',
    'siemad: firewall denies',
    'Packets dropped or rejected by netfilter rules',
    logs.id,
    FIREWALL_DENIES,
    ['source.ip', 'destination.ip', 'destination.port', 'network.transport', 'rule.name', 'host.hostname'],
  );
  const highAnomalies = savedSearch(
    'siemad-anomalies-high-critical',
    'siemad: anomalies, high and critical',
    'Anomalies of level high or critical, with the reasons and the recommended action',
    anomalies.id,
    HIGH_OR_CRITICAL,
    [
      'anomaly.level',
      'event.risk_score_norm',
      'anomaly.entity',
      'anomaly.reasons',
      'anomaly.recommended_action',
      'source.geo.country_iso_code',
      'source.as.organization.name',
      'event.dataset',
      'message',
    ],
  );

  const allAnomalies = { indexPatternId: anomalies.id, query: luceneTerm('anomaly.is_anomaly', true) };
  const anomaliesByLevel = visualization(
    'siemad-anomalies-by-level',
    'siemad: anomalies over time by level',
    'Anomalous events over time, split by anomaly.level',
    'histogram',
    [COUNT, overTime('2'), terms('3', 'group', 'anomaly.level', 4)],
    allAnomalies,
  );
  const topEntities = visualization(
    'siemad-top-anomalous-entities',
    'siemad: top anomalous entities',
    'Entities with the most anomalies',
    'table',
    [COUNT, terms('2', 'bucket', 'anomaly.entity', 20)],
    allAnomalies,
  );
  const topReasons = visualization(
    'siemad-top-anomaly-reasons',
    'siemad: top anomaly reasons',
    'Most frequent reasons the scorer gave',
    'horizontal_bar',
    [COUNT, terms('2', 'segment', 'anomaly.reasons', 15)],
    allAnomalies,
  );
  const riskDistribution = visualization(
    'siemad-risk-distribution',
    'siemad: risk distribution',
    'Anomalies by event.risk_score_norm (0-100) in buckets of 5',
    'histogram',
    [
      COUNT,
      {
        id: '2',
        enabled: true,
        type: 'histogram',
        schema: 'segment',
        params: {
          field: aggregatable('event.risk_score_norm'),
          interval: 5,
          min_doc_count: false,
          has_extended_bounds: true,
          extended_bounds: { min: 0, max: 100 },
        },
      },
    ],
    allAnomalies,
  );
  const anomaliesByLocation = visualization(
    'siemad-anomalies-map',
    'siemad: anomalies by source country (map)',
    'Anomalies per source.geo.country_iso_code (GeoIP) on a world map of countries',
    'region_map',
    [COUNT, terms('2', 'segment', 'source.geo.country_iso_code', 250)],
    allAnomalies,
  );
  const anomaliesByCountry = visualization(
    'siemad-anomalies-by-source-country',
    'siemad: anomalies by source country',
    'Source countries (source.geo.country_iso_code) with the most anomalies',
    'horizontal_bar',
    [COUNT, terms('2', 'segment', 'source.geo.country_iso_code', 15)],
    allAnomalies,
  );
  const eventsByDataset = visualization(
    'siemad-events-by-dataset',
    'siemad: events over time by dataset',
    'Events over time, split by event.dataset',
    'histogram',
    [COUNT, overTime('2'), terms('3', 'group', 'event.dataset', 10)],
    { indexPatternId: logs.id, query: '*' },
  );
  const failedLoginsBySource = visualization(
    'siemad-failed-logins-by-source-ip',
    'siemad: failed logins by source IP',
    'Source addresses with the most failed authentications, and the users they tried',
    'table',
    [COUNT, terms('2', 'bucket', 'source.ip', 20), terms('3', 'bucket', 'user.name', 5)],
    { savedSearchId: failedLogins.id },
  );
  const deniesByPort = visualization(
    'siemad-firewall-denies-by-destination-port',
    'siemad: firewall denies by destination port',
    'Destination ports most often denied',
    'horizontal_bar',
    [COUNT, terms('2', 'segment', 'destination.port', 15)],
    { savedSearchId: firewallDenies.id },
  );

  const overview = dashboard(
    'siemad-security-overview',
    'siemad: security overview',
    'Anomalies, failed logins and firewall denies indexed by siemad',
    [
      { object: anomaliesByLevel, x: 0, y: 0, w: 32, h: 15 },
      { object: riskDistribution, x: 32, y: 0, w: 16, h: 15 },
      { object: topEntities, x: 0, y: 15, w: 24, h: 15 },
      { object: topReasons, x: 24, y: 15, w: 24, h: 15 },
      { object: highAnomalies, x: 0, y: 30, w: 48, h: 18 },
      { object: anomaliesByLocation, x: 0, y: 48, w: 32, h: 18 },
      { object: anomaliesByCountry, x: 32, y: 48, w: 16, h: 18 },
      { object: eventsByDataset, x: 0, y: 66, w: 48, h: 15 },
      { object: failedLoginsBySource, x: 0, y: 81, w: 24, h: 15 },
      { object: deniesByPort, x: 24, y: 81, w: 24, h: 15 },
      { object: failedLogins, x: 0, y: 96, w: 24, h: 18 },
      { object: firewallDenies, x: 24, y: 96, w: 24, h: 18 },
    ],
  );

  return [
    logs,
    anomalies,
    failedLogins,
    firewallDenies,
    highAnomalies,
    anomaliesByLevel,
    topEntities,
    topReasons,
    riskDistribution,
    anomaliesByLocation,
    anomaliesByCountry,
    eventsByDataset,
    failedLoginsBySource,
    deniesByPort,
    overview,
  ];
}

/** One object per line, referenced objects before the objects referring to them. */
export function savedObjectsNdjson(): string {
  return savedObjects()
    .map((object) => `${JSON.stringify(object)}\n`)
    .join('');
}
