/**
 * Index State Management policies: the write index of each data stream rolls over by age or by
 * primary-shard size, and a backing index is deleted once it has been rolled over for the
 * retention period (so every event is kept at least that long). `ism_template` attaches the
 * policy to each new backing index of the stream.
 */
import type { OpenSearchLayout, StreamLayout } from './layout.js';
import { SCHEMA_VERSION, fingerprint } from './managed-object.js';

const RETRY = { count: 3, backoff: 'exponential', delay: '1m' } as const;
// Above ISM templates users commonly have for `logs-*`.
const ISM_TEMPLATE_PRIORITY = 500;

export interface IsmPolicyBody {
  policy: {
    description: string;
    default_state: string;
    states: Array<{
      name: string;
      actions: Array<Record<string, unknown>>;
      transitions: Array<{ state_name: string; conditions?: Record<string, string> }>;
    }>;
    ism_template: Array<{ index_patterns: string[]; priority: number }>;
  };
}

export interface NamedPolicy {
  id: string;
  stream: StreamLayout;
  body: IsmPolicyBody;
}

// ISM policies have no _meta: version and fingerprint are kept in the description, parsed back here.
const DESCRIPTION_MARK = /managed by siemad, schema v(\d+), fingerprint ([0-9a-f]+)/;

export function policyMarkOf(description: unknown): { version: number; fingerprint: string } | undefined {
  if (typeof description !== 'string') return undefined;
  const match = DESCRIPTION_MARK.exec(description);
  return match ? { version: Number(match[1]), fingerprint: match[2] ?? '' } : undefined;
}

export function retentionPolicy(stream: StreamLayout, schemaVersion = SCHEMA_VERSION): IsmPolicyBody {
  const { retention } = stream;
  const shape: Omit<IsmPolicyBody['policy'], 'description'> = {
    default_state: 'hot',
    states: [
      {
        name: 'hot',
        actions: [
          {
            retry: RETRY,
            rollover: { min_index_age: retention.rolloverAge, min_primary_shard_size: retention.rolloverPrimaryShardSize },
          },
        ],
        transitions: [{ state_name: 'delete', conditions: { min_rollover_age: `${retention.retentionDays}d` } }],
      },
      { name: 'delete', actions: [{ retry: RETRY, delete: {} }], transitions: [] },
    ],
    ism_template: [{ index_patterns: [stream.dataStream], priority: ISM_TEMPLATE_PRIORITY }],
  };
  const description =
    `siemad ${stream.kind}: roll over at ${retention.rolloverAge} or ${retention.rolloverPrimaryShardSize} per primary shard, ` +
    `delete ${retention.retentionDays}d after rollover (managed by siemad, schema v${schemaVersion}, fingerprint ${fingerprint(shape)})`;
  return { policy: { description, ...shape } };
}

export function ismPolicies(layout: OpenSearchLayout): NamedPolicy[] {
  return layout.streams.map((stream) => ({ id: stream.policyId, stream, body: retentionPolicy(stream) }));
}
