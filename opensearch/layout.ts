/**
 * Options of the OpenSearch layout (names, retention, rollover, shards) and the object names
 * derived from them. Data streams follow the `logs-<dataset>-<namespace>` scheme:
 * `logs-siemad-default` for logs and `logs-siemad.anomalies-default` for anomalies.
 */
import { ERROR_CODES, SiemadError } from '../core/errors.js';

export interface StreamRetentionOptions {
  /** Backing indices are deleted this many days after they were rolled over. */
  retentionDays: number;
  /** Roll over when the write index is this old (`1d`, `12h`). */
  rolloverAge: string;
  /** Roll over when a primary shard of the write index reaches this size (`30gb`). */
  rolloverPrimaryShardSize: string;
}

/** required: setup fails when the cluster lacks ISM; if-available: policies are skipped then; off: never touched. */
export type IsmMode = 'required' | 'if-available' | 'off';

export interface OpenSearchLayoutOptions {
  /** Dataset part of the data stream names and prefix of every object name (`siemad`). */
  prefix: string;
  /** Namespace part of the data stream names (`default`, `prod`). */
  namespace: string;
  logs: StreamRetentionOptions;
  anomalies: StreamRetentionOptions;
  shards: number;
  replicas: number;
  /** `index.mapping.total_fields.limit` of every backing index. */
  totalFieldsLimit: number;
  refreshInterval: string;
  ism: IsmMode;
}

export const DEFAULT_LAYOUT_OPTIONS: OpenSearchLayoutOptions = {
  prefix: 'siemad',
  namespace: 'default',
  logs: { retentionDays: 30, rolloverAge: '1d', rolloverPrimaryShardSize: '30gb' },
  anomalies: { retentionDays: 365, rolloverAge: '30d', rolloverPrimaryShardSize: '30gb' },
  shards: 1,
  replicas: 1,
  totalFieldsLimit: 1000,
  refreshInterval: '5s',
  ism: 'required',
};

export type OpenSearchLayoutInput = Partial<Omit<OpenSearchLayoutOptions, 'logs' | 'anomalies'>> & {
  logs?: Partial<StreamRetentionOptions>;
  anomalies?: Partial<StreamRetentionOptions>;
};

export type StreamKind = 'logs' | 'anomalies';

export interface StreamLayout {
  kind: StreamKind;
  dataStream: string;
  indexTemplate: string;
  settingsComponent: string;
  policyId: string;
  retention: StreamRetentionOptions;
}

export interface OpenSearchLayout {
  options: OpenSearchLayoutOptions;
  ecsComponent: string;
  anomalyComponent: string;
  streams: readonly StreamLayout[];
}

const NAME_PART = /^[a-z0-9][a-z0-9_]{0,31}$/;
const DURATION = /^[1-9]\d{0,5}(d|h|m|s)$/;
const SIZE = /^[1-9]\d{0,5}(b|kb|mb|gb|tb)$/;
const ISM_MODES: readonly IsmMode[] = ['required', 'if-available', 'off'];

function invalid(setting: string, message: string): never {
  throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `OpenSearch setup: ${setting} ${message}`, setting);
}

function checkInteger(setting: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) invalid(setting, `must be an integer from ${min} to ${max}, got ${value}`);
}

function resolveRetention(kind: StreamKind, input: Partial<StreamRetentionOptions> | undefined): StreamRetentionOptions {
  const retention = { ...DEFAULT_LAYOUT_OPTIONS[kind], ...input };
  checkInteger(`${kind}.retentionDays`, retention.retentionDays, 1, 36_500);
  if (!DURATION.test(retention.rolloverAge))
    invalid(`${kind}.rolloverAge`, `must look like 1d, 12h or 30m, got ${JSON.stringify(retention.rolloverAge)}`);
  if (!SIZE.test(retention.rolloverPrimaryShardSize)) {
    invalid(`${kind}.rolloverPrimaryShardSize`, `must look like 30gb or 500mb, got ${JSON.stringify(retention.rolloverPrimaryShardSize)}`);
  }
  return retention;
}

/** Defaults filled in and every value checked; throws SiemadError(CONFIG_INVALID) naming the setting. */
export function resolveLayoutOptions(input: OpenSearchLayoutInput = {}): OpenSearchLayoutOptions {
  const options: OpenSearchLayoutOptions = {
    ...DEFAULT_LAYOUT_OPTIONS,
    ...input,
    logs: resolveRetention('logs', input.logs),
    anomalies: resolveRetention('anomalies', input.anomalies),
  };
  if (!NAME_PART.test(options.prefix))
    invalid('prefix', `must be 1-32 of a-z, 0-9 and _, starting with a letter or digit, got ${JSON.stringify(options.prefix)}`);
  if (!NAME_PART.test(options.namespace))
    invalid('namespace', `must be 1-32 of a-z, 0-9 and _, starting with a letter or digit, got ${JSON.stringify(options.namespace)}`);
  checkInteger('shards', options.shards, 1, 1024);
  checkInteger('replicas', options.replicas, 0, 16);
  checkInteger('totalFieldsLimit', options.totalFieldsLimit, 500, 100_000);
  if (!DURATION.test(options.refreshInterval))
    invalid('refreshInterval', `must look like 5s or 1m, got ${JSON.stringify(options.refreshInterval)}`);
  if (!ISM_MODES.includes(options.ism)) invalid('ism', `must be one of ${ISM_MODES.join(', ')}, got ${JSON.stringify(options.ism)}`);
  return options;
}

export function openSearchLayout(options: OpenSearchLayoutOptions): OpenSearchLayout {
  const base = `${options.prefix}-${options.namespace}`;
  const stream = (kind: StreamKind, dataStream: string): StreamLayout => ({
    kind,
    dataStream,
    indexTemplate: `${base}-${kind}`,
    settingsComponent: `${base}-${kind}-settings`,
    policyId: `${base}-${kind}-retention`,
    retention: options[kind],
  });
  return {
    options,
    ecsComponent: `${base}-ecs-mappings`,
    anomalyComponent: `${base}-anomaly-mappings`,
    streams: [
      stream('logs', `logs-${options.prefix}-${options.namespace}`),
      stream('anomalies', `logs-${options.prefix}.anomalies-${options.namespace}`),
    ],
  };
}
