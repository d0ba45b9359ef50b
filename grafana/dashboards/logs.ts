/**
 * "siemad logs": an overview of the logs data stream for analysts — volumes by dataset and
 * action, failed logins by source address and user, firewall denies by destination port and
 * source, and the messages the collector could not parse or decode.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { EventCategory, EventOutcome, EventType } from '../../collector/ecs/event.js';
import { TAGS } from '../../collector/ecs/event.js';
import { DATASETS } from '../../collector/decoders/fields.js';
import { DATASOURCES } from '../datasources.js';
import { luceneAnd, luceneTerm, type EcsFieldPath } from '../ecs-fields.js';
import { logsQuery } from '../opensearch-query.js';
import { HEIGHT, WIDTH, chart, row, statPanel, tablePanel, topBars } from '../panels.js';
import { siemadDashboard } from './common.js';

export const LOGS_DASHBOARD_UID = 'siemad-logs';

const AUTHENTICATION: EventCategory = 'authentication';
const FAILURE: EventOutcome = 'failure';
const DENIED: EventType = 'denied';

/** Failed authentications of any kind (sshd, PAM, sudo, web auth...). */
export const FAILED_LOGINS = luceneAnd(luceneTerm('event.category', AUTHENTICATION), luceneTerm('event.outcome', FAILURE));
/** Packets a netfilter rule dropped or rejected. */
export const FIREWALL_DENIES = luceneAnd(luceneTerm('event.dataset', DATASETS.iptables.dataset), luceneTerm('event.type', DENIED));
/** Messages whose syslog header did not parse or whose body no decoder knew. */
export const UNPARSED = luceneTerm('tags', TAGS.parseError, TAGS.decodeUnknown, TAGS.decodeError);

/** A row about one kind of event: its count over time split by one field, and its top values of others. */
interface FocusRow {
  title: string;
  lucene: string;
  /** What is counted, for descriptions ("Failed authentications"). */
  what: string;
  splitBy: EcsFieldPath;
  splits: number;
  tops: readonly (readonly [titleSuffix: string, field: EcsFieldPath, description: string])[];
}

function focusRow(builder: dashboard.DashboardBuilder, focus: FocusRow): void {
  builder.withRow(row(focus.title)).withPanel(
    chart(
      {
        title: `${focus.title} over time`,
        description: `${focus.what} per interval, by ${focus.splitBy}`,
        unit: 'short',
        stacked: true,
        bars: true,
        min: 0,
        width: WIDTH.third,
        height: HEIGHT.table,
      },
      DATASOURCES.logs,
      [logsQuery(focus.lucene).count().terms(focus.splitBy, focus.splits).overTime().alias(`{{term ${focus.splitBy}}}`)],
    ),
  );
  for (const [suffix, field, description] of focus.tops) {
    builder.withPanel(
      topBars({ title: `${focus.title} ${suffix}`, description }, DATASOURCES.logs, logsQuery(focus.lucene).count().terms(field, 15)),
    );
  }
}

export function logsDashboard(): dashboard.DashboardBuilder {
  const builder = siemadDashboard({
    title: 'siemad logs',
    uid: LOGS_DASHBOARD_UID,
    description: 'Logs indexed by siemad: events by dataset and action, failed logins, firewall denies, unparsed messages',
    tags: ['logs'],
    refresh: '1m',
    from: 'now-24h',
  });

  builder
    .withRow(row('Volume'))
    .withPanel(
      statPanel(
        { title: 'Events', description: 'Events indexed in the time range', unit: 'short', width: WIDTH.third },
        DATASOURCES.logs,
        [logsQuery('*').count().overTime()],
        'sum',
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Failed logins',
          description: 'Authentication events with outcome failure in the time range',
          unit: 'short',
          width: WIDTH.third,
        },
        DATASOURCES.logs,
        [logsQuery(FAILED_LOGINS).count().overTime()],
        'sum',
      ),
    )
    .withPanel(
      statPanel(
        {
          title: 'Firewall denies',
          description: 'Packets dropped or rejected by netfilter rules in the time range',
          unit: 'short',
          width: WIDTH.third,
        },
        DATASOURCES.logs,
        [logsQuery(FIREWALL_DENIES).count().overTime()],
        'sum',
      ),
    )
    .withPanel(
      chart(
        {
          title: 'Events by dataset',
          description: 'Events per interval, stacked by event.dataset',
          unit: 'short',
          stacked: true,
          bars: true,
          min: 0,
          width: WIDTH.full,
        },
        DATASOURCES.logs,
        [logsQuery('*').count().terms('event.dataset', 10).overTime().alias('{{term event.dataset}}')],
      ),
    )
    .withPanel(
      tablePanel(
        {
          title: 'Events by dataset and action',
          description: 'Event counts per event.dataset and event.action in the time range',
          width: WIDTH.half,
          height: HEIGHT.table,
        },
        DATASOURCES.logs,
        logsQuery('*').count().terms('event.dataset', 10).terms('event.action', 25),
      ),
    )
    .withPanel(
      chart(
        {
          title: 'Unparsed and undecoded messages',
          description: `Events tagged ${TAGS.parseError}, ${TAGS.decodeUnknown} or ${TAGS.decodeError}, by tag`,
          unit: 'short',
          stacked: true,
          bars: true,
          min: 0,
          width: WIDTH.half,
          height: HEIGHT.table,
        },
        DATASOURCES.logs,
        [logsQuery(UNPARSED).count().terms('tags', 5).overTime().alias('{{term tags}}')],
      ),
    );

  focusRow(builder, {
    title: 'Failed logins',
    lucene: FAILED_LOGINS,
    what: 'Failed authentications',
    splitBy: 'event.action',
    splits: 8,
    tops: [
      ['by source IP', 'source.ip', 'Source addresses with the most failed authentications'],
      ['by user', 'user.name', 'User names with the most failed authentications (invalid users included)'],
    ],
  });
  focusRow(builder, {
    title: 'Firewall denies',
    lucene: FIREWALL_DENIES,
    what: 'Denied packets',
    splitBy: 'network.transport',
    splits: 5,
    tops: [
      ['by destination port', 'destination.port', 'Destination ports most often denied'],
      ['by source IP', 'source.ip', 'Source addresses most often denied'],
    ],
  });

  return builder;
}
