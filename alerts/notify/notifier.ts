/**
 * The webhook notifier: its own loop beside the pipeline, so ingest never waits for it. Every
 * `pollMs` it turns new 'opened' / 'escalated' alert history rows into deliveries (one per
 * target), claims the due ones of each target within the target's rate limit and the free
 * sending slots, and posts them with a timeout. A failed post is retried with backoff until
 * `retry.maxAttempts`, then marked failed. Several collectors may run it on one database: each
 * delivery is claimed by one of them at a time (see store.ts).
 *
 * While the database is down nothing is claimed; outcomes of posts that finished meanwhile are
 * kept (bounded) and recorded when it answers again.
 */
import type { Logger } from 'pino';
import type { Database } from '../../postgres/database.js';
import type { AlertLevel, AlertNotification } from './notification.js';
import { encodePayload } from './payload.js';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry.js';
import { postWebhook, type SendOutcome } from './sender.js';
import { DeliveryStore } from './store.js';
import type { WebhookTarget } from './targets.js';

export interface NotifierConfig {
  targets: readonly WebhookTarget[];
  /** Alert changes below this level are not notified. */
  minLevel: AlertLevel;
  /** Notifications tried per target in any minute, across collectors (a notification's retries count once); the rest wait. */
  rateLimitPerMinute: number;
  retry: RetryPolicy;
  /** ms one POST may take. */
  timeoutMs: number;
  /** POSTs in flight at most (all targets together). */
  concurrency: number;
  /** Alert changes older than this when first seen are not notified. */
  maxAgeMs: number;
  /** Link to the alert in each payload: {id}, {entity}, {kind} are filled in. */
  alertUrlTemplate?: string;
  /** ms between two looks at the database. */
  pollMs: number;
}

export const DEFAULT_NOTIFIER_CONFIG: Omit<NotifierConfig, 'targets'> = {
  minLevel: 'low',
  rateLimitPerMinute: 30,
  retry: DEFAULT_RETRY_POLICY,
  timeoutMs: 10_000,
  concurrency: 4,
  maxAgeMs: 60 * 60_000,
  pollMs: 1_000,
};

/** The database as DatabaseService shares it. */
export interface NotifierDatabase {
  readonly db: Database;
  readonly ready: boolean;
  failed(err: unknown): void;
}

interface ByTarget<Child> {
  labels(target: string): Child;
}

/** `siemad_notifications_*` (pipeline/metrics.ts), by target id. */
export interface NotifierMetrics {
  notificationsSent: ByTarget<{ inc(): void }>;
  notificationsRetried: ByTarget<{ inc(): void }>;
  notificationsFailed: ByTarget<{ inc(): void }>;
  notificationsPending: ByTarget<{ set(value: number): void }>;
  notificationsDelay: ByTarget<{ observe(seconds: number): void }>;
}

/** How a claimed delivery ended, to be written to its row. */
type Finish =
  | { kind: 'delivered'; deliveryId: number; attempt: number }
  | { kind: 'retry'; deliveryId: number; attempt: number; delayMs: number; error: string }
  | { kind: 'failed'; deliveryId: number; attempt: number; error: string };

/** Deliveries created per poll at most: a burst of alerts is taken in over a few polls. */
const ENQUEUE_LIMIT = 1_000;
/** Outcomes kept while the database is down; beyond this a delivery may be sent twice. */
const MAX_UNRECORDED = 10_000;
/** How long past its timeout a claimed delivery stays with its collector. */
const LEASE_MARGIN_MS = 30_000;
/** At shutdown, posts still in flight after this long are cancelled (and retried later). */
const STOP_GRACE_MS = 5_000;
/** The retry delay of a post cancelled at shutdown: soon, by another collector or after the restart. */
const CANCELLED_RETRY_MS = 1_000;

export class WebhookNotifier {
  private readonly store: DeliveryStore;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly unrecorded: Finish[] = [];
  private readonly cancel = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;
  private nextTarget = 0;

  constructor(
    private readonly config: NotifierConfig,
    private readonly database: NotifierDatabase,
    private readonly logger: Logger,
    private readonly metrics?: NotifierMetrics,
  ) {
    this.store = new DeliveryStore(database.db);
  }

  get targets(): readonly WebhookTarget[] {
    return this.config.targets;
  }

  start(): void {
    if (this.config.targets.length === 0) return;
    this.logger.info(
      { targets: this.config.targets.map((t) => t.id), minLevel: this.config.minLevel, rateLimitPerMinute: this.config.rateLimitPerMinute },
      'webhook notifications on',
    );
    this.schedule(0);
  }

  /**
   * Stops polling, gives the posts in flight `graceMs` to finish, cancels the rest (they are
   * retried soon, here after a restart or by another collector) and records their outcomes.
   */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.ticking;
    const inFlight = Promise.all([...this.inFlight]);
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([inFlight, new Promise<void>((resolve) => (grace = setTimeout(resolve, graceMs)))]);
    clearTimeout(grace);
    this.cancel.abort();
    await inFlight;
    if (this.database.ready) await this.recordUnrecorded().catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.schedule(this.config.pollMs);
      });
    }, delayMs);
    this.timer.unref();
  }

  /** One look at the database: record, create, claim and start sending. */
  private async tick(): Promise<void> {
    if (!this.database.ready || this.stopped) return;
    try {
      await this.recordUnrecorded();
      const ids = this.config.targets.map((target) => target.id);
      await this.store.enqueue({ targets: ids, minLevel: this.config.minLevel, maxAgeMs: this.config.maxAgeMs, limit: ENQUEUE_LIMIT });
      await this.claimAndSend();
      if (this.metrics !== undefined) {
        for (const [target, count] of await this.store.pending(ids)) this.metrics.notificationsPending.labels(target).set(count);
      }
    } catch (err) {
      this.database.failed(err);
      this.logger.warn({ err: (err as Error).message }, 'webhook notifier: database statement failed; trying again later');
    }
  }

  /** Targets take turns at the free slots, so one target's backlog does not starve the others. */
  private async claimAndSend(): Promise<void> {
    const { targets } = this.config;
    const first = this.nextTarget++ % targets.length;
    const leaseMs = this.config.timeoutMs + LEASE_MARGIN_MS;
    for (let i = 0; i < targets.length; i++) {
      const free = this.config.concurrency - this.inFlight.size;
      if (free <= 0) return;
      const target = targets[(first + i) % targets.length]!;
      const claimed = await this.store.claim(target.id, free, this.config.rateLimitPerMinute, leaseMs);
      for (const notification of claimed) {
        const sending: Promise<void> = this.deliver(target, notification)
          .catch((err: unknown) =>
            this.logger.error({ err, target: target.id, delivery: notification.deliveryId }, 'alert notification: unexpected error'),
          )
          .finally(() => this.inFlight.delete(sending));
        this.inFlight.add(sending);
      }
    }
  }

  private async deliver(target: WebhookTarget, notification: AlertNotification): Promise<void> {
    const body = encodePayload(target.format, notification, this.config.alertUrlTemplate);
    const outcome = await postWebhook(target.url, body, this.config.timeoutMs, this.cancel.signal);
    await this.record(target, this.finishOf(target, notification, outcome));
  }

  private finishOf(target: WebhookTarget, notification: AlertNotification, outcome: SendOutcome): Finish {
    const { deliveryId, attempt } = notification;
    const context = { target: target.id, delivery: deliveryId, alert: notification.alert.id, trigger: notification.trigger, attempt };
    if (outcome.kind === 'delivered') {
      this.metrics?.notificationsSent.labels(target.id).inc();
      this.metrics?.notificationsDelay.labels(target.id).observe(Math.max(0, Date.now() - notification.triggeredAt.getTime()) / 1000);
      this.logger.info({ ...context, status: outcome.status }, 'alert notification delivered');
      return { kind: 'delivered', deliveryId, attempt };
    }
    if (outcome.kind === 'retry' && this.cancel.signal.aborted) {
      // Not the receiver's fault: retried soon instead of backed off (the attempt still counts).
      this.logger.info(context, 'alert notification cancelled at shutdown; it will be retried');
      return { kind: 'retry', deliveryId, attempt, delayMs: CANCELLED_RETRY_MS, error: outcome.error };
    }
    if (outcome.kind === 'retry' && attempt < this.config.retry.maxAttempts) {
      const delayMs = retryDelayMs(this.config.retry, attempt, outcome.retryAfterMs);
      this.metrics?.notificationsRetried.labels(target.id).inc();
      this.logger.warn({ ...context, err: outcome.error, retryInMs: delayMs }, 'alert notification failed; retrying');
      return { kind: 'retry', deliveryId, attempt, delayMs, error: outcome.error };
    }
    const error = outcome.kind === 'rejected' ? `rejected: ${outcome.error}` : `gave up after ${attempt} attempts: ${outcome.error}`;
    this.metrics?.notificationsFailed.labels(target.id).inc();
    this.logger.error({ ...context, err: error }, 'alert notification failed for good');
    return { kind: 'failed', deliveryId, attempt, error };
  }

  private async record(target: WebhookTarget, finish: Finish): Promise<void> {
    try {
      if (!(await this.write(finish))) {
        this.logger.warn(
          { target: target.id, delivery: finish.deliveryId, attempt: finish.attempt },
          'alert notification outcome not recorded: the delivery was taken over after its lease ran out',
        );
      }
    } catch (err) {
      this.database.failed(err);
      if (this.unrecorded.length < MAX_UNRECORDED) this.unrecorded.push(finish);
    }
  }

  private write(finish: Finish): Promise<boolean> {
    switch (finish.kind) {
      case 'delivered':
        return this.store.delivered(finish.deliveryId, finish.attempt);
      case 'retry':
        return this.store.retryLater(finish.deliveryId, finish.attempt, finish.delayMs, finish.error);
      case 'failed':
        return this.store.failed(finish.deliveryId, finish.attempt, finish.error);
    }
  }

  /** Outcomes that finished while the database was down, oldest first. */
  private async recordUnrecorded(): Promise<void> {
    while (this.unrecorded.length > 0) {
      await this.write(this.unrecorded[0]!);
      this.unrecorded.shift();
    }
  }
}
