/**
 * The one typed definition of the events this pipeline produces: Elastic Common Schema (ECS 8.x)
 * field sets as nested objects, plus the custom `anomaly` field set added by the scorer.
 * Every module that reads or writes an event field goes through these types, so a field name
 * exists in exactly one place (see also `ECS_FIELDS` below for dotted paths used by mappings).
 */

export type EventKind = 'event' | 'alert' | 'state' | 'metric' | 'pipeline_error' | 'signal';
export type EventOutcome = 'success' | 'failure' | 'unknown';

/** ECS `event.category` allowed values used here. */
export type EventCategory =
  | 'authentication'
  | 'session'
  | 'iam'
  | 'network'
  | 'web'
  | 'process'
  | 'host'
  | 'configuration'
  | 'intrusion_detection';

/** ECS `event.type` allowed values used here. */
export type EventType =
  | 'start'
  | 'end'
  | 'info'
  | 'error'
  | 'denied'
  | 'allowed'
  | 'connection'
  | 'creation'
  | 'deletion'
  | 'change'
  | 'user'
  | 'group'
  | 'access'
  | 'admin';

export interface EcsEventFields {
  created: string;
  kind: EventKind;
  category?: EventCategory[];
  type?: EventType[];
  action?: string;
  outcome?: EventOutcome;
  original: string;
  dataset: string;
  module?: string;
  /** Number of occurrences this event stands for (`message repeated N times`). */
  count?: number;
  /** Deterministic id: hash of original, receipt time, sender and per-connection sequence. */
  id?: string;
  ingested?: string;
  /** 0–1 risk from the scorer. */
  risk_score?: number;
  /** 0–100 risk from the scorer. */
  risk_score_norm?: number;
  /** Numeric severity derived from the anomaly level (ECS `event.severity`). */
  severity?: number;
  reason?: string;
}

export interface EcsSyslog {
  priority?: number;
  version?: string;
  facility?: { code: number; name: string };
  severity?: { code: number; name: string };
  appname?: string;
  procid?: string;
  msgid?: string;
  hostname?: string;
  /** SD-ID -> param name -> value(s). Objects have no prototype; see collector/syslog. */
  structured_data?: Record<string, Record<string, string | string[]>>;
}

/** ECS `geo` of an endpoint (GeoIP enrichment, collector/geo). */
export interface EcsGeo {
  country_iso_code?: string;
  country_name?: string;
  continent_code?: string;
  city_name?: string;
  /** The database's coordinates, or the country's centre when it has none. */
  location?: { lat: number; lon: number };
}

/** ECS `as`: the autonomous system an address belongs to. */
export interface EcsAs {
  number?: number;
  organization?: { name?: string };
}

export interface EcsEndpoint {
  ip?: string;
  port?: number;
  address?: string;
  bytes?: number;
  packets?: number;
  mac?: string;
  domain?: string;
  geo?: EcsGeo;
  as?: EcsAs;
}

export interface EcsUser {
  name?: string;
  id?: string;
  domain?: string;
  group?: { name?: string; id?: string };
  target?: { name?: string; id?: string; group?: { name?: string; id?: string } };
  effective?: { name?: string; id?: string };
  /** New values of an account changed by the event (ECS `user.changes.*`; e.g. usermod -u). */
  changes?: { name?: string; id?: string; group?: { id?: string } };
}

export interface EcsNetwork {
  transport?: string;
  type?: 'ipv4' | 'ipv6';
  protocol?: string;
  direction?: 'inbound' | 'outbound' | 'internal' | 'external' | 'unknown';
  bytes?: number;
  iana_number?: string;
}

export interface EcsHttp {
  version?: string;
  request?: { method?: string; referrer?: string; bytes?: number };
  response?: { status_code?: number; body?: { bytes?: number }; bytes?: number };
}

export interface EcsUrl {
  original?: string;
  path?: string;
  query?: string;
  domain?: string;
  extension?: string;
}

export interface EcsObserver {
  hostname?: string;
  type?: string;
  vendor?: string;
  product?: string;
  version?: string;
  ingress?: { interface?: { name?: string } };
  egress?: { interface?: { name?: string } };
}

export interface EcsProcess {
  name?: string;
  pid?: number;
  command_line?: string;
  working_directory?: string;
  user?: { name?: string; id?: string };
}

/** Netfilter packet details with no ECS equivalent (same names as Filebeat's iptables module). */
export interface IptablesFields {
  ether_type?: number;
  length?: number;
  tos?: string;
  precedence_bits?: string;
  ttl?: number;
  /** IPv6 flow label (FLOWLBL=); IPv6 HOPLIMIT goes to `ttl`, TC to `tos`. */
  flow_label?: number;
  id?: number;
  fragment_flags?: string[];
  tcp?: { flags?: string[]; window?: number; reserved_bits?: number; ack?: number; seq?: number };
  icmp?: { type?: number; code?: number };
  input_device?: string;
  output_device?: string;
}

export type AnomalyLevel = 'none' | 'low' | 'medium' | 'high' | 'critical';

/** Custom field set written by the scorer (not part of ECS). */
/**
 * What kind of detection an anomaly is (`anomaly.kind`), from its strongest reason: alerts group
 * anomalies by (entity, kind), suppressions and feedback name kinds.
 */
export const DETECTION_KINDS = [
  'brute_force',
  'password_spraying',
  'distributed_brute_force',
  'compromise',
  'new_login_source',
  'impossible_travel',
  'unusual_hour',
  'privilege_abuse',
  'account_change',
  'port_scan',
  'web_scan',
  'web_attack',
  'web_login_guessing',
  'external_detection',
  'unusual_combination',
] as const;
export type DetectionKind = (typeof DETECTION_KINDS)[number];

export interface AnomalyFields {
  is_anomaly: boolean;
  score: number;
  level: AnomalyLevel;
  model_scores: Record<string, number>;
  reasons: string[];
  recommended_action?: string;
  model_version: string;
  /** The entity the anomaly is about, e.g. `source.ip=203.0.113.9`. */
  entity?: string;
  /** What kind of detection it is (set on anomalies). */
  kind?: DetectionKind;
  /** The suppression that muted or lowered it: its id and why (set only when one matched). */
  suppressed_by?: string;
}

export interface EcsEvent {
  '@timestamp': string;
  message?: string;
  tags?: string[];
  labels?: Record<string, string>;
  ecs: { version: string };
  event: EcsEventFields;
  log: {
    level?: string;
    syslog?: EcsSyslog;
    file?: { path?: string };
    logger?: string;
    /** The sender the message came from (`ip:port`), as Beats name it. */
    source?: { address?: string };
  };
  host?: { hostname?: string; name?: string };
  process?: EcsProcess;
  source?: EcsEndpoint;
  destination?: EcsEndpoint;
  client?: EcsEndpoint;
  user?: EcsUser;
  group?: { name?: string; id?: string };
  network?: EcsNetwork;
  http?: EcsHttp;
  url?: EcsUrl;
  user_agent?: { original?: string };
  rule?: { name?: string };
  observer?: EcsObserver;
  error?: { message?: string; type?: string; code?: string };
  related?: { ip?: string[]; user?: string[]; hosts?: string[] };
  file?: { path?: string };
  iptables?: IptablesFields;
  /** Key=value pairs found in bodies no decoder knows (mapped as a flat object, never dynamic). */
  kv?: Record<string, string>;
  anomaly?: AnomalyFields;
}

export const ECS_VERSION = '8.11.0';

/** Tags the collector puts on events (`tags`). */
export const TAGS = {
  parseError: '_syslog_parse_failure',
  truncated: '_truncated',
  decodeUnknown: '_no_decoder',
  /** A body decoder threw (a bug): the event keeps what normalize built. */
  decodeError: '_decoder_error',
  timestampInferred: '_timestamp_inferred',
  timestampMissing: '_timestamp_missing',
  /** The header's time could not stand as @timestamp (outside years 0000-9999 in UTC): receipt time used. */
  timestampOutOfRange: '_timestamp_out_of_range',
} as const;
