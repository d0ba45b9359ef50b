import { createHash } from 'node:crypto';

/**
 * Webhook targets as `--webhook-url` gives them: a URL, optionally prefixed with its payload format
 * (`slack+https://hooks.slack.com/services/...`, `json+https://...`; no prefix means json). The
 * format travels with its URL, so several targets of different formats fit one comma-separated
 * value. Each target gets an id that names it in the database, metrics and logs without the URL
 * itself: webhook URLs often carry a secret (Slack's do).
 */
export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export interface WebhookTarget {
  /** `format:host#hash-of-url`, e.g. `slack:hooks.slack.com#4be1e0a7c2`: stable for the same URL on every collector. */
  readonly id: string;
  readonly format: WebhookFormat;
  readonly url: string;
}

const PREFIX = /^([a-z][a-z0-9]*)\+(.*)$/i;

function isFormat(value: string): value is WebhookFormat {
  return (WEBHOOK_FORMATS as readonly string[]).includes(value);
}

/** One `[format+]http(s)://...` spec; throws an Error with a one-line message when it is not one. */
export function parseWebhookTarget(spec: string): WebhookTarget {
  const trimmed = spec.trim();
  let format: WebhookFormat = 'json';
  let url = trimmed;
  const prefixed = PREFIX.exec(trimmed);
  if (prefixed !== null) {
    const name = prefixed[1]!.toLowerCase();
    if (!isFormat(name)) throw new Error(`unknown webhook format "${prefixed[1]}" (known: ${WEBHOOK_FORMATS.join(', ')})`);
    format = name;
    url = prefixed[2]!;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`not a URL: expected [${WEBHOOK_FORMATS.join('|')}+]https://host/path`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`webhook URLs are http or https, not ${parsed.protocol}`);
  const hash = createHash('sha256').update(`${format} ${parsed.href}`).digest('hex').slice(0, 10);
  return { id: `${format}:${parsed.host}#${hash}`, format, url: parsed.href };
}

/**
 * A comma-separated list of specs. Commas split only where the next spec starts (a scheme follows),
 * so a comma inside a URL's query stays in it. Duplicate targets count once.
 */
export function parseWebhookTargets(value: string): WebhookTarget[] {
  const specs = value
    .split(/,(?=\s*(?:[a-z][a-z0-9]*\+)?[a-z][a-z0-9+.-]*:\/\/)/i)
    .map((spec) => spec.trim())
    .filter((spec) => spec !== '');
  return uniqueTargets(specs.map(parseWebhookTarget));
}

export function uniqueTargets(targets: readonly WebhookTarget[]): WebhookTarget[] {
  const seen = new Map<string, WebhookTarget>();
  for (const target of targets) if (!seen.has(target.id)) seen.set(target.id, target);
  return [...seen.values()];
}
