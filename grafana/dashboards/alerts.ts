/**
 * "siemad alerts and feedback": the analysts' work, from PostgreSQL — open alerts by level, how
 * fast they are acknowledged, alerts over time, the entities they are about, how often analysts
 * call a detection kind a false positive, which suppressions are active, and notifications that
 * did not get through. Every query runs on a real PostgreSQL in
 * test/provisioning/alerts-dashboard-sql.test.ts.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DETECTION_KINDS } from '../../collector/ecs/event.js';
import { DATASOURCES } from '../datasources.js';
import { HEIGHT, WIDTH, chart, row, statPanel, tablePanel, topBars, type TableOptions } from '../panels.js';
import { postgresTable, postgresTimeSeries } from '../sql-query.js';
import { ANOMALY_LEVEL_COLORS, levelColors } from './anomalies.js';
import { siemadDashboard } from './common.js';

export const ALERTS_DASHBOARD_UID = 'siemad-alerts';

/** Dashboard variables: `entity` (text, empty = all; notification links fill it) and `kind`. */
const ENTITY = '${entity:sqlstring}';
const KINDS = '${kind:sqlstring}';

/** The variables' filter on an alerts (or feedback) row aliased `alias`. */
function selected(alias: string): string {
  return `(${ENTITY} = '' OR ${alias}.entity = ${ENTITY}) AND ${alias}.kind IN (${KINDS})`;
}

/** Alerts active at some time in the range: seen after its start and first seen before its end. */
const ACTIVE_IN_RANGE = 'a.last_seen >= $__timeFrom() AND a.first_seen <= $__timeTo()';

/** Levels, mildest first, as an SQL array: array_position gives their rank. */
const LEVELS_SQL = `ARRAY[${ANOMALY_LEVEL_COLORS.map(([level]) => `'${level}'`).join(', ')}]`;
const STATUSES = ['open', 'acknowledged', 'resolved', 'false_positive'] as const;

const SECONDS_TO_ACKNOWLEDGE = 'extract(epoch FROM a.acknowledged_at - a.created_at)';

function entityVariable(): dashboard.TextBoxVariableBuilder {
  return new dashboard.TextBoxVariableBuilder('entity')
    .label('Entity')
    .description('Only this entity (e.g. source.ip=203.0.113.9); empty for all. Links in notifications fill it in.')
    .defaultValue('');
}

function kindVariable(): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder('kind')
    .label('Detection kind')
    .description('Detection kinds (anomaly.kind) shown')
    .values(DETECTION_KINDS.join(','))
    .multi(true)
    .includeAll(true)
    .current({ text: ['All'], value: ['$__all'] });
}

/** A table of one SQL query's rows. */
function sqlTable(options: TableOptions, sql: string): ReturnType<typeof tablePanel> {
  return tablePanel(options, DATASOURCES.postgres, postgresTable(sql));
}

function colouredByLevel<T extends { overrideByName(name: string, properties: dashboard.DynamicConfigValue[]): T }>(panel: T): T {
  for (const [level, color] of ANOMALY_LEVEL_COLORS)
    panel.overrideByName(level, [{ id: 'color', value: { mode: 'fixed', fixedColor: color } }]);
  return panel;
}

function levelCells(): dashboard.DynamicConfigValue[] {
  return [
    { id: 'mappings', value: [levelColors()] },
    { id: 'custom.cellOptions', value: { type: 'color-background', mode: 'basic' } },
    { id: 'custom.width', value: 90 },
  ];
}

export function alertsDashboard(): dashboard.DashboardBuilder {
  const builder = siemadDashboard({
    title: 'siemad alerts and feedback',
    uid: ALERTS_DASHBOARD_UID,
    description:
      'Alerts in PostgreSQL: open alerts by level, time to acknowledge, alerts over time, top entities, false-positive rate by detection kind, active suppressions, undelivered notifications',
    tags: ['alerts'],
    refresh: '1m',
    from: 'now-7d',
  })
    .withVariable(entityVariable())
    .withVariable(kindVariable());

  // One column per level, most severe first: each is a value of the stat, coloured by its name.
  const openByLevel = statPanel(
    { title: 'Open alerts by level', description: 'Alerts with status open now, by their highest level', unit: 'short', width: WIDTH.half },
    DATASOURCES.postgres,
    [
      postgresTable(`
        SELECT ${[...ANOMALY_LEVEL_COLORS]
          .reverse()
          .map(([level]) => `count(*) FILTER (WHERE a.level = '${level}') AS "${level}"`)
          .join(', ')}
        FROM alerts a
        WHERE a.status = 'open' AND ${selected('a')}`),
    ],
  )
    .textMode(common.BigValueTextMode.ValueAndName)
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.None);
  colouredByLevel(openByLevel);

  builder
    .withRow(row('Now'))
    .withPanel(openByLevel)
    .withPanel(
      statPanel(
        { title: 'Acknowledged', description: 'Alerts acknowledged and not yet resolved (or called a false positive)', unit: 'short' },
        DATASOURCES.postgres,
        [postgresTable(`SELECT count(*) AS "acknowledged" FROM alerts a WHERE a.status = 'acknowledged' AND ${selected('a')}`)],
      ),
    )
    .withPanel(
      statPanel(
        { title: 'Active suppressions', description: 'Suppressions in force now: not deleted, not expired', unit: 'short' },
        DATASOURCES.postgres,
        [
          postgresTable(
            `SELECT count(*) AS "active" FROM suppressions s WHERE s.deleted_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())`,
          ),
        ],
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Median time to acknowledge',
          description: 'From the alert being written to its acknowledgement, for alerts acknowledged in the time range',
          unit: 's',
          width: WIDTH.third,
        },
        DATASOURCES.postgres,
        [
          postgresTable(`
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ${SECONDS_TO_ACKNOWLEDGE}) AS "median"
            FROM alerts a
            WHERE a.acknowledged_at IS NOT NULL AND $__timeFilter(a.acknowledged_at) AND ${selected('a')}`),
        ],
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'False positives',
          description: 'Share of analyst verdicts in the time range that were false_positive',
          unit: 'percentunit',
          width: WIDTH.third,
        },
        DATASOURCES.postgres,
        [
          postgresTable(`
            SELECT count(*) FILTER (WHERE f.verdict = 'false_positive')::float8 / NULLIF(count(*), 0) AS "false positives"
            FROM feedback f
            WHERE $__timeFilter(f.created_at) AND (f.kind IS NULL OR f.kind IN (${KINDS})) AND (${ENTITY} = '' OR f.entity = ${ENTITY})`),
        ],
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Undelivered notifications',
          description: 'Webhook notifications pending (waiting, retrying, rate-limited) or failed in the time range',
          unit: 'short',
          redAbove: 1,
          width: WIDTH.third,
        },
        DATASOURCES.postgres,
        [
          postgresTable(
            `SELECT count(*) AS "undelivered" FROM notification_deliveries d WHERE d.status IN ('pending', 'failed') AND $__timeFilter(d.created_at)`,
          ),
        ],
      ),
    );

  const overTime = chart(
    {
      title: 'Alerts over time by level',
      description: 'Alerts by the time of their first anomaly, stacked by level',
      unit: 'short',
      stacked: true,
      bars: true,
      min: 0,
    },
    DATASOURCES.postgres,
    [
      postgresTimeSeries(`
        SELECT $__timeGroupAlias(a.first_seen, $__interval), a.level AS metric, count(*) AS "alerts"
        FROM alerts a
        WHERE $__timeFilter(a.first_seen) AND ${selected('a')}
        GROUP BY 1, 2
        ORDER BY 1`),
    ],
  );
  colouredByLevel(overTime);

  builder
    .withRow(row('Over time'))
    .withPanel(overTime)
    .withPanel(
      chart(
        {
          title: 'Time to acknowledge',
          description: 'Median and 90th percentile of the time from alert to acknowledgement, by the time of the acknowledgement',
          unit: 's',
          min: 0,
        },
        DATASOURCES.postgres,
        [
          postgresTimeSeries(`
            SELECT $__timeGroupAlias(a.acknowledged_at, $__interval),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY ${SECONDS_TO_ACKNOWLEDGE}) AS "p50",
              percentile_cont(0.9) WITHIN GROUP (ORDER BY ${SECONDS_TO_ACKNOWLEDGE}) AS "p90"
            FROM alerts a
            WHERE a.acknowledged_at IS NOT NULL AND $__timeFilter(a.acknowledged_at) AND ${selected('a')}
            GROUP BY 1
            ORDER BY 1`),
        ],
      ),
    );

  builder
    .withRow(row('Triage'))
    .withPanel(
      topBars(
        { title: 'Alerts by status', description: 'Alerts active in the time range by status', width: WIDTH.quarter, height: HEIGHT.table },
        DATASOURCES.postgres,
        postgresTable(`
          SELECT s.status AS "status", count(a.id) AS "alerts"
          FROM unnest(ARRAY[${STATUSES.map((status) => `'${status}'`).join(', ')}]) WITH ORDINALITY AS s(status, n)
          LEFT JOIN alerts a ON a.status = s.status AND ${ACTIVE_IN_RANGE} AND ${selected('a')}
          GROUP BY s.status, s.n
          ORDER BY s.n`),
      ),
    )
    .withPanel(
      sqlTable(
        {
          title: 'Top entities',
          description: 'Entities with alerts active in the time range: highest level first, then most alerts',
          width: WIDTH.full - WIDTH.quarter,
        },
        `
          SELECT a.entity AS "entity", count(*) AS "alerts", count(*) FILTER (WHERE a.status = 'open') AS "open",
            (${LEVELS_SQL})[max(array_position(${LEVELS_SQL}, a.level))] AS "highest level",
            sum(a.anomaly_count) AS "anomalies", string_agg(DISTINCT a.kind, ', ') AS "kinds", max(a.last_seen) AS "last seen"
          FROM alerts a
          WHERE ${ACTIVE_IN_RANGE} AND ${selected('a')}
          GROUP BY a.entity
          ORDER BY max(array_position(${LEVELS_SQL}, a.level)) DESC, count(*) DESC
          LIMIT 20`,
      ).overrideByName('highest level', levelCells()),
    );

  builder
    .withRow(row('Feedback'))
    .withPanel(
      sqlTable(
        {
          title: 'False-positive rate by detection kind',
          description: 'Analyst verdicts in the time range per detection kind: the share that were false positives, and the counts',
          width: WIDTH.half,
        },
        `
          SELECT f.kind AS "kind",
            count(*) FILTER (WHERE f.verdict = 'false_positive')::float8 / count(*) AS "false-positive rate",
            count(*) FILTER (WHERE f.verdict = 'false_positive') AS "false positives",
            count(*) FILTER (WHERE f.verdict = 'true_positive') AS "true positives",
            count(*) FILTER (WHERE f.verdict = 'benign') AS "benign",
            count(*) AS "verdicts"
          FROM feedback f
          WHERE $__timeFilter(f.created_at) AND f.kind IS NOT NULL AND ${selected('f')}
          GROUP BY f.kind
          ORDER BY 2 DESC, 6 DESC`,
      ).overrideByName('false-positive rate', [
        { id: 'unit', value: 'percentunit' },
        { id: 'min', value: 0 },
        { id: 'max', value: 1 },
        { id: 'custom.cellOptions', value: { type: 'gauge', mode: 'basic' } },
      ]),
    )
    .withPanel(
      chart(
        {
          title: 'Verdicts over time',
          description: 'Analyst feedback per interval by verdict',
          unit: 'short',
          stacked: true,
          bars: true,
          min: 0,
          height: HEIGHT.table,
        },
        DATASOURCES.postgres,
        [
          postgresTimeSeries(`
            SELECT $__timeGroupAlias(f.created_at, $__interval), f.verdict AS metric, count(*) AS "verdicts"
            FROM feedback f
            WHERE $__timeFilter(f.created_at) AND (f.kind IS NULL OR f.kind IN (${KINDS})) AND (${ENTITY} = '' OR f.entity = ${ENTITY})
            GROUP BY 1, 2
            ORDER BY 1`),
        ],
      ),
    )
    .withPanel(
      sqlTable(
        {
          title: 'Suppressions in force',
          description: 'Suppressions in force now: what they match, their effect, who made them and until when',
          height: HEIGHT.chart,
        },
        `
          SELECT s.id AS "id", s.entity AS "entity", s.kind AS "kind", s.reason_contains AS "reason contains", s.effect AS "effect",
            s.comment AS "comment", s.created_by AS "created by", s.created_at AS "created", s.expires_at AS "expires"
          FROM suppressions s
          WHERE s.deleted_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > now())
          ORDER BY s.created_at DESC
          LIMIT 200`,
      ),
    );

  builder
    .withRow(row('Alerts'))
    .withPanel(
      sqlTable(
        { title: 'Latest alerts', description: 'Alerts active in the time range, most recently seen first', height: 14 },
        `
          SELECT a.id AS "id", a.last_seen AS "last seen", a.first_seen AS "first seen", a.level AS "level", a.status AS "status",
            a.entity AS "entity", a.kind AS "kind", a.anomaly_count AS "anomalies", round(a.score::numeric, 2) AS "score",
            a.assignee AS "assignee", a.top_reasons[1] AS "top reason", a.recommended_action AS "recommended action"
          FROM alerts a
          WHERE ${ACTIVE_IN_RANGE} AND ${selected('a')}
          ORDER BY a.last_seen DESC
          LIMIT 200`,
      ).overrideByName('level', levelCells()),
    )
    .withPanel(
      sqlTable(
        {
          title: 'Pending and failed notifications',
          description: 'Webhook notifications pending or failed, with the last error (target: format:host#hash of the URL)',
          height: HEIGHT.chart,
        },
        `
          SELECT d.created_at AS "created", d.alert_id AS "alert", d.trigger AS "trigger", d.level AS "level", d.target AS "target",
            d.status AS "status", d.attempts AS "attempts", d.next_attempt_at AS "next attempt", d.last_error AS "last error"
          FROM notification_deliveries d
          WHERE d.status IN ('pending', 'failed') AND $__timeFilter(d.created_at)
          ORDER BY d.created_at DESC
          LIMIT 200`,
      ),
    );
  return builder;
}
