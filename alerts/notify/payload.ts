/**
 * The bodies the notifier posts: a generic JSON document (format `json`) for any receiver that
 * reads JSON, and a Slack-compatible message (format `slack`: `text` for notifications and
 * clients without blocks, Block Kit `blocks` for the message itself) that Slack incoming webhooks
 * and Slack-compatible chat servers (Mattermost, Rocket.Chat) accept.
 */
import type { AlertNotification } from './notification.js';
import type { WebhookFormat } from './targets.js';

/** Placeholders of `--alert-url-template`, each replaced URL-encoded. */
export const URL_PLACEHOLDERS = ['id', 'entity', 'kind'] as const;

/**
 * Checks a link template such as `https://grafana.example.com/d/siemad-alerts/?var-entity={entity}`:
 * only known placeholders, and an http(s) URL once filled. Throws an Error with one line.
 */
export function checkAlertUrlTemplate(template: string): string {
  for (const match of template.matchAll(/\{([^{}]*)\}/g)) {
    if (!(URL_PLACEHOLDERS as readonly string[]).includes(match[1]!)) {
      throw new Error(`unknown placeholder {${match[1]}} (known: ${URL_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})`);
    }
  }
  let url: URL;
  try {
    url = new URL(fillTemplate(template, { id: 1, entity: 'source.ip=192.0.2.1', kind: 'brute_force' }));
  } catch {
    throw new Error('not a URL once filled in, e.g. https://grafana.example.com/d/siemad-alerts/?var-entity={entity}');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`expected an http or https URL, not ${url.protocol}`);
  return template;
}

function fillTemplate(template: string, alert: { id: number; entity: string; kind: string }): string {
  return template
    .replaceAll('{id}', encodeURIComponent(String(alert.id)))
    .replaceAll('{entity}', encodeURIComponent(alert.entity))
    .replaceAll('{kind}', encodeURIComponent(alert.kind));
}

export function alertUrl(template: string | undefined, alert: { id: number; entity: string; kind: string }): string | undefined {
  return template === undefined ? undefined : fillTemplate(template, alert);
}

/** The generic JSON body (documented field by field in README, "Notifications"). */
export function jsonPayload(notification: AlertNotification, url: string | undefined): Record<string, unknown> {
  const { alert } = notification;
  return {
    version: 1,
    source: 'siemad',
    event: `alert.${notification.trigger}`,
    delivery_id: notification.deliveryId,
    attempt: notification.attempt,
    triggered_at: notification.triggeredAt.toISOString(),
    level: notification.level,
    ...(notification.previousLevel !== undefined ? { previous_level: notification.previousLevel } : {}),
    alert: {
      id: alert.id,
      entity: alert.entity,
      kind: alert.kind,
      status: alert.status,
      level: alert.level,
      score: alert.score,
      count: alert.count,
      first_seen: alert.firstSeen.toISOString(),
      last_seen: alert.lastSeen.toISOString(),
      top_reasons: alert.topReasons,
      recommended_action: alert.recommendedAction,
      hosts: alert.hosts,
      ...(url !== undefined ? { url } : {}),
    },
  };
}

// Slack's limits: header text 150 characters, section text 3000, a field 2000, at most 10 fields.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;

const LEVEL_EMOJI: Record<string, string> = {
  low: ':information_source:',
  medium: ':warning:',
  high: ':large_orange_circle:',
  critical: ':rotating_light:',
};

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn: `&`, `<` and `>` are control characters; everything else is shown as it is. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Inline code cannot escape a backtick: it becomes a look-alike. */
function code(text: string): string {
  return `\`${escapeMrkdwn(text).replaceAll('`', 'ˋ')}\``;
}

/** A time Slack shows in the reader's time zone (the ISO time where it cannot). */
function slackTime(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time_secs}|${at.toISOString()}>`;
}

function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function headline(notification: AlertNotification): string {
  const { alert } = notification;
  const change =
    notification.trigger === 'opened'
      ? 'new alert'
      : `alert escalated${notification.previousLevel !== undefined ? ` from ${notification.previousLevel}` : ''}`;
  return `${capitalised(notification.level)} ${change}: ${alert.kind} by ${alert.entity}`;
}

export function slackPayload(notification: AlertNotification, url: string | undefined): Record<string, unknown> {
  const { alert } = notification;
  const title = headline(notification);
  const levelText =
    notification.previousLevel !== undefined ? `${notification.level} (was ${notification.previousLevel})` : notification.level;
  const fields = [
    ['Level', escapeMrkdwn(levelText)],
    ['Kind', code(alert.kind)],
    ['Anomalies', String(alert.count)],
    ['Score', alert.score.toFixed(2)],
    ['First seen', slackTime(alert.firstSeen)],
    ['Last seen', slackTime(alert.lastSeen)],
  ].map(([name, value]) => ({ type: 'mrkdwn', text: clip(`*${name}*\n${value}`, FIELD_MAX) }));
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`${LEVEL_EMOJI[notification.level] ?? ''} ${title}`.trim(), HEADER_MAX), emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*Entity* ${code(alert.entity)}`, SECTION_MAX) }, fields },
  ];
  if (alert.topReasons.length > 0) {
    const reasons = alert.topReasons.map((reason) => `• ${escapeMrkdwn(reason)}`).join('\n');
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Top reasons*\n${reasons}`, SECTION_MAX) } });
  }
  if (alert.recommendedAction !== null && alert.recommendedAction !== '') {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*Recommended action*\n${escapeMrkdwn(alert.recommendedAction)}`, SECTION_MAX) },
    });
  }
  if (url !== undefined) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open alert' }, url, action_id: 'siemad_open_alert' }],
    });
  }
  const context = [
    `siemad alert #${alert.id}`,
    `status ${alert.status}`,
    ...(alert.hosts.length > 0 ? [`hosts ${alert.hosts.map(escapeMrkdwn).join(', ')}`] : []),
  ];
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(context.join(' · '), SECTION_MAX) }] });
  const text = `[siemad] ${title} (${alert.count} anomalies)${url !== undefined ? ` ${url}` : ''}`;
  return { text: clip(escapeMrkdwn(text), SECTION_MAX), blocks };
}

/** The request body for a target's format. */
export function encodePayload(format: WebhookFormat, notification: AlertNotification, urlTemplate: string | undefined): string {
  const url = alertUrl(urlTemplate, notification.alert);
  return JSON.stringify(format === 'slack' ? slackPayload(notification, url) : jsonPayload(notification, url));
}
