/**
 * Queries of Grafana's PostgreSQL datasource: raw SQL in code mode, answered as a table or as time
 * series (a `time` column, then value columns, or a `metric` column naming the series). The SQL
 * uses Grafana's macros ($__timeFilter(column), $__timeGroupAlias(column, $__interval)) and the
 * dashboard's variables (${name:sqlstring}); test/provisioning/alerts-dashboard-sql.test.ts runs
 * every one of them on a real PostgreSQL.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DATASOURCES, type DatasourceRef } from './datasources.js';

export type SqlFormat = 'table' | 'time_series';

export interface SqlQuery extends cog.Dataquery {
  refId: string;
  datasource: DatasourceRef;
  format: SqlFormat;
  rawQuery: true;
  editorMode: 'code';
  rawSql: string;
}

export class SqlQueryBuilder implements cog.Builder<cog.Dataquery> {
  private refIdValue = 'A';

  constructor(
    private readonly datasource: DatasourceRef,
    private readonly sql: string,
    private readonly format: SqlFormat,
  ) {}

  refId(refId: string): this {
    this.refIdValue = refId;
    return this;
  }

  build(): SqlQuery {
    return {
      refId: this.refIdValue,
      datasource: this.datasource,
      format: this.format,
      rawQuery: true,
      editorMode: 'code',
      // Indentation in the source is for reading the code; the dashboard keeps one line per clause.
      rawSql: this.sql
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join('\n'),
      // Marks the object as a dataquery for the SDK's types; JSON.stringify leaves functions out.
      _implementsDataqueryVariant() {},
    };
  }
}

export function postgresTable(sql: string): SqlQueryBuilder {
  return new SqlQueryBuilder(DATASOURCES.postgres, sql, 'table');
}

export function postgresTimeSeries(sql: string): SqlQueryBuilder {
  return new SqlQueryBuilder(DATASOURCES.postgres, sql, 'time_series');
}
