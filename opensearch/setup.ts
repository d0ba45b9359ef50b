/**
 * `siemad setup opensearch`: applies component templates, index templates, ISM policies and data
 * streams, in that order (a policy must exist before the first backing index so that its
 * ism_template attaches it). Idempotent: each object is compared with what the cluster holds and
 * only written when missing, older, or built from other options; the report says what changed.
 */
import type { Client } from '@opensearch-project/opensearch';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { callOpenSearch } from './http.js';
import { ismPolicies, policyMarkOf, type NamedPolicy } from './ism.js';
import { openSearchLayout, resolveLayoutOptions, type OpenSearchLayout, type OpenSearchLayoutInput, type StreamLayout } from './layout.js';
import { SCHEMA_VERSION, decide, type Decision, type ManagedMeta, type StoredState } from './managed-object.js';
import { componentTemplates, composedOf, indexTemplates, type NamedBody } from './templates.js';

export type SetupObjectKind = 'component_template' | 'index_template' | 'ism_policy' | 'data_stream';
export type SetupOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

export interface SetupChange {
  object: SetupObjectKind;
  name: string;
  outcome: SetupOutcome;
  /** Why it was updated or skipped, e.g. `updated from v1 to v2`. */
  detail?: string;
}

export interface SetupReport {
  changes: SetupChange[];
  /** True when anything was created or updated. */
  changed: boolean;
  /** Whether the cluster has the ISM plugin (`off`: not checked, by request). */
  ism: 'available' | 'unavailable' | 'off';
  schemaVersion: number;
}

const ISM_PLUGIN = 'opensearch-index-management';

async function hasIsmPlugin(client: Client): Promise<boolean> {
  const { body } = await callOpenSearch<Array<{ component?: string }>>(client, 'GET', '/_cat/plugins', {
    querystring: { format: 'json', h: 'component' },
  });
  return Array.isArray(body) && body.some((plugin) => plugin.component === ISM_PLUGIN);
}

function storedFromMeta(entry: { version?: number; _meta?: Partial<ManagedMeta> } | undefined): StoredState | undefined {
  if (!entry) return undefined;
  const managed = entry._meta?.managed_by === 'siemad';
  return {
    version: managed ? (entry.version ?? entry._meta?.schema_version) : undefined,
    fingerprint: managed ? entry._meta?.fingerprint : undefined,
  };
}

function toChange(object: SetupObjectKind, name: string, decision: Decision): SetupChange {
  switch (decision.action) {
    case 'create':
      return { object, name, outcome: 'created' };
    case 'unchanged':
      return { object, name, outcome: 'unchanged' };
    case 'update':
      return { object, name, outcome: 'updated', detail: decision.detail };
    case 'skip':
      return { object, name, outcome: 'skipped', detail: decision.detail };
  }
}

async function applyTemplates(
  client: Client,
  object: 'component_template' | 'index_template',
  templates: NamedBody<{ version: number; _meta: ManagedMeta }>[],
): Promise<SetupChange[]> {
  const endpoint = object === 'component_template' ? '_component_template' : '_index_template';
  const listKey = object === 'component_template' ? 'component_templates' : 'index_templates';
  const changes: SetupChange[] = [];
  for (const { name, body } of templates) {
    const path = `/${endpoint}/${encodeURIComponent(name)}`;
    const { statusCode, body: found } = await callOpenSearch<Record<string, Array<Record<string, unknown>>>>(client, 'GET', path, {
      ignore: [404],
    });
    const entry = statusCode === 404 ? undefined : found[listKey]?.[0]?.[object];
    const decision = decide(storedFromMeta(entry as Parameters<typeof storedFromMeta>[0]), body.version, body._meta.fingerprint);
    if (decision.action === 'create' || decision.action === 'update') {
      await callOpenSearch(client, 'PUT', path, { body });
    }
    changes.push(toChange(object, name, decision));
  }
  return changes;
}

interface StoredPolicy {
  _seq_no?: number;
  _primary_term?: number;
  policy?: { description?: string };
}

async function applyPolicy(client: Client, policy: NamedPolicy): Promise<SetupChange> {
  const path = `/_plugins/_ism/policies/${encodeURIComponent(policy.id)}`;
  const { statusCode, body: stored } = await callOpenSearch<StoredPolicy>(client, 'GET', path, { ignore: [404] });
  const mark = statusCode === 404 ? undefined : policyMarkOf(stored.policy?.description);
  const desired = policyMarkOf(policy.body.policy.description);
  const decision = decide(
    statusCode === 404 ? undefined : { version: mark?.version, fingerprint: mark?.fingerprint },
    SCHEMA_VERSION,
    desired?.fingerprint ?? '',
  );
  if (decision.action === 'create') {
    // 409: another siemad created it in the meantime; theirs is as good as ours.
    const created = await callOpenSearch(client, 'PUT', path, { body: policy.body, ignore: [409] });
    return created.statusCode === 409
      ? toChange('ism_policy', policy.id, { action: 'unchanged' })
      : toChange('ism_policy', policy.id, decision);
  }
  if (decision.action !== 'update') return toChange('ism_policy', policy.id, decision);
  await callOpenSearch(client, 'PUT', path, {
    body: policy.body,
    querystring: { if_seq_no: stored._seq_no ?? 0, if_primary_term: stored._primary_term ?? 0 },
  });
  // Indices already managed keep the policy version they started with unless switched.
  const count = await policyCall(client, 'change_policy', await backingIndices(client, policy.stream), policy.id);
  return {
    object: 'ism_policy',
    name: policy.id,
    outcome: 'updated',
    detail: `${decision.detail}; ${count} managed ${count === 1 ? 'index' : 'indices'} switched`,
  };
}

/** Names of the stream's backing indices; none when the stream does not exist (yet). */
async function backingIndices(client: Client, stream: StreamLayout): Promise<string[]> {
  const { statusCode, body } = await callOpenSearch<{ data_streams?: Array<{ indices?: Array<{ index_name: string }> }> }>(
    client,
    'GET',
    `/_data_stream/${encodeURIComponent(stream.dataStream)}`,
    { ignore: [404] },
  );
  if (statusCode === 404) return [];
  return (body.data_streams?.[0]?.indices ?? []).map((index) => index.index_name);
}

/**
 * ISM `add` (attach to indices without a policy; those with one are reported as failures and left
 * alone) or `change_policy` (switch managed indices to the current policy). Returns how many
 * indices were changed. Index names are given explicitly: backing indices are hidden.
 */
async function policyCall(client: Client, api: 'add' | 'change_policy', indices: readonly string[], policyId: string): Promise<number> {
  if (indices.length === 0) return 0;
  const { body } = await callOpenSearch<{ updated_indices?: number }>(
    client,
    'POST',
    `/_plugins/_ism/${api}/${indices.map(encodeURIComponent).join(',')}`,
    {
      body: { policy_id: policyId },
    },
  );
  return body.updated_indices ?? 0;
}

async function applyDataStream(
  client: Client,
  stream: StreamLayout,
  templatesChanged: boolean,
  ismAvailable: boolean,
): Promise<SetupChange> {
  // A data stream always has a write index: no backing index means no stream.
  const exists = (await backingIndices(client, stream)).length > 0;
  const details: string[] = [];
  let outcome: SetupOutcome = 'unchanged';
  if (!exists) {
    // 400 resource_already_exists: created concurrently by another siemad or by the first write.
    const path = `/_data_stream/${encodeURIComponent(stream.dataStream)}`;
    const created = await callOpenSearch<{ error?: { type?: string; reason?: string } }>(client, 'PUT', path, { ignore: [400] });
    if (created.statusCode === 400 && created.body.error?.type !== 'resource_already_exists_exception') {
      throw new SiemadError(
        ERROR_CODES.OPENSEARCH_SETUP_FAILED,
        `OpenSearch PUT ${path} failed: 400 ${created.body.error?.type ?? 'error'}: ${created.body.error?.reason ?? ''}`,
      );
    }
    outcome = created.statusCode === 400 ? 'unchanged' : 'created';
  } else if (templatesChanged) {
    // Mappings and settings of a template apply to new backing indices: start one now.
    await callOpenSearch(client, 'POST', `/${encodeURIComponent(stream.dataStream)}/_rollover`);
    outcome = 'updated';
    details.push('rolled over so that the new templates apply');
  }
  if (ismAvailable) {
    // Backing indices created before the policy existed are not picked up by its ism_template.
    const attached = await policyCall(client, 'add', await backingIndices(client, stream), stream.policyId);
    if (attached > 0 && outcome === 'unchanged') outcome = 'updated';
    if (attached > 0 && outcome !== 'created')
      details.push(`policy ${stream.policyId} attached to ${attached} existing backing ${attached === 1 ? 'index' : 'indices'}`);
  }
  return details.length > 0
    ? { object: 'data_stream', name: stream.dataStream, outcome, detail: details.join('; ') }
    : { object: 'data_stream', name: stream.dataStream, outcome };
}

function templatesChangedFor(layout: OpenSearchLayout, stream: StreamLayout, changes: readonly SetupChange[]): boolean {
  const names = new Set([...composedOf(layout, stream), stream.indexTemplate]);
  return changes.some((change) => change.outcome === 'updated' && names.has(change.name));
}

export async function applyOpenSearchSetup(client: Client, input: OpenSearchLayoutInput = {}): Promise<SetupReport> {
  const layout = openSearchLayout(resolveLayoutOptions(input));
  const { ism } = layout.options;
  const ismAvailable = ism !== 'off' && (await hasIsmPlugin(client));
  if (ism === 'required' && !ismAvailable) {
    throw new SiemadError(
      ERROR_CODES.OPENSEARCH_SETUP_FAILED,
      `the cluster has no ISM plugin (${ISM_PLUGIN}) for rollover and retention; install it, or set ism to if-available or off`,
      'ism',
    );
  }
  const changes: SetupChange[] = [
    ...(await applyTemplates(client, 'component_template', componentTemplates(layout))),
    ...(await applyTemplates(client, 'index_template', indexTemplates(layout))),
  ];
  for (const policy of ismPolicies(layout)) {
    if (ismAvailable) changes.push(await applyPolicy(client, policy));
    else if (ism === 'if-available')
      changes.push({ object: 'ism_policy', name: policy.id, outcome: 'skipped', detail: `the cluster has no ${ISM_PLUGIN} plugin` });
  }
  const templateChanges = [...changes];
  for (const stream of layout.streams) {
    changes.push(await applyDataStream(client, stream, templatesChangedFor(layout, stream, templateChanges), ismAvailable));
  }
  return {
    changes,
    changed: changes.some((change) => change.outcome === 'created' || change.outcome === 'updated'),
    ism: ism === 'off' ? 'off' : ismAvailable ? 'available' : 'unavailable',
    schemaVersion: SCHEMA_VERSION,
  };
}

/** The report as aligned lines for a terminal, ending with a one-line summary. */
export function formatSetupReport(report: SetupReport): string {
  const kindWidth = Math.max(...report.changes.map((change) => change.object.length), 0);
  const nameWidth = Math.max(...report.changes.map((change) => change.name.length), 0);
  const lines = report.changes.map(
    (change) =>
      `${change.object.padEnd(kindWidth)}  ${change.name.padEnd(nameWidth)}  ${change.outcome}${change.detail ? ` (${change.detail})` : ''}`,
  );
  const count = (outcome: SetupOutcome) => report.changes.filter((change) => change.outcome === outcome).length;
  lines.push(
    `schema v${report.schemaVersion}, ISM ${report.ism}: ${count('created')} created, ${count('updated')} updated, ` +
      `${count('unchanged')} unchanged, ${count('skipped')} skipped`,
  );
  return lines.join('\n');
}
