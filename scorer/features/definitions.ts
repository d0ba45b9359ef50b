/**
 * The feature vector, in model input order. Training (models/, from a CSV exported by
 * `siemad features`) and serving read this one list, so they cannot drift: the sidecar records the
 * names it was trained on and the scorer refuses a model whose names differ.
 *
 * kind: how the trainer transforms the raw value (`count`/`length`: log1p, else none).
 * windowed: false for per-event features (what the seed prototype used); true for features that
 * need window state.
 */
export type FeatureKind = 'count' | 'ratio' | 'flag' | 'score' | 'length';

/**
 * Events are scored by the model of their family, on that family's features only: an Isolation
 * Forest over all features of all event types wastes its splits on features that are constant
 * for the event at hand. The `is_*` flags decide the family; an event in none (cron, service
 * messages) carries no signal these features measure and gets risk 0.
 */
export const FAMILIES = ['auth', 'firewall', 'web', 'privilege'] as const;
export type Family = (typeof FAMILIES)[number];

/** Whom a feature is about: the entity an anomaly explained by it is filed under. */
export type FeatureSubject = 'source' | 'user' | 'target' | 'host' | 'event';

export interface FeatureDefinition {
  readonly name: string;
  readonly kind: FeatureKind;
  readonly windowed: boolean;
  readonly description: string;
  /** Families whose model reads this feature (none for the `is_*` flags that define the family). */
  readonly families: readonly Family[];
  /**
   * Whom the value describes. An anomaly is filed under the subject of its strongest reason: a
   * burst of failures from one address against root is about the address, not about root.
   */
  readonly subject: FeatureSubject;
}

/*
 * Every feature is abnormal in one direction only: high (more failures, more ports, rarer hour,
 * a flag set). None has a meaningful low tail (no traffic is never an attack signal here), so
 * reasons compare a value with the benign 99th percentile alone.
 */
export const FEATURES = [
  { name: 'is_auth', kind: 'flag', windowed: false, description: 'authentication event (login attempt)', families: [], subject: 'event' },
  { name: 'is_firewall', kind: 'flag', windowed: false, description: 'firewall packet log', families: [], subject: 'event' },
  { name: 'is_web', kind: 'flag', windowed: false, description: 'web access log', families: [], subject: 'event' },
  { name: 'is_privilege', kind: 'flag', windowed: false, description: 'sudo, su or account management', families: [], subject: 'event' },
  { name: 'auth_failure', kind: 'flag', windowed: false, description: 'failed authentication', families: ['auth'], subject: 'source' },
  {
    name: 'auth_fail_ip_1m',
    kind: 'count',
    windowed: true,
    description: 'failed login attempts from the source IP in 1 min',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'auth_fail_ip_10m',
    kind: 'count',
    windowed: true,
    description: 'failed login attempts from the source IP in 10 min',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'auth_fail_ip_1h',
    kind: 'count',
    windowed: true,
    description: 'failed login attempts from the source IP in 1 h',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'auth_fail_ip_24h',
    kind: 'count',
    windowed: true,
    description: 'failed login attempts from the source IP in 24 h (slow brute force)',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'auth_fail_ip_7d',
    kind: 'count',
    windowed: true,
    description: 'failed login attempts from the source IP in 7 days (low and slow)',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'users_tried_ip_1h',
    kind: 'count',
    windowed: true,
    description: 'distinct user names failing from the source IP in 1 h',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'users_tried_ip_24h',
    kind: 'count',
    windowed: true,
    description: 'distinct user names failing from the source IP in 24 h',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'fail_ips_user_1h',
    kind: 'count',
    windowed: true,
    description: 'distinct source IPs failing for the user in 1 h, for an account that exists (sshd did not call it invalid)',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'fail_ips_user_surge',
    kind: 'count',
    windowed: true,
    description:
      'distinct source IPs failing for the user in the last hour beyond its hourly average of the last 24 h (the background every internet host sees for root)',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'failure_burst_before_success',
    kind: 'count',
    windowed: true,
    description: 'failed attempts from the source IP in the hour before a successful login, beyond the two a mistyped password explains',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'new_ip',
    kind: 'flag',
    windowed: true,
    description: 'first sight of the source IP (30 days)',
    families: ['auth', 'firewall', 'web'],
    subject: 'source',
  },
  {
    name: 'new_user_ip_login',
    kind: 'flag',
    windowed: true,
    description: 'successful login of the user from an IP never seen for them',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'new_user_net_login',
    kind: 'flag',
    windowed: true,
    description: 'successful login of the user from a network (/24, /48) never seen for them',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'new_org_net_login',
    kind: 'flag',
    windowed: true,
    description: 'successful login from a network (/24, /48) no one has logged in from before',
    families: ['auth'],
    subject: 'source',
  },
  {
    name: 'new_user_country_login',
    kind: 'flag',
    windowed: true,
    description: 'successful login of the user from a country never seen for them (90 days; public addresses with GeoIP)',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'new_user_asn_login',
    kind: 'flag',
    windowed: true,
    description: 'successful login of the user from an autonomous system (network owner) never seen for them (90 days)',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'login_country_rarity_host',
    kind: 'score',
    windowed: true,
    description: "how rare the login's country is among the host's logins from public addresses in 7 days (-log2 of its share, 0 to 8)",
    families: ['auth'],
    subject: 'host',
  },
  {
    name: 'impossible_travel',
    kind: 'flag',
    windowed: true,
    description:
      'successful login of the user from a place farther from their previous login than the travel speed allows (default 1,000 km/h), between two countries not travelled between so before (90 days)',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'login_hour_rarity_user',
    kind: 'score',
    windowed: true,
    description: 'how unusual the hour of a login is for the user (0 = usual, up to 8)',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'activity_hour_rarity_host',
    kind: 'score',
    windowed: true,
    description: 'how unusual the hour of a login or privileged action is for the host (0 = usual, up to 8)',
    families: ['auth', 'privilege'],
    subject: 'host',
  },
  {
    name: 'privileged_user',
    kind: 'flag',
    windowed: false,
    description: 'the account logging in is privileged (root, UID 0, admin names, or seen using sudo)',
    families: ['auth'],
    subject: 'user',
  },
  {
    name: 'sudo_fail_user_1h',
    kind: 'count',
    windowed: true,
    description: 'failed sudo attempts by the user in 1 h',
    families: ['privilege'],
    subject: 'user',
  },
  {
    name: 'not_in_sudoers',
    kind: 'flag',
    windowed: false,
    description: 'sudo refused: user NOT in sudoers',
    families: ['privilege'],
    subject: 'user',
  },
  {
    name: 'account_created',
    kind: 'flag',
    windowed: false,
    description: 'a login account was created (not a system account of a package: UID below 1000 with a nologin shell)',
    families: ['privilege'],
    subject: 'target',
  },
  {
    name: 'account_created_uid0',
    kind: 'flag',
    windowed: false,
    description: 'an account with UID 0 was created',
    families: ['privilege'],
    subject: 'target',
  },
  {
    name: 'admin_group_added',
    kind: 'flag',
    windowed: false,
    description: 'a user was added to an administrative group (sudo, wheel, admin, root)',
    families: ['privilege'],
    subject: 'target',
  },
  {
    name: 'ports_ip_1m',
    kind: 'count',
    windowed: true,
    description: 'distinct destination ports denied for the source IP in 1 min',
    families: ['firewall'],
    subject: 'source',
  },
  {
    name: 'ports_ip_30m',
    kind: 'count',
    windowed: true,
    description: 'distinct destination ports denied for the source IP in 30 min',
    families: ['firewall'],
    subject: 'source',
  },
  {
    name: 'ports_ip_7d',
    kind: 'count',
    windowed: true,
    description: 'distinct destination ports denied for the source IP in 7 days (slow scans)',
    families: ['firewall'],
    subject: 'source',
  },
  {
    name: 'hosts_ip_30m',
    kind: 'count',
    windowed: true,
    description:
      "distinct destination addresses denied for the source IP in 30 min beyond the three a client of the site's servers reaches (sweeps)",
    families: ['firewall'],
    subject: 'source',
  },
  {
    name: 'hosts_ip_24h',
    kind: 'count',
    windowed: true,
    description: 'distinct destination addresses denied for the source IP in 24 h beyond three',
    families: ['firewall'],
    subject: 'source',
  },
  {
    name: 'web_paths_ip_10m',
    kind: 'count',
    windowed: true,
    description: 'distinct URL paths (ids and tokens folded) requested by the source IP in 10 min',
    families: ['web'],
    subject: 'source',
  },
  {
    name: 'web_error_paths_ip_10m',
    kind: 'count',
    windowed: true,
    description: 'distinct URL paths answered 4xx/5xx to the source IP in 10 min',
    families: ['web'],
    subject: 'source',
  },
  {
    name: 'web_error_paths_ip_24h',
    kind: 'count',
    windowed: true,
    description: 'distinct URL paths answered 4xx/5xx to the source IP in 24 h',
    families: ['web'],
    subject: 'source',
  },
  {
    name: 'probes_ip_24h',
    kind: 'count',
    windowed: true,
    description: 'requests probing for secrets, admin tools or traversal from the source IP in 24 h (secret hunting)',
    families: ['web'],
    subject: 'source',
  },
  {
    name: 'web_login_fail_ip_1h',
    kind: 'count',
    windowed: true,
    description:
      'form posts refused (401, 403) to the source IP in 1 h, beyond the two a mistyped password explains (web login brute force and spraying)',
    families: ['web'],
    subject: 'source',
  },
  {
    name: 'sqli_score',
    kind: 'score',
    windowed: false,
    description: 'SQL injection patterns in the URL',
    families: ['web'],
    subject: 'source',
  },
  {
    name: 'path_traversal',
    kind: 'flag',
    windowed: false,
    description: 'path traversal or sensitive file probe in the URL',
    families: ['web'],
    subject: 'source',
  },
  {
    name: 'scanner_user_agent',
    kind: 'flag',
    windowed: false,
    description: 'user agent of a known scanner',
    families: ['web'],
    subject: 'source',
  },
] as const satisfies readonly FeatureDefinition[];

export type FeatureName = (typeof FEATURES)[number]['name'];

export const FEATURE_COUNT = FEATURES.length;

/** The feature spec file beside a feature CSV (its column order), as `siemad features --spec` and training-data write it. */
export function featureSpecJson(): string {
  return `${JSON.stringify(FEATURES, null, 2)}\n`;
}

/** Indexes of the features each family's model reads, in feature order. */
export const FAMILY_FEATURES: { readonly [K in Family]: readonly number[] } = Object.fromEntries(
  FAMILIES.map((family) => [
    family,
    FEATURES.flatMap((feature, index) => ((feature.families as readonly Family[]).includes(family) ? [index] : [])),
  ]),
) as unknown as { [K in Family]: readonly number[] };

/** Feature index by name: `F.auth_fail_ip_10m`. */
export const F: { readonly [K in FeatureName]: number } = Object.fromEntries(FEATURES.map((feature, index) => [feature.name, index])) as {
  [K in FeatureName]: number;
};
