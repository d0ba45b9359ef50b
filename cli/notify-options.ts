import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Logger } from 'pino';
import {
  DEFAULT_NOTIFIER_CONFIG,
  WebhookNotifier,
  type NotifierConfig,
  type NotifierDatabase,
  type NotifierMetrics,
} from '../alerts/notify/notifier.js';
import { ALERT_LEVELS, type AlertLevel } from '../alerts/notify/notification.js';
import { checkAlertUrlTemplate } from '../alerts/notify/payload.js';
import { DEFAULT_RETRY_POLICY } from '../alerts/notify/retry.js';
import { WEBHOOK_FORMATS, parseWebhookTargets, uniqueTargets, type WebhookTarget } from '../alerts/notify/targets.js';
import { parseChoice, parseDuration, parsePositiveInt } from '../core/config-values.js';
import { envOption } from './option-table.js';

/** Webhook notifications of new and escalated alerts (`siemad serve`). */
export interface NotifyFlags {
  webhookUrl: WebhookTarget[];
  webhookMinLevel: AlertLevel;
  webhookRateLimit: number;
  webhookMaxAttempts: number;
  webhookBackoff: number;
  webhookTimeout: number;
  webhookConcurrency: number;
  webhookMaxAge: number;
  alertUrlTemplate?: string;
}

function withArgumentError<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

const parseTargets = withArgumentError(parseWebhookTargets);

function positiveDuration(value: string): number {
  const ms = parseDuration(value);
  if (ms <= 0) throw new InvalidArgumentError('expected a duration greater than 0');
  return ms;
}

export function addNotifyOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--webhook-url <url>',
        `where alert notifications go (repeatable or comma-separated): [${WEBHOOK_FORMATS.join('|')}+]https://...; the prefix picks the payload (json when none); URLs are never logged`,
      )
        .env('SIEMAD_WEBHOOK_URL')
        .argParser((value: string, previous: WebhookTarget[]) => uniqueTargets([...previous, ...parseTargets(value)]))
        .default([], 'none'),
    )
    .addOption(
      envOption(
        '--webhook-min-level <level>',
        'SIEMAD_WEBHOOK_MIN_LEVEL',
        'notify alerts opened or escalated at this level or above',
        parseChoice(ALERT_LEVELS),
        DEFAULT_NOTIFIER_CONFIG.minLevel,
      ),
    )
    .addOption(
      envOption(
        '--webhook-rate-limit <n>',
        'SIEMAD_WEBHOOK_RATE_LIMIT',
        'notifications sent or tried per target per minute, across collectors (retries of one count once; the rest wait their turn)',
        parsePositiveInt,
        DEFAULT_NOTIFIER_CONFIG.rateLimitPerMinute,
      ),
    )
    .addOption(
      envOption(
        '--webhook-max-attempts <n>',
        'SIEMAD_WEBHOOK_MAX_ATTEMPTS',
        'attempts per notification before it is marked failed',
        parsePositiveInt,
        DEFAULT_RETRY_POLICY.maxAttempts,
      ),
    )
    .addOption(
      envOption(
        '--webhook-backoff <duration>',
        'SIEMAD_WEBHOOK_BACKOFF',
        'delay before the first retry; doubled per failure (with jitter) up to 5m',
        positiveDuration,
        DEFAULT_RETRY_POLICY.initialDelayMs,
        '2s',
      ),
    )
    .addOption(
      envOption(
        '--webhook-timeout <duration>',
        'SIEMAD_WEBHOOK_TIMEOUT',
        'time one POST to a target may take',
        positiveDuration,
        DEFAULT_NOTIFIER_CONFIG.timeoutMs,
        '10s',
      ),
    )
    .addOption(
      envOption(
        '--webhook-concurrency <n>',
        'SIEMAD_WEBHOOK_CONCURRENCY',
        'notification POSTs in flight at most (all targets)',
        parsePositiveInt,
        DEFAULT_NOTIFIER_CONFIG.concurrency,
      ),
    )
    .addOption(
      envOption(
        '--webhook-max-age <duration>',
        'SIEMAD_WEBHOOK_MAX_AGE',
        'alert changes older than this are not notified (e.g. to a target added later)',
        positiveDuration,
        DEFAULT_NOTIFIER_CONFIG.maxAgeMs,
        '1h',
      ),
    )
    .addOption(
      envOption(
        '--alert-url-template <template>',
        'SIEMAD_ALERT_URL_TEMPLATE',
        'link to an alert in notifications, with {id}, {entity}, {kind} filled in, e.g. https://grafana.example.com/d/siemad-alerts/?var-entity={entity}',
        // Empty (as docker-compose passes an unset variable) means none.
        withArgumentError((value: string) => (value.trim() === '' ? '' : checkAlertUrlTemplate(value.trim()))),
      ),
    );
}

export function notifierConfig(flags: NotifyFlags): NotifierConfig {
  return {
    ...DEFAULT_NOTIFIER_CONFIG,
    targets: flags.webhookUrl,
    minLevel: flags.webhookMinLevel,
    rateLimitPerMinute: flags.webhookRateLimit,
    retry: {
      maxAttempts: flags.webhookMaxAttempts,
      initialDelayMs: flags.webhookBackoff,
      maxDelayMs: Math.max(DEFAULT_RETRY_POLICY.maxDelayMs, flags.webhookBackoff),
    },
    timeoutMs: flags.webhookTimeout,
    concurrency: flags.webhookConcurrency,
    maxAgeMs: flags.webhookMaxAge,
    ...(flags.alertUrlTemplate !== undefined && flags.alertUrlTemplate !== '' ? { alertUrlTemplate: flags.alertUrlTemplate } : {}),
  };
}

/** The notifier of `siemad serve`, started (it does nothing without --webhook-url). */
export function startNotifier(flags: NotifyFlags, database: NotifierDatabase, logger: Logger, metrics: NotifierMetrics): WebhookNotifier {
  const notifier = new WebhookNotifier(notifierConfig(flags), database, logger, metrics);
  notifier.start();
  return notifier;
}
