import type { Logger } from 'pino';
import { NO_SUPPRESSIONS, SuppressionIndex, type Suppression, type SuppressionSource } from '../scorer/suppressions.js';
import type { DatabaseService } from './service.js';

/** Suppressions kept in force at most (the API lets analysts create them; a bound protects the scorer). */
const MAX_SUPPRESSIONS = 10_000;

interface SuppressionRow {
  id: string | number;
  entity: string | null;
  kind: string | null;
  reason_contains: string | null;
  effect: 'mute' | 'lower';
  comment: string | null;
  expires_at: Date | string | null;
}

/**
 * Keeps the scorer's suppressions in step with the `suppressions` table: every `intervalMs` it
 * asks whether anything changed (count and newest `updated_at`, one cheap query) and reloads the
 * ones in force when it did, so a suppression created, changed or deleted through the API takes
 * effect in every running collector within seconds, without a restart. While the database is
 * down the last known set stays in force.
 */
export class SuppressionPoller implements SuppressionSource {
  private index: SuppressionIndex = NO_SUPPRESSIONS;
  private version = '';
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly database: DatabaseService,
    private readonly logger: Logger,
    private readonly intervalMs = 2_000,
  ) {}

  current(): SuppressionIndex {
    return this.index;
  }

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  /** One look at the table; public for tests. */
  async poll(): Promise<void> {
    if (this.polling || !this.database.ready) return;
    this.polling = true;
    try {
      const db = this.database.db;
      // The text of the newest change keeps its microseconds (a Date would round them away).
      const { rows } = await db.query<{ n: string | number; newest: string | null }>(
        'SELECT count(*) AS n, max(updated_at)::text AS newest FROM suppressions',
      );
      const version = `${rows[0]?.n ?? 0}|${rows[0]?.newest ?? ''}`;
      if (version === this.version) return;
      const active = await db.query<SuppressionRow>(
        `SELECT id, entity, kind, reason_contains, effect, comment, expires_at FROM suppressions
          WHERE deleted_at IS NULL AND (expires_at IS NULL OR expires_at > now())
          ORDER BY id LIMIT $1`,
        [MAX_SUPPRESSIONS],
      );
      this.index = new SuppressionIndex(active.rows.map(toSuppression));
      this.version = version;
      this.logger.info({ suppressions: this.index.size }, 'suppressions loaded');
    } catch (err) {
      this.database.failed(err);
    } finally {
      this.polling = false;
    }
  }
}

function toSuppression(row: SuppressionRow): Suppression {
  return {
    id: Number(row.id),
    effect: row.effect,
    ...(row.entity !== null ? { entity: row.entity } : {}),
    ...(row.kind !== null ? { kind: row.kind } : {}),
    ...(row.reason_contains !== null ? { reasonContains: row.reason_contains } : {}),
    ...(row.comment !== null ? { comment: row.comment } : {}),
    ...(row.expires_at !== null ? { expiresAt: new Date(row.expires_at).getTime() } : {}),
  };
}
