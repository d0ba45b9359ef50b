import type { AnomalyLevel, DetectionKind, EcsEvent } from '../collector/ecs/event.js';
import { ACTIONS } from '../collector/decoders/actions.js';
import { F } from './features/definitions.js';
import { isTraversalPayload, normaliseUrl } from './features/request-content.js';
import type { ReasonContext } from './explain.js';

/**
 * Domain knowledge the models cannot learn from benign data alone, applied after them:
 * - unambiguous evidence is flagged whatever the site's budget (a floor on the level);
 * - novelty alone — a user's first login from a network, a key login from a phone's carrier —
 *   is low at most, and nothing for a key login, unless another signal joins it (a cap).
 * Everything else is the models' and the site calibration's to decide.
 */
export interface Evidence {
  kind: DetectionKind;
  level: AnomalyLevel;
  reason: string;
  action: string;
  /** The feature whose subject names the entity. */
  feature: number;
}

/** Failed attempts from an address in the hour before its success that make it a compromise. */
const BURST_BEFORE_SUCCESS = 5;
const BURST_CRITICAL = 20;
/** `failure_burst_before_success` leaves out the failures a typo explains. */
const TYPO_ALLOWANCE = 2;

/**
 * Evidence that needs no model: a login right after a burst of failures from the same address,
 * an account created with UID 0, an injection or traversal payload the server answered with 2xx.
 * `row` is the event's full feature row.
 */
export function unambiguousEvidence(row: Float32Array, base: number, context: ReasonContext): Evidence | undefined {
  const { event } = context;
  const ip = context.ip ?? 'the source';
  const burst = row[base + F.failure_burst_before_success]!;
  if (burst > 0 && burst + TYPO_ALLOWANCE >= BURST_BEFORE_SUCCESS) {
    const failures = burst + TYPO_ALLOWANCE;
    const user = event.user?.name ?? 'an account';
    return {
      kind: 'compromise',
      level: failures >= BURST_CRITICAL ? 'critical' : 'high',
      reason: `successful login of ${user} from ${ip} right after ${failures} failed attempts from it in the last hour`,
      action: `Treat as a compromise: lock ${user}, reset its credentials and review the session from ${ip}`,
      feature: F.failure_burst_before_success,
    };
  }
  if (row[base + F.account_created_uid0] === 1) {
    const target = event.user?.target?.name ?? '?';
    return {
      kind: 'account_change',
      level: 'critical',
      reason: `account ${target} created with UID 0 (a second root) on ${event.host?.hostname ?? 'the host'}`,
      action: `Investigate now: disable account ${target} and find who created it`,
      feature: F.account_created_uid0,
    };
  }
  const status = event.http?.response?.status_code ?? 0;
  if (status >= 200 && status < 300 && row[base + F.is_web] === 1) {
    const injected = row[base + F.sqli_score]! >= 2;
    if (injected || (row[base + F.path_traversal] === 1 && isTraversalPayload(normaliseUrl(event.url?.original ?? '')))) {
      return {
        kind: 'web_attack',
        level: 'high',
        reason: `${injected ? 'SQL injection' : 'path traversal'} payload from ${ip} answered ${status}`,
        action: `Web attack that got an answer: block ${ip}, check what the ${status} response disclosed and the application's logs`,
        feature: injected ? F.sqli_score : F.path_traversal,
      };
    }
  }
  return undefined;
}

/**
 * What another detector on the host concluded: fail2ban banned an address. Not a model's finding,
 * so flagged whatever the budget, at medium: the ban already stopped it, the address is worth a look.
 */
export function externalDetection(event: EcsEvent): Evidence | undefined {
  const action = event.event.action;
  if (action !== ACTIONS.fail2banBan && action !== ACTIONS.fail2banBanRestored) return undefined;
  const ip = event.source?.ip ?? 'an address';
  const jail = event.rule?.name;
  return {
    kind: 'external_detection',
    level: 'medium',
    reason: `fail2ban banned ${ip}${jail !== undefined ? ` (jail ${jail})` : ''}`,
    action: `Check what ${ip} did before the ban and whether any login or request of it succeeded`,
    feature: F.auth_failure,
  };
}

// A new country or network owner is novelty too (a trip, a new phone plan); impossible travel is not.
const NOVELTY = new Set<number>([
  F.new_ip,
  F.new_user_ip_login,
  F.new_user_net_login,
  F.new_org_net_login,
  F.new_user_country_login,
  F.new_user_asn_login,
  F.login_country_rarity_host,
  F.privileged_user,
]);

/**
 * The highest level an anomaly may have when all its abnormal features are about novelty (and the
 * account's privilege, a property rather than a behaviour): `low` for a password login, `none` for
 * a key login; `undefined` when another signal joins.
 */
export function noveltyCap(abnormal: readonly number[], event: EcsEvent): AnomalyLevel | undefined {
  if (abnormal.length === 0 || event.event.outcome !== 'success') return undefined;
  for (const feature of abnormal) if (!NOVELTY.has(feature)) return undefined;
  return event.labels?.auth_method === 'publickey' ? 'none' : 'low';
}
