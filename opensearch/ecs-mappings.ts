/**
 * Index mappings of the events in `collector/ecs/event.ts`, checked against that type by the
 * compiler (see mapping-types.ts): addresses are `ip`, identifiers `keyword`, times `date`,
 * counters `long`, scores `float`, free-form key/value sets `flat_object`.
 */
import type { AnomalyFields, EcsAs, EcsEndpoint, EcsEvent, EcsGeo } from '../collector/ecs/event.js';
import type {
  DynamicTemplate,
  KeywordMapping,
  NumberFieldMapping,
  ObjectMapping,
  PropertiesOf,
  TemplateMappings,
} from './mapping-types.js';

// Identifiers and enumerations; a value longer than this is an input error, not an identifier.
const keyword: KeywordMapping = { type: 'keyword', ignore_above: 1024 };
// Long free-form strings kept whole as keywords (paths, URLs, command lines), still searchable.
const longKeyword: KeywordMapping = { type: 'keyword', ignore_above: 8191 };
const long: NumberFieldMapping = { type: 'long' };
const float: NumberFieldMapping = { type: 'float' };
const ip = { type: 'ip' } as const;
const date = { type: 'date' } as const;
const flatObject = { type: 'flat_object' } as const;
/** Searchable words plus an exact keyword for aggregations on short values. */
const textWithKeyword = { type: 'match_only_text', fields: { keyword } } as const;

const nameAndId = { properties: { name: keyword, id: keyword } };

/** ECS geo: codes and names as keywords (filters, terms), the location as a geo_point (maps). */
const geo: ObjectMapping<EcsGeo> = {
  properties: {
    country_iso_code: keyword,
    country_name: keyword,
    continent_code: keyword,
    city_name: keyword,
    location: { type: 'geo_point' },
  },
};
const autonomousSystem: ObjectMapping<EcsAs> = {
  properties: { number: long, organization: { properties: { name: keyword } } },
};

const endpoint: ObjectMapping<EcsEndpoint> = {
  properties: { ip, port: long, address: keyword, bytes: long, packets: long, mac: keyword, domain: keyword, geo, as: autonomousSystem },
};

/** Every ECS field set of EcsEvent except the scorer's `anomaly`. */
export const ECS_PROPERTIES: PropertiesOf<Omit<EcsEvent, 'anomaly'>> = {
  '@timestamp': date,
  message: { type: 'match_only_text', fields: { keyword } },
  tags: keyword,
  labels: flatObject,
  ecs: { properties: { version: keyword } },
  event: {
    properties: {
      created: date,
      kind: keyword,
      category: keyword,
      type: keyword,
      action: keyword,
      outcome: keyword,
      // Kept in _source for forensics and re-parsing; never searched, so not indexed.
      original: { type: 'keyword', index: false, doc_values: false },
      dataset: keyword,
      module: keyword,
      count: long,
      id: keyword,
      ingested: date,
      risk_score: float,
      risk_score_norm: float,
      severity: long,
      reason: textWithKeyword,
    },
  },
  log: {
    properties: {
      level: keyword,
      syslog: {
        properties: {
          priority: long,
          version: keyword,
          facility: { properties: { code: long, name: keyword } },
          severity: { properties: { code: long, name: keyword } },
          appname: keyword,
          procid: keyword,
          msgid: keyword,
          hostname: keyword,
          structured_data: flatObject,
        },
      },
      file: { properties: { path: longKeyword } },
      logger: keyword,
      source: { properties: { address: keyword } },
    },
  },
  host: { properties: { hostname: keyword, name: keyword } },
  process: {
    properties: {
      name: keyword,
      pid: long,
      command_line: { type: 'keyword', ignore_above: 8191, fields: { text: { type: 'match_only_text' } } },
      working_directory: longKeyword,
      user: nameAndId,
    },
  },
  source: endpoint,
  destination: endpoint,
  client: endpoint,
  user: {
    properties: {
      name: keyword,
      id: keyword,
      domain: keyword,
      group: nameAndId,
      target: { properties: { name: keyword, id: keyword, group: nameAndId } },
      effective: nameAndId,
      changes: { properties: { name: keyword, id: keyword, group: { properties: { id: keyword } } } },
    },
  },
  group: nameAndId,
  network: {
    properties: { transport: keyword, type: keyword, protocol: keyword, direction: keyword, bytes: long, iana_number: keyword },
  },
  http: {
    properties: {
      version: keyword,
      request: { properties: { method: keyword, referrer: longKeyword, bytes: long } },
      response: { properties: { status_code: long, body: { properties: { bytes: long } }, bytes: long } },
    },
  },
  url: {
    properties: {
      original: { type: 'keyword', ignore_above: 8191, fields: { text: { type: 'match_only_text' } } },
      path: longKeyword,
      query: longKeyword,
      domain: keyword,
      extension: keyword,
    },
  },
  user_agent: { properties: { original: { type: 'keyword', ignore_above: 1024, fields: { text: { type: 'match_only_text' } } } } },
  rule: { properties: { name: keyword } },
  observer: {
    properties: {
      hostname: keyword,
      type: keyword,
      vendor: keyword,
      product: keyword,
      version: keyword,
      ingress: { properties: { interface: { properties: { name: keyword } } } },
      egress: { properties: { interface: { properties: { name: keyword } } } },
    },
  },
  error: { properties: { message: { type: 'match_only_text' }, type: keyword, code: keyword } },
  related: { properties: { ip, user: keyword, hosts: keyword } },
  file: { properties: { path: longKeyword } },
  iptables: {
    properties: {
      ether_type: long,
      length: long,
      tos: keyword,
      precedence_bits: keyword,
      ttl: long,
      flow_label: long,
      id: long,
      fragment_flags: keyword,
      tcp: { properties: { flags: keyword, window: long, reserved_bits: long, ack: long, seq: long } },
      icmp: { properties: { type: long, code: long } },
      input_device: keyword,
      output_device: keyword,
    },
  },
  kv: flatObject,
};

/** The scorer's `anomaly` field set. */
export const ANOMALY_PROPERTIES: PropertiesOf<Pick<EcsEvent, 'anomaly'>> = {
  anomaly: {
    properties: {
      is_anomaly: { type: 'boolean' },
      score: float,
      level: keyword,
      // One float per model; model names are few and come from our own configuration.
      model_scores: { type: 'object', dynamic: true },
      reasons: { type: 'text', fields: { keyword } },
      recommended_action: keyword,
      model_version: keyword,
      entity: keyword,
      kind: keyword,
      suppressed_by: keyword,
    } satisfies PropertiesOf<AnomalyFields>,
  },
};

const MODEL_SCORES_TEMPLATE: Record<string, DynamicTemplate> = {
  siemad_anomaly_model_scores: { path_match: 'anomaly.model_scores.*', mapping: float },
};

/** Mappings of the ECS component template: a stray field stays in _source and is never mapped. */
export function ecsMappings(): TemplateMappings {
  return { dynamic: false, properties: ECS_PROPERTIES };
}

/** Mappings of the anomaly component template. */
export function anomalyMappings(): TemplateMappings {
  return { dynamic: false, dynamic_templates: [MODEL_SCORES_TEMPLATE], properties: ANOMALY_PROPERTIES };
}
