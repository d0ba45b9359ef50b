import type { Logger } from 'pino';
import type { Database } from './database.js';
import { migrate } from './migrate.js';

/**
 * The database as the collector's components share it: opened at start, migrated as soon as it
 * answers (at start-up, or later: a PostgreSQL that is down must not stop ingest), and `ready`
 * while the last statement succeeded. Components check `ready` (the API answers 503 without it,
 * the alert writer keeps its queue) and report failures through `failed`, which starts a probe
 * every `retryMs` until the database answers again.
 */
export class DatabaseService {
  private state: 'migrating' | 'ready' | 'down' | 'closed' = 'migrating';
  private probe: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly db: Database,
    private readonly logger: Logger,
    private readonly retryMs = 2_000,
  ) {}

  /** Tries to migrate once now; on failure keeps retrying in the background. */
  async start(): Promise<void> {
    if (!(await this.tryMigrate())) this.scheduleProbe();
  }

  get ready(): boolean {
    return this.state === 'ready';
  }

  /** Calls `listener` each time the database becomes ready (after start-up or an outage). */
  onReady(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A component's statement failed for a reason that looks like the database, not the statement. */
  failed(err: unknown): void {
    if (this.state !== 'ready') return;
    this.state = 'down';
    this.logger.warn(
      { database: this.db.name, err: (err as Error).message },
      'database unavailable: alerts wait in their queue, the API answers 503',
    );
    this.scheduleProbe();
  }

  private async tryMigrate(): Promise<boolean> {
    try {
      const report = await migrate(this.db);
      const wasDown = this.state === 'down';
      this.state = 'ready';
      this.logger.info(
        { database: this.db.name, applied: report.applied, schema: report.current },
        wasDown ? 'database available again' : 'database ready',
      );
      for (const listener of this.listeners) listener();
      return true;
    } catch (err) {
      if (this.state === 'closed') return false;
      this.state = 'down';
      this.logger.warn({ database: this.db.name, err: (err as Error).message }, 'database not available yet; retrying');
      return false;
    }
  }

  private scheduleProbe(): void {
    if (this.probe !== undefined || this.state === 'closed') return;
    this.probe = setTimeout(() => {
      this.probe = undefined;
      void this.tryMigrate().then((ok) => {
        if (!ok) this.scheduleProbe();
      });
    }, this.retryMs);
    this.probe.unref();
  }

  async close(): Promise<void> {
    this.state = 'closed';
    if (this.probe !== undefined) clearTimeout(this.probe);
    await this.db.close();
  }
}
