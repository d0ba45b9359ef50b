import type { Queryable } from '../postgres/database.js';
import type { DatabaseService } from '../postgres/service.js';
import { API_ERRORS, ApiError } from './errors.js';

/**
 * The API's door to the database: every statement goes through here, so a failure that looks like
 * the database (connection refused or lost, server shutting down, a pool that cannot connect) is
 * reported to the DatabaseService (which then probes until it is back) and answered 503, while a
 * failing statement stays an error of its own.
 */
export class ApiDatabase {
  constructor(private readonly service: DatabaseService) {}

  get ready(): boolean {
    return this.service.ready;
  }

  /** Only this process can change it (the embedded database): what it read stays true until this process changes it. */
  get exclusive(): boolean {
    return this.service.db.exclusive;
  }

  /** Which database (embedded, or the server's redacted address): for health details. */
  get name(): string {
    return this.service.db.name;
  }

  query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<{ rows: Row[]; rowCount: number }> {
    return this.guard(() => this.service.db.query<Row>(sql, params));
  }

  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.guard(() => this.service.db.transaction(work));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        this.service.failed(err);
        throw new ApiError(API_ERRORS.UNAVAILABLE, 'the database is unavailable; retry later');
      }
      throw err;
    }
  }
}

/** SQLSTATE classes that mean the server, not the statement: connection exceptions, shutdown, out of resources. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-3])/;

/**
 * True for errors of the connection rather than the statement. node-postgres reports a refused or
 * lost connection as a plain Error (with a system code such as ECONNREFUSED, or none), and a
 * server going away with SQLSTATE 57P01; a failing statement carries its own SQLSTATE.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof ApiError) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_SQLSTATE.test(code);
  if (typeof code === 'string') return /^E[A-Z]+$/.test(code);
  // A bug in our own code (TypeError, RangeError ...) is not an outage.
  return Object.getPrototypeOf(err) === Error.prototype;
}
