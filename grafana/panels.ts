/**
 * Panel helpers shared by the dashboards: PromQL selectors scoped to the `$instance` variable,
 * and time series, stat, bar and table panels with the options our dashboards always set.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as geomap from '@grafana/grafana-foundation-sdk/geomap';
import { DATASOURCES, type DatasourceRef } from './datasources.js';

/** Grid widths (of 24) and heights used throughout. */
export const WIDTH = { full: 24, half: 12, third: 8, quarter: 6 } as const;
export const HEIGHT = { stat: 4, chart: 8, table: 10 } as const;

/** `metric{instance=~"$instance",extra}`: every series on the collector dashboard follows the instance picker. */
export function selector(metric: string, extraMatchers = ''): string {
  return `${metric}{instance=~"$instance"${extraMatchers === '' ? '' : `,${extraMatchers}`}}`;
}

/** Per-second rate of a counter over Grafana's rate interval (at least four scrapes). */
export function rate(metric: string, extraMatchers = ''): string {
  return `rate(${selector(metric, extraMatchers)}[$__rate_interval])`;
}

/** Quantile of a histogram across instances, optionally kept apart by labels. */
export function histogramQuantile(quantile: number, histogram: string, by: readonly string[] = []): string {
  const labels = ['le', ...by].join(', ');
  return `histogram_quantile(${quantile}, sum by (${labels}) (${rate(`${histogram}_bucket`)}))`;
}

export interface PromSeries {
  expr: string;
  legend: string;
}

function promTargets(series: readonly PromSeries[]): prometheus.DataqueryBuilder[] {
  return series.map((s, i) =>
    new prometheus.DataqueryBuilder()
      .datasource(DATASOURCES.prometheus)
      .refId(String.fromCharCode(65 + i))
      .expr(s.expr)
      .legendFormat(s.legend)
      .range(),
  );
}

/** What every panel states: what it shows, where its data comes from, how much room it takes. */
export interface PanelOptions {
  title: string;
  description: string;
  width?: number;
  height?: number;
}

/** The builder methods all panel kinds share (each kind has its own builder class). */
interface PanelBuilderBasics<Self> {
  title(title: string): Self;
  description(description: string): Self;
  datasource(datasource: DatasourceRef): Self;
  span(width: number): Self;
  height(height: number): Self;
  withTarget(target: cog.Builder<cog.Dataquery>): Self;
}

function placed<Self extends PanelBuilderBasics<Self>>(
  panel: Self,
  options: PanelOptions,
  size: { width: number; height: number },
  datasource: DatasourceRef,
  targets: readonly cog.Builder<cog.Dataquery>[],
): Self {
  panel
    .title(options.title)
    .description(options.description)
    .datasource(datasource)
    .span(options.width ?? size.width)
    .height(options.height ?? size.height);
  for (const target of targets) panel.withTarget(target);
  return panel;
}

export interface ChartOptions extends PanelOptions {
  unit: string;
  stacked?: boolean;
  bars?: boolean;
  min?: number;
  max?: number;
  /** A red threshold line at this value (alerting thresholds shown where they apply). */
  redAbove?: number;
}

function thresholds(redAbove: number | undefined): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null, color: 'green' }];
  if (redAbove !== undefined) steps.push({ value: redAbove, color: 'red' });
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

/** A time series panel; `targets` are query builders of any datasource. */
export function chart(
  options: ChartOptions,
  datasource: DatasourceRef,
  targets: readonly cog.Builder<cog.Dataquery>[],
): timeseries.PanelBuilder {
  const panel = placed(new timeseries.PanelBuilder(), options, { width: WIDTH.half, height: HEIGHT.chart }, datasource, targets)
    .unit(options.unit)
    .fillOpacity(options.bars === true ? 80 : 10)
    .lineWidth(1)
    .showPoints(common.VisibilityMode.Never)
    .drawStyle(options.bars === true ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .stacking(new common.StackingConfigBuilder().mode(options.stacked === true ? common.StackingMode.Normal : common.StackingMode.None))
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['mean', 'max', 'lastNotNull']),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .thresholds(thresholds(options.redAbove))
    .thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(
        options.redAbove === undefined ? common.GraphThresholdsStyleMode.Off : common.GraphThresholdsStyleMode.Dashed,
      ),
    );
  if (options.min !== undefined) panel.min(options.min);
  if (options.max !== undefined) panel.max(options.max);
  return panel;
}

/** A time series panel of Prometheus queries. */
export function promChart(options: ChartOptions, series: readonly PromSeries[]): timeseries.PanelBuilder {
  return chart(options, DATASOURCES.prometheus, promTargets(series));
}

export interface StatOptions extends PanelOptions {
  unit: string;
  /** Colours the value red from this value up (and green below it). */
  redAbove?: number;
}

/** A single number reduced by `calc` (default: the last value) with a sparkline. */
export function statPanel(
  options: StatOptions,
  datasource: DatasourceRef,
  targets: readonly cog.Builder<cog.Dataquery>[],
  calc = 'lastNotNull',
): stat.PanelBuilder {
  return placed(new stat.PanelBuilder(), options, { width: WIDTH.quarter, height: HEIGHT.stat }, datasource, targets)
    .unit(options.unit)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(options.redAbove === undefined ? common.BigValueColorMode.None : common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs([calc]).values(false))
    .thresholds(thresholds(options.redAbove));
}

export function promStat(options: StatOptions, series: readonly PromSeries[]): stat.PanelBuilder {
  return statPanel(options, DATASOURCES.prometheus, promTargets(series));
}

/** Horizontal bars of a terms aggregation: one bar per row of the (name, count) table it returns. */
export function topBars(options: PanelOptions, datasource: DatasourceRef, target: cog.Builder<cog.Dataquery>): bargauge.PanelBuilder {
  return placed(new bargauge.PanelBuilder(), options, { width: WIDTH.third, height: HEIGHT.table }, datasource, [target])
    .unit('short')
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .valueMode(common.BarGaugeValueMode.Text)
    .namePlacement(common.BarGaugeNamePlacement.Left)
    .showUnfilled(true)
    .reduceOptions(new common.ReduceDataOptionsBuilder().values(true).calcs([]).limit(50));
}

/** Bars of a histogram aggregation, bucket on the x axis. */
export function distribution(
  options: PanelOptions & { unit: string },
  datasource: DatasourceRef,
  target: cog.Builder<cog.Dataquery>,
): barchart.PanelBuilder {
  return placed(new barchart.PanelBuilder(), options, { width: WIDTH.third, height: HEIGHT.table }, datasource, [target])
    .unit(options.unit)
    .showValue(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(false)
        .displayMode(common.LegendDisplayMode.Hidden)
        .placement(common.LegendPlacement.Bottom)
        .calcs([]),
    );
}

export interface TableOptions extends PanelOptions {
  transformations?: dashboard.DataTransformerConfig[];
}

export function tablePanel(options: TableOptions, datasource: DatasourceRef, target: cog.Builder<cog.Dataquery>): table.PanelBuilder {
  return placed(new table.PanelBuilder(), options, { width: WIDTH.full, height: HEIGHT.table }, datasource, [target])
    .filterable(true)
    .transformations(options.transformations ?? []);
}

export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

/**
 * A world map of counts per country (`query` buckets with terms on a country-code field): one
 * marker per country, placed by Grafana's country gazetteer, sized and coloured by its count.
 * Terms, not a geohash grid: every OpenSearch aggregates keywords, while geo_grid aggregations
 * need the geo module, which not every distribution ships.
 */
export function countryMapPanel(
  options: PanelOptions,
  datasource: DatasourceRef,
  query: cog.Builder<cog.Dataquery>,
  countryField: string,
): geomap.PanelBuilder {
  const markers = new common.MapLayerOptionsBuilder()
    .type('markers')
    .name('Anomalies')
    .tooltip(true)
    .location(
      new common.FrameGeometrySourceBuilder()
        .mode(common.FrameGeometrySourceMode.Lookup)
        .lookup(countryField)
        .gazetteer('public/gazetteer/countries.json'),
    )
    .config({
      showLegend: true,
      style: {
        size: { field: 'Count', fixed: 5, min: 4, max: 30 },
        color: { field: 'Count' },
        opacity: 0.6,
      },
    });
  return placed(new geomap.PanelBuilder(), options, { width: WIDTH.full, height: 12 }, datasource, [query])
    .view(new geomap.MapViewConfigBuilder().id('zero').lat(20).lon(0).zoom(1))
    .basemap(new common.MapLayerOptionsBuilder().type('default').name('Basemap'))
    .layers([markers])
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.ContinuousYlRd));
}
