/**
 * "siemad collector": the health of the collectors from their Prometheus metrics — what arrives,
 * what is lost and why, how far the pipeline and the disk buffer lag, how indexing into
 * OpenSearch goes, and what the process costs. Thresholds drawn on the charts are the ones the
 * alerting rules in provisioning/prometheus/rules/siemad.rules.yml use.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DATASOURCES, PROMETHEUS_JOB } from '../datasources.js';
import { HEIGHT, WIDTH, histogramQuantile, promChart, promStat, rate, row, selector } from '../panels.js';
import { siemadDashboard } from './common.js';

export const COLLECTOR_DASHBOARD_UID = 'siemad-collector';

/** Alert thresholds also drawn on the charts (keep in step with siemad.rules.yml). */
const QUEUE_DEPTH_WARNING = 40_000;
const PARSE_ERROR_RATIO_WARNING = 0.05;
const PIPELINE_P99_WARNING_SECONDS = 1;
const BUFFER_FILL_WARNING = 0.8;
const OLDEST_UNINDEXED_WARNING_SECONDS = 600;

const MESSAGES_PER_SECOND = 'suffix: msg/s';
const EVENTS_PER_SECOND = 'suffix: events/s';
const PER_SECOND = 'suffix: /s';

function instanceVariable(): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder('instance')
    .label('Collector')
    .description('siemad instances scraped by Prometheus')
    .datasource(DATASOURCES.prometheus)
    .query(`label_values(up{job="${PROMETHEUS_JOB}"}, instance)`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

export function collectorDashboard(): dashboard.DashboardBuilder {
  const builder = siemadDashboard({
    title: 'siemad collector',
    uid: COLLECTOR_DASHBOARD_UID,
    description: 'Syslog intake, drops, pipeline latency, disk buffer and OpenSearch indexing of the siemad collectors',
    tags: ['collector'],
    refresh: '30s',
    from: 'now-3h',
  }).withVariable(instanceVariable());

  builder
    .withRow(row('Overview'))
    .withPanel(
      promStat({ title: 'Collectors up', description: 'Collectors answering the Prometheus scrape', unit: 'short', width: 4 }, [
        { expr: `sum(${selector('up', `job="${PROMETHEUS_JOB}"`)})`, legend: 'up' },
      ]),
    )
    .withPanel(
      promStat(
        { title: 'Messages received', description: 'Syslog messages per second, all transports', unit: MESSAGES_PER_SECOND, width: 4 },
        [{ expr: `sum(${rate('siemad_messages_received_total')})`, legend: 'received' }],
      ),
    )
    .withPanel(
      promStat({ title: 'Events produced', description: 'Decoded events per second, all datasets', unit: EVENTS_PER_SECOND, width: 4 }, [
        { expr: `sum(${rate('siemad_events_total')})`, legend: 'events' },
      ]),
    )
    .withPanel(
      promStat(
        {
          title: 'Dropped',
          description: 'Messages and connections dropped per second (any reason)',
          unit: PER_SECOND,
          width: 4,
          redAbove: 0.001,
        },
        [{ expr: `sum(${rate('siemad_dropped_total')}) or vector(0)`, legend: 'dropped' }],
      ),
    )
    .withPanel(
      promStat(
        {
          title: 'Oldest unindexed event',
          description: 'Age of the oldest event in the disk buffer not yet in OpenSearch; grows while OpenSearch is unreachable',
          unit: 's',
          width: 4,
          redAbove: OLDEST_UNINDEXED_WARNING_SECONDS,
        },
        [{ expr: `max(${selector('siemad_buffer_oldest_unacked_age_seconds')})`, legend: 'oldest' }],
      ),
    )
    .withPanel(
      promStat(
        {
          title: 'OpenSearch unreachable for',
          description: 'How long every attempt to reach OpenSearch has failed (0 while it answers)',
          unit: 's',
          width: 4,
          redAbove: 60,
        },
        [{ expr: `max(${selector('siemad_opensearch_unreachable_seconds')})`, legend: 'unreachable' }],
      ),
    );

  builder
    .withRow(row('Intake'))
    .withPanel(
      promChart(
        {
          title: 'Messages received by transport',
          description: 'Syslog messages per second by transport (udp, tcp, tls)',
          unit: MESSAGES_PER_SECOND,
          stacked: true,
          min: 0,
        },
        [{ expr: `sum by (transport) (${rate('siemad_messages_received_total')})`, legend: '{{transport}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Bytes received by transport',
          description: 'Bytes per second as framed on the wire, by transport',
          unit: 'Bps',
          stacked: true,
          min: 0,
        },
        [{ expr: `sum by (transport) (${rate('siemad_bytes_received_total')})`, legend: '{{transport}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Drops by reason',
          description:
            'Messages (queue_full, buffer_full, shutdown) and connections (not_allowed, too_many_connections) dropped per second',
          unit: PER_SECOND,
          stacked: true,
          bars: true,
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: `sum by (reason) (${rate('siemad_dropped_total')})`, legend: '{{reason}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Parse error ratio',
          description: 'Share of messages whose syslog header did not parse (kept with event.original and a tag)',
          unit: 'percentunit',
          min: 0,
          width: WIDTH.third,
          redAbove: PARSE_ERROR_RATIO_WARNING,
        },
        [{ expr: `sum(${rate('siemad_parse_errors_total')}) / sum(${rate('siemad_messages_received_total')})`, legend: 'parse errors' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Truncated and mis-framed messages',
          description: 'Messages cut at the size limit, and stream frames with an implausible octet count, per second',
          unit: PER_SECOND,
          min: 0,
          width: WIDTH.third,
        },
        [
          { expr: `sum by (transport) (${rate('siemad_frames_truncated_total')})`, legend: 'truncated {{transport}}' },
          { expr: `sum by (transport) (${rate('siemad_framing_errors_total')})`, legend: 'framing errors {{transport}}' },
        ],
      ),
    )
    .withPanel(
      promChart(
        { title: 'Open connections', description: 'Open TCP and TLS connections by transport', unit: 'short', stacked: true, min: 0 },
        [{ expr: `sum by (transport) (${selector('siemad_open_connections')})`, legend: '{{transport}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Connections rejected',
          description: 'Connections refused per second, by transport and reason',
          unit: PER_SECOND,
          bars: true,
          stacked: true,
          min: 0,
        },
        [{ expr: `sum by (transport, reason) (${rate('siemad_connections_rejected_total')})`, legend: '{{transport}} {{reason}}' }],
      ),
    );

  builder
    .withRow(row('Pipeline'))
    .withPanel(
      promChart(
        {
          title: 'Queue depth',
          description: 'Messages waiting between the receivers and the pipeline (full queue: UDP drops, TCP back-pressure)',
          unit: 'short',
          min: 0,
          width: WIDTH.third,
          redAbove: QUEUE_DEPTH_WARNING,
        },
        [
          { expr: `sum by (instance) (${selector('siemad_queue_depth')})`, legend: '{{instance}}' },
          { expr: `sum by (instance) (${selector('siemad_queue_capacity')})`, legend: 'capacity {{instance}}' },
        ],
      ),
    )
    .withPanel(
      promChart(
        { title: 'Queue bytes', description: 'Approximate memory held by queued messages', unit: 'bytes', min: 0, width: WIDTH.third },
        [{ expr: `sum by (instance) (${selector('siemad_queue_bytes')})`, legend: '{{instance}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Pipeline latency',
          description: 'From receipt of a message to its scored event being handed to the sinks',
          unit: 's',
          min: 0,
          width: WIDTH.third,
          redAbove: PIPELINE_P99_WARNING_SECONDS,
        },
        [
          { expr: histogramQuantile(0.5, 'siemad_pipeline_latency_seconds'), legend: 'p50' },
          { expr: histogramQuantile(0.99, 'siemad_pipeline_latency_seconds'), legend: 'p99' },
        ],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Events by dataset',
          description: 'Events produced per second by event.dataset ("none": no decoder matched)',
          unit: EVENTS_PER_SECOND,
          stacked: true,
          min: 0,
        },
        [{ expr: `sum by (dataset) (${rate('siemad_events_total')})`, legend: '{{dataset}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Events by action (top 15)',
          description: 'The 15 busiest event.dataset / event.action pairs, events per second',
          unit: EVENTS_PER_SECOND,
          min: 0,
        },
        [{ expr: `topk(15, sum by (dataset, action) (${rate('siemad_events_total')}))`, legend: '{{dataset}} {{action}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Anomalies by level',
          description: 'Events the scorer flagged per second, by anomaly.level (details on the anomalies dashboard)',
          unit: EVENTS_PER_SECOND,
          bars: true,
          stacked: true,
          min: 0,
          width: WIDTH.full,
          height: 6,
        },
        [{ expr: `sum by (level) (${rate('siemad_anomalies_total')})`, legend: '{{level}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Site calibration thresholds',
          description:
            "Shipped-model risk at which each family is flagged now: 0.4 = the shipped threshold; it rises (at most to the ceiling) while the site's familiar traffic would exceed the flag budget (scorer/README.md)",
          unit: 'short',
          min: 0,
          max: 1,
          width: WIDTH.third,
        },
        [{ expr: `max by (family) (${selector('siemad_calibration_threshold')})`, legend: '{{family}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Flagged per 10k (familiar traffic)',
          description:
            "Each family's flagged share of the familiar actors' events over the calibration's 7-day window; the flag budget bounds it once a family is warm",
          unit: 'short',
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: `max by (family) (${selector('siemad_calibration_flagged_per_10k')})`, legend: '{{family}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Calibration warm-up',
          description: '1 once a family has seen enough familiar events for its own threshold; 0 while the shipped one is used',
          unit: 'short',
          min: 0,
          max: 1,
          width: WIDTH.third,
        },
        [{ expr: `min by (family) (${selector('siemad_calibration_warm')})`, legend: '{{family}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Sink errors',
          description: 'Errors writing to a sink, per second',
          unit: PER_SECOND,
          bars: true,
          min: 0,
          width: WIDTH.full,
          height: 6,
        },
        [{ expr: `sum by (sink) (${rate('siemad_sink_errors_total')})`, legend: '{{sink}}' }],
      ),
    );

  builder
    .withRow(row('Disk buffer'))
    .withPanel(
      promChart(
        {
          title: 'Buffer fill',
          description: 'Disk buffer bytes over its bound; at 100% UDP drops and TCP back-pressure begin',
          unit: 'percentunit',
          min: 0,
          max: 1,
          width: WIDTH.third,
          redAbove: BUFFER_FILL_WARNING,
        },
        [
          {
            expr: `sum by (instance, buffer) (${selector('siemad_buffer_bytes')}) / sum by (instance, buffer) (${selector('siemad_buffer_max_bytes')})`,
            legend: '{{instance}} {{buffer}}',
          },
        ],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Buffered events',
          description: 'Events in the disk buffer not yet acknowledged by the indexer',
          unit: 'short',
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: `sum by (instance, buffer) (${selector('siemad_buffer_events')})`, legend: '{{instance}} {{buffer}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Oldest unindexed event age',
          description: 'How far indexing lags behind intake',
          unit: 's',
          min: 0,
          width: WIDTH.third,
          redAbove: OLDEST_UNINDEXED_WARNING_SECONDS,
        },
        [
          {
            expr: `max by (instance, buffer) (${selector('siemad_buffer_oldest_unacked_age_seconds')})`,
            legend: '{{instance}} {{buffer}}',
          },
        ],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Buffer throughput',
          description: 'Events appended to and acknowledged from the disk buffer per second',
          unit: EVENTS_PER_SECOND,
          min: 0,
          width: WIDTH.third,
        },
        [
          { expr: `sum(${rate('siemad_buffer_appended_events_total')})`, legend: 'appended' },
          { expr: `sum(${rate('siemad_buffer_acked_events_total')})`, legend: 'acknowledged' },
        ],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Buffer losses',
          description: 'Appends refused (buffer full), records lost (unreadable segment) and corrupt spans skipped, per second',
          unit: PER_SECOND,
          bars: true,
          min: 0,
          width: WIDTH.third,
        },
        [
          { expr: `sum(${rate('siemad_buffer_full_rejections_total')})`, legend: 'full rejections' },
          { expr: `sum(${rate('siemad_buffer_lost_events_total')})`, legend: 'lost events' },
          { expr: `sum(${rate('siemad_buffer_corrupt_records_total')})`, legend: 'corrupt records' },
        ],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'fsync duration p99',
          description: 'Duration of fsync calls on buffer segment files (slow disks show here first)',
          unit: 's',
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: histogramQuantile(0.99, 'siemad_buffer_fsync_duration_seconds', ['buffer']), legend: '{{buffer}}' }],
      ),
    );

  builder
    .withRow(row('OpenSearch indexing'))
    .withPanel(
      promChart(
        {
          title: 'Bulk requests by outcome',
          description: 'Bulk requests per second: ok, item_errors, unreachable, retryable_status, rejected',
          unit: PER_SECOND,
          stacked: true,
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: `sum by (outcome) (${rate('siemad_opensearch_bulk_requests_total')})`, legend: '{{outcome}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Bulk items by outcome',
          description: 'Documents per second: created, duplicate (already indexed), retried, dead_lettered',
          unit: PER_SECOND,
          stacked: true,
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: `sum by (outcome) (${rate('siemad_opensearch_bulk_items_total')})`, legend: '{{outcome}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Retries by reason',
          description: 'Waits before trying again, per second, by reason',
          unit: PER_SECOND,
          stacked: true,
          bars: true,
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: `sum by (reason) (${rate('siemad_opensearch_retries_total')})`, legend: '{{reason}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Indexing latency',
          description: 'From the disk-buffer append of an event to all its documents being indexed',
          unit: 's',
          min: 0,
          width: WIDTH.third,
        },
        [
          { expr: histogramQuantile(0.5, 'siemad_opensearch_indexing_latency_seconds'), legend: 'p50' },
          { expr: histogramQuantile(0.99, 'siemad_opensearch_indexing_latency_seconds'), legend: 'p99' },
          { expr: histogramQuantile(0.99, 'siemad_opensearch_bulk_duration_seconds'), legend: 'bulk request p99' },
        ],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Dead letters',
          description: 'Documents written to the dead-letter queue per second, by kind',
          unit: PER_SECOND,
          stacked: true,
          bars: true,
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: `sum by (kind) (${rate('siemad_opensearch_dead_lettered_total')})`, legend: '{{kind}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'Dead-letter files',
          description: 'Bytes of dead-letter files on disk (bounded; the oldest are deleted beyond the bound)',
          unit: 'bytes',
          min: 0,
          width: WIDTH.third,
        },
        [{ expr: `sum by (instance) (${selector('siemad_opensearch_dead_letter_bytes')})`, legend: '{{instance}}' }],
      ),
    )
    .withPanel(
      promChart(
        {
          title: 'OpenSearch reachability',
          description: 'Seconds every attempt has failed (0 while OpenSearch answers)',
          unit: 's',
          min: 0,
        },
        [{ expr: `max by (instance) (${selector('siemad_opensearch_unreachable_seconds')})`, legend: '{{instance}}' }],
      ),
    )
    .withPanel(
      promChart(
        { title: 'Bulk requests in flight', description: 'Bulk requests being sent or waiting to be retried', unit: 'short', min: 0 },
        [{ expr: `sum by (instance) (${selector('siemad_opensearch_in_flight_requests')})`, legend: '{{instance}}' }],
      ),
    );

  builder
    .withRow(row('Process'))
    .withPanel(
      promChart({ title: 'CPU', description: 'CPU time per second (1 = one core busy)', unit: 'percentunit', min: 0, width: WIDTH.third }, [
        { expr: `sum by (instance) (${rate('siemad_process_cpu_seconds_total')})`, legend: '{{instance}}' },
      ]),
    )
    .withPanel(
      promChart({ title: 'Memory', description: 'Resident set size and V8 heap in use', unit: 'bytes', min: 0, width: WIDTH.third }, [
        { expr: `sum by (instance) (${selector('siemad_process_resident_memory_bytes')})`, legend: 'RSS {{instance}}' },
        { expr: `sum by (instance) (${selector('siemad_nodejs_heap_size_used_bytes')})`, legend: 'heap {{instance}}' },
      ]),
    )
    .withPanel(
      promChart(
        {
          title: 'Event loop lag p99',
          description: 'Event loop delay: a busy or blocked loop delays receiving and scoring alike',
          unit: 's',
          min: 0,
          width: WIDTH.third,
          height: HEIGHT.chart,
        },
        [{ expr: `max by (instance) (${selector('siemad_nodejs_eventloop_lag_p99_seconds')})`, legend: '{{instance}}' }],
      ),
    );

  return builder;
}
