import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** The tag every siemad dashboard carries; the link menu lists them all. */
export const SIEMAD_TAG = 'siemad';

export interface SiemadDashboardOptions {
  title: string;
  uid: string;
  description: string;
  /** Tags besides `siemad`. */
  tags: readonly string[];
  refresh: string;
  /** Start of the default time range, e.g. `now-24h`. */
  from: string;
}

/**
 * A dashboard with what all siemad dashboards share: editable copies, browser time zone, and a
 * "siemad dashboards" menu that keeps the time range when switching between them.
 */
export function siemadDashboard(options: SiemadDashboardOptions): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(options.title)
    .uid(options.uid)
    .description(options.description)
    .tags([SIEMAD_TAG, ...options.tags])
    .editable()
    .timezone('browser')
    .refresh(options.refresh)
    .time({ from: options.from, to: 'now' })
    .link(
      new dashboard.DashboardLinkBuilder('siemad dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([SIEMAD_TAG])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(false)
        .targetBlank(false)
        .icon('external link')
        .tooltip(''),
    );
}
