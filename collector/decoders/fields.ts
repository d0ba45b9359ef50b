/**
 * Setters shared by the decoders: they fill ECS entity fields consistently (address vs ip vs
 * domain, related.*) so every decoder agrees on what a field holds.
 */
import type { EcsEndpoint, EcsEvent, EventCategory, EventOutcome, EventType } from '../ecs/event.js';
import { canonicalIp, isHostName, isIp } from './ip.js';

/** Longest user name we keep; sshd logs whatever a client sends. */
const MAX_USER_NAME_LENGTH = 256;
/** Bound on related.* arrays (a decoder adds a handful at most; this guards against mistakes). */
const MAX_RELATED = 16;

export interface Dataset {
  readonly module: string;
  readonly dataset: string;
}

export const DATASETS = {
  systemAuth: { module: 'system', dataset: 'system.auth' },
  systemSyslog: { module: 'system', dataset: 'system.syslog' },
  nginxAccess: { module: 'nginx', dataset: 'nginx.access' },
  nginxError: { module: 'nginx', dataset: 'nginx.error' },
  apacheAccess: { module: 'apache', dataset: 'apache.access' },
  apacheError: { module: 'apache', dataset: 'apache.error' },
  iptables: { module: 'iptables', dataset: 'iptables.log' },
  fail2ban: { module: 'fail2ban', dataset: 'fail2ban.log' },
} as const satisfies Record<string, Dataset>;

export function setDataset(event: EcsEvent, dataset: Dataset): void {
  event.event.module = dataset.module;
  event.event.dataset = dataset.dataset;
}

/** Sets action, category, type and (when given) outcome in one go. */
export function classify(event: EcsEvent, action: string, category: EventCategory[], type: EventType[], outcome?: EventOutcome): void {
  const fields = event.event;
  fields.action = action;
  fields.category = category;
  fields.type = type;
  if (outcome !== undefined) fields.outcome = outcome;
}

function pushBounded(list: string[], value: string): void {
  if (list.length < MAX_RELATED && !list.includes(value)) list.push(value);
}

export function addRelatedIp(event: EcsEvent, ip: string): void {
  const related = (event.related ??= {});
  pushBounded((related.ip ??= []), ip);
}

export function addRelatedUser(event: EcsEvent, name: string): void {
  const related = (event.related ??= {});
  pushBounded((related.user ??= []), name);
}

function addRelatedHost(event: EcsEvent, host: string): void {
  const related = (event.related ??= {});
  pushBounded((related.hosts ??= []), host);
}

/**
 * Fills an endpoint from a raw address as logs write it: an IP goes to `ip` (and related.ip) in
 * canonical form (ip.ts), a host name to `domain` (and related.hosts); `address` keeps the raw
 * value either way. Anything
 * else (free text, empty) is dropped. Returns false when nothing was set.
 */
function setEndpoint(event: EcsEvent, endpoint: EcsEndpoint, address: string, port: number): boolean {
  if (isIp(address)) {
    const ip = canonicalIp(address);
    endpoint.ip = ip;
    addRelatedIp(event, ip);
  } else if (isHostName(address)) {
    endpoint.domain = address;
    addRelatedHost(event, address);
  } else return false;
  endpoint.address = address;
  if (port >= 0 && port <= 65535) endpoint.port = port;
  return true;
}

/** `source.*` from a raw address (IP or host name) and a port (-1 for none). */
export function setSource(event: EcsEvent, address: string, port = -1): boolean {
  const source: EcsEndpoint = event.source ?? {};
  if (!setEndpoint(event, source, address, port)) return false;
  event.source = source;
  return true;
}

/** `destination.*` from a raw address (IP or host name) and a port (-1 for none). */
export function setDestination(event: EcsEvent, address: string, port = -1): boolean {
  const destination: EcsEndpoint = event.destination ?? {};
  if (!setEndpoint(event, destination, address, port)) return false;
  event.destination = destination;
  return true;
}

/** Adds a host name seen next to an IP (e.g. sshd's reverse lookup) as `source.domain`. */
export function setSourceDomain(event: EcsEvent, host: string): void {
  if (!isHostName(host) || isIp(host)) return;
  (event.source ??= {}).domain = host;
  addRelatedHost(event, host);
}

function usableName(name: string): boolean {
  return name.length > 0 && name.length <= MAX_USER_NAME_LENGTH;
}

/** `user.name`: the acting user, or the name tried in a failed login. */
export function setUserName(event: EcsEvent, name: string): void {
  if (!usableName(name)) return;
  (event.user ??= {}).name = name;
  addRelatedUser(event, name);
}

/** `user.effective.name`: whom a command runs as (sudo's USER=, su's target). */
export function setEffectiveUserName(event: EcsEvent, name: string): void {
  if (!usableName(name)) return;
  const user = (event.user ??= {});
  (user.effective ??= {}).name = name;
  addRelatedUser(event, name);
}

/** `user.target.*`: the account an IAM action is about. `id` and `groupId` are optional. */
export function setTargetUser(event: EcsEvent, name: string, id?: string, groupId?: string): void {
  if (!usableName(name)) return;
  const user = (event.user ??= {});
  const target = (user.target ??= {});
  target.name = name;
  if (id !== undefined) target.id = id;
  if (groupId !== undefined) target.group = { id: groupId };
  addRelatedUser(event, name);
}

/** Top-level `group.*`: the group an IAM action is about. */
export function setGroup(event: EcsEvent, name: string, id?: string): void {
  if (name.length === 0 || name.length > MAX_USER_NAME_LENGTH) return;
  const group = (event.group ??= {});
  group.name = name;
  if (id !== undefined) group.id = id;
}

/** Adds one `labels` entry (ECS labels are flat keyword strings). */
export function setLabel(event: EcsEvent, key: string, value: string): void {
  (event.labels ??= {})[key] = value;
}
