/**
 * "siemad anomalies": what the scorer flagged, from the anomalies data stream in OpenSearch —
 * how many and how severe over time, which entities and reasons recur, how risk is distributed,
 * and the latest anomalies with their reasons and recommended action, for analysts to work from.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { AnomalyLevel } from '../../collector/ecs/event.js';
import { DATASOURCES } from '../datasources.js';
import { luceneAnd, luceneTerm, luceneVariable } from '../ecs-fields.js';
import { anomaliesQuery } from '../opensearch-query.js';
import { HEIGHT, WIDTH, chart, distribution, countryMapPanel, row, statPanel, tablePanel, topBars } from '../panels.js';
import { siemadDashboard } from './common.js';

export const ANOMALIES_DASHBOARD_UID = 'siemad-anomalies';

/** Levels an anomaly can have, mildest first, with the colour each is drawn in. */
export const ANOMALY_LEVEL_COLORS = [
  ['low', 'blue'],
  ['medium', 'yellow'],
  ['high', 'orange'],
  ['critical', 'red'],
] as const satisfies readonly (readonly [Exclude<AnomalyLevel, 'none'>, string])[];

const LEVEL_VARIABLE = 'level';

/** Every anomaly of the chosen levels: the filter of every panel below. */
const SELECTED = luceneAnd(luceneTerm('anomaly.is_anomaly', true), luceneVariable('anomaly.level', LEVEL_VARIABLE));
const HIGH_OR_CRITICAL = luceneAnd(luceneTerm('anomaly.is_anomaly', true), luceneTerm('anomaly.level', 'high', 'critical'));

/** Columns of the latest-anomalies table, in order, with their headers. */
const LATEST_COLUMNS: readonly (readonly [field: string, header: string])[] = [
  ['@timestamp', 'Time'],
  ['anomaly.level', 'Level'],
  ['event.risk_score_norm', 'Risk'],
  ['anomaly.entity', 'Entity'],
  ['anomaly.reasons', 'Reasons'],
  ['anomaly.recommended_action', 'Recommended action'],
  ['event.dataset', 'Dataset'],
  ['event.action', 'Action'],
  ['source.ip', 'Source IP'],
  ['source.geo.country_iso_code', 'Country'],
  ['source.as.organization.name', 'Network (AS)'],
  ['user.name', 'User'],
  ['host.hostname', 'Host'],
  ['message', 'Message'],
];

function levelVariable(): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder(LEVEL_VARIABLE)
    .label('Level')
    .description('Anomaly levels shown')
    .values(ANOMALY_LEVEL_COLORS.map(([level]) => level).join(','))
    .multi(true)
    .includeAll(true)
    .allValue('*')
    .current({ text: ['All'], value: ['$__all'] });
}

/** Level names shown in their colours (table cells). */
export function levelColors(): dashboard.ValueMapping {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  ANOMALY_LEVEL_COLORS.forEach(([level, color], index) => {
    options[level] = { color, index };
  });
  return { type: dashboard.MappingType.ValueToText, options };
}

export function anomaliesDashboard(): dashboard.DashboardBuilder {
  const builder = siemadDashboard({
    title: 'siemad anomalies',
    uid: ANOMALIES_DASHBOARD_UID,
    description: 'Anomalies scored by siemad: levels over time, top entities and reasons, risk distribution, latest anomalies',
    tags: ['anomalies'],
    refresh: '1m',
    from: 'now-24h',
  }).withVariable(levelVariable());

  const levelsOverTime = anomaliesQuery(SELECTED)
    .count()
    .terms('anomaly.level', ANOMALY_LEVEL_COLORS.length)
    .overTime()
    .alias('{{term anomaly.level}}');
  const overTime = chart(
    {
      title: 'Anomalies over time by level',
      description: 'Anomalous events per interval, stacked by anomaly.level',
      unit: 'short',
      stacked: true,
      bars: true,
      min: 0,
      width: WIDTH.full,
    },
    DATASOURCES.anomalies,
    [levelsOverTime],
  );
  for (const [level, color] of ANOMALY_LEVEL_COLORS) {
    overTime.overrideByName(level, [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }]);
  }

  builder
    .withRow(row('Summary'))
    .withPanel(
      statPanel(
        { title: 'Anomalies', description: 'Anomalous events of the selected levels in the time range', unit: 'short' },
        DATASOURCES.anomalies,
        [anomaliesQuery(SELECTED).count().overTime()],
        'sum',
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'High and critical',
          description: 'Anomalies of level high or critical in the time range: the ones to look at first',
          unit: 'short',
          redAbove: 1,
        },
        DATASOURCES.anomalies,
        [anomaliesQuery(HIGH_OR_CRITICAL).count().overTime()],
        'sum',
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Entities',
          description: 'Distinct entities (source IP, user, host) with anomalies of the selected levels',
          unit: 'short',
        },
        DATASOURCES.anomalies,
        [anomaliesQuery(SELECTED).cardinality('anomaly.entity')],
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Highest risk',
          description: 'Highest event.risk_score_norm (0-100) among the selected anomalies',
          unit: 'none',
          redAbove: 90,
        },
        DATASOURCES.anomalies,
        [anomaliesQuery(SELECTED).max('event.risk_score_norm')],
      ),
    )
    .withPanel(overTime);

  builder
    .withRow(row('What recurs'))
    .withPanel(
      topBars(
        { title: 'Top entities', description: 'Entities (anomaly.entity) with the most anomalies of the selected levels' },
        DATASOURCES.anomalies,
        anomaliesQuery(SELECTED).count().terms('anomaly.entity', 15),
      ),
    )
    .withPanel(
      topBars(
        { title: 'Top reasons', description: 'Most frequent reasons the scorer gave (anomaly.reasons)' },
        DATASOURCES.anomalies,
        anomaliesQuery(SELECTED).count().terms('anomaly.reasons', 15),
      ),
    )
    .withPanel(
      distribution(
        { title: 'Risk distribution', description: 'Anomalies by event.risk_score_norm (0-100) in buckets of 5', unit: 'short' },
        DATASOURCES.anomalies,
        anomaliesQuery(SELECTED).count().histogram('event.risk_score_norm', 5),
      ),
    )
    .withPanel(
      topBars(
        { title: 'By dataset', description: 'Anomalies per event.dataset', width: WIDTH.half, height: HEIGHT.chart },
        DATASOURCES.anomalies,
        anomaliesQuery(SELECTED).count().terms('event.dataset', 10),
      ),
    )
    .withPanel(
      topBars(
        {
          title: 'Top recommended actions',
          description: 'Most frequent anomaly.recommended_action',
          width: WIDTH.half,
          height: HEIGHT.chart,
        },
        DATASOURCES.anomalies,
        anomaliesQuery(SELECTED).count().terms('anomaly.recommended_action', 10),
      ),
    );

  builder
    .withRow(row('Where from'))
    .withPanel(
      countryMapPanel(
        {
          title: 'Anomalies by source country',
          description:
            'Anomalies of the selected levels per source.geo.country_iso_code (GeoIP), on a world map; private and documentation addresses have no country',
        },
        DATASOURCES.anomalies,
        anomaliesQuery(SELECTED).count().terms('source.geo.country_iso_code', 250),
        'source.geo.country_iso_code',
      ),
    )
    .withPanel(
      topBars(
        {
          title: 'Top source countries',
          description: 'Anomalies per source.geo.country_iso_code',
          width: WIDTH.half,
          height: HEIGHT.chart,
        },
        DATASOURCES.anomalies,
        anomaliesQuery(SELECTED).count().terms('source.geo.country_iso_code', 15),
      ),
    )
    .withPanel(
      topBars(
        {
          title: 'Top source networks',
          description: 'Anomalies per source.as.organization.name (the network owner)',
          width: WIDTH.half,
          height: HEIGHT.chart,
        },
        DATASOURCES.anomalies,
        anomaliesQuery(SELECTED).count().terms('source.as.organization.name', 15),
      ),
    );

  const latest = tablePanel(
    {
      title: 'Latest anomalies',
      description: 'The newest 200 anomalies of the selected levels, with the reasons and the recommended action',
      height: 14,
      transformations: [
        { id: 'filterFieldsByName', options: { include: { names: LATEST_COLUMNS.map(([field]) => field) } } },
        {
          id: 'organize',
          options: {
            indexByName: Object.fromEntries(LATEST_COLUMNS.map(([field], index) => [field, index])),
            renameByName: Object.fromEntries(LATEST_COLUMNS),
          },
        },
      ],
    },
    DATASOURCES.anomalies,
    anomaliesQuery(SELECTED).rawData(200),
  )
    .sortBy([new common.TableSortByFieldStateBuilder().displayName('Time').desc(true)])
    .overrideByName('Level', [
      { id: 'mappings', value: [levelColors()] },
      { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
      { id: 'custom.width', value: 90 },
    ])
    .overrideByName('Risk', [
      { id: 'custom.width', value: 70 },
      { id: 'decimals', value: 0 },
    ])
    .overrideByName('Time', [{ id: 'custom.width', value: 170 }]);

  builder.withRow(row('Latest')).withPanel(latest);
  return builder;
}
