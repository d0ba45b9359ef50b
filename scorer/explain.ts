import type { EcsEvent } from '../collector/ecs/event.js';
import { F, FEATURES } from './features/definitions.js';
import type { FamilyFeature } from './model/sidecar.js';

/**
 * Human-readable reasons for an anomaly: for the features that contributed most, their value
 * against what is normal on benign data (the sidecar's 99th percentile), in the analyst's terms:
 * "42 failed logins from 203.0.113.9 in 10 min (normal: ≤ 2)".
 */
export interface Contribution {
  feature: number;
  /** Drop in risk when the feature is set to its benign median. */
  weight: number;
}

function normal(stats: FamilyFeature | undefined): string {
  if (stats === undefined) return '';
  const p99 = stats.p99;
  return ` (normal: ≤ ${p99 >= 10 ? Math.round(p99) : Math.round(p99 * 100) / 100})`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function hourText(event: EcsEvent): string {
  const time = event['@timestamp'];
  return time.length >= 16 ? `${time.slice(11, 16)} UTC` : 'this hour';
}

export function reasonText(feature: number, value: number, event: EcsEvent, stats: FamilyFeature | undefined): string {
  const ip = event.source?.ip ?? 'the source';
  const user = event.user?.name ?? 'the user';
  const host = event.host?.hostname ?? 'the host';
  const v = round(value);
  const n = normal(stats);
  switch (feature) {
    case F.auth_fail_ip_1m:
      return `${v} failed logins from ${ip} in 1 min${n}`;
    case F.auth_fail_ip_10m:
      return `${v} failed logins from ${ip} in 10 min${n}`;
    case F.auth_fail_ip_1h:
      return `${v} failed logins from ${ip} in 1 h${n}`;
    case F.users_tried_ip_1h:
      return `${v} different user names tried from ${ip} in 1 h${n}`;
    case F.users_tried_ip_24h:
      return `${v} different user names tried from ${ip} in 24 h${n}`;
    case F.fail_ips_user_1h:
      return `failed logins for ${user} from ${v} different IPs in 1 h${n}`;
    case F.fail_ips_user_24h:
      return `failed logins for ${user} from ${v} different IPs in 24 h${n}`;
    case F.auth_fail_user_1h:
      return `${v} failed logins for ${user} in 1 h${n}`;
    case F.fails_before_success:
      return `successful login of ${user} from ${ip} after ${v} failed logins from it in the last hour${n}`;
    case F.new_ip:
      return `first sight of ${ip}`;
    case F.new_user_ip_login:
      return `first login of ${user} from ${ip}`;
    case F.new_user_net_login:
      return `first login of ${user} from this network`;
    case F.new_org_net_login:
      return `first successful login from ${ip}'s network by anyone`;
    case F.login_hour_rarity_user:
      return `login of ${user} at ${hourText(event)} is unusual for them (rarity ${v}${n.replace('normal', 'normal rarity')})`;
    case F.activity_hour_rarity_host:
      return `activity on ${host} at ${hourText(event)} is unusual for this host (rarity ${v}${n.replace('normal', 'normal rarity')})`;
    case F.privileged_user:
      return `privileged account ${event.user?.target?.name ?? user}`;
    case F.sudo_fail_user_1h:
      return `${v} failed sudo attempts by ${user} in 1 h${n}`;
    case F.not_in_sudoers:
      return `${user} is not in sudoers and tried sudo`;
    case F.account_created:
      return `account ${event.user?.target?.name ?? '?'} created on ${host}`;
    case F.account_created_uid0:
      return `account ${event.user?.target?.name ?? '?'} created with UID 0 (root privileges) on ${host}`;
    case F.ports_ip_1m:
      return `${v} different ports probed by ${ip} in 1 min${n}`;
    case F.ports_ip_30m:
      return `${v} different ports probed by ${ip} in 30 min${n}`;
    case F.ports_ip_24h:
      return `${v} different ports probed by ${ip} in 24 h${n}`;
    case F.admin_group_added:
      return `${event.user?.target?.name ?? '?'} added to administrative group ${event.group?.name ?? '?'} on ${host}`;
    case F.denies_ip_1m:
      return `${v} firewall denies for ${ip} in 1 min${n}`;
    case F.denies_ip_30m:
      return `${v} firewall denies for ${ip} in 30 min${n}`;
    case F.web_req_ip_1m:
      return `${v} web requests from ${ip} in 1 min${n}`;
    case F.web_req_ip_10m:
      return `${v} web requests from ${ip} in 10 min${n}`;
    case F.web_err_ratio_ip_10m:
      return `${Math.round(value * 100)}% of responses to ${ip} were errors in 10 min${stats ? ` (normal: ≤ ${Math.round(stats.p99 * 100)}%)` : ''}`;
    case F.web_paths_ip_10m:
      return `${v} different URL paths requested by ${ip} in 10 min${n}`;
    case F.sqli_score:
      return `SQL injection patterns in the URL (${v} patterns)`;
    case F.path_traversal:
      return 'path traversal or sensitive file probe in the URL';
    case F.scanner_user_agent:
      return `scanner user agent "${(event.user_agent?.original ?? '').slice(0, 60)}"`;
    case F.url_length:
      return `URL of ${v} characters${n}`;
    case F.url_entropy:
      return `random-looking URL query (entropy ${v} bits/char${n})`;
    default:
      return `${FEATURES[feature]?.description ?? 'feature ' + feature}: ${v}`;
  }
}

/** What an analyst should do first, from the strongest reason. */
export function recommendedAction(feature: number, event: EcsEvent): string {
  const ip = event.source?.ip ?? 'the source';
  const user = event.user?.name ?? 'the account';
  switch (feature) {
    case F.fails_before_success:
      return `Treat as a possible compromise: confirm the login with ${user}, reset its credentials and review the session from ${ip}`;
    case F.auth_fail_ip_1m:
    case F.auth_fail_ip_10m:
    case F.auth_fail_ip_1h:
      return `Block ${ip} (fail2ban or firewall) and check for any successful login from it`;
    case F.users_tried_ip_1h:
    case F.users_tried_ip_24h:
      return `Password spraying: block ${ip} and check the targeted accounts for successful logins`;
    case F.fail_ips_user_1h:
    case F.fail_ips_user_24h:
    case F.auth_fail_user_1h:
      return `Distributed attack on ${user}: enforce MFA or key-only login for it and watch for a success`;
    case F.new_user_ip_login:
    case F.new_user_net_login:
    case F.new_org_net_login:
    case F.login_hour_rarity_user:
    case F.privileged_user:
      return `Confirm with ${user} that this login is theirs; if not, lock the account and review the session`;
    case F.sudo_fail_user_1h:
    case F.not_in_sudoers:
      return `Review ${user}'s recent commands and sessions; confirm the sudo attempts with them`;
    case F.account_created_uid0:
    case F.account_created:
    case F.admin_group_added:
      return `Investigate now: disable account ${event.user?.target?.name ?? '?'} and find who created it`;
    case F.ports_ip_1m:
    case F.ports_ip_30m:
    case F.ports_ip_24h:
    case F.denies_ip_1m:
    case F.denies_ip_30m:
      return `Port scan: block ${ip} at the edge and review which probed services are exposed`;
    default:
      if (event.event.category?.includes('web')) return `Web attack: block ${ip} at the WAF and check for 2xx responses to its requests`;
      return 'Review the event and its entity in context';
  }
}

/** The entity an anomaly is about, from its strongest reason. */
export function anomalyEntity(feature: number, event: EcsEvent): string | undefined {
  const byUser = [F.fail_ips_user_1h, F.fail_ips_user_24h, F.auth_fail_user_1h, F.login_hour_rarity_user, F.sudo_fail_user_1h, F.not_in_sudoers];
  if (byUser.includes(feature) && event.user?.name !== undefined) return `user.name=${event.user.name}`;
  if ((feature === F.account_created || feature === F.account_created_uid0 || feature === F.admin_group_added) && event.user?.target?.name !== undefined) {
    return `user.target.name=${event.user.target.name}`;
  }
  if (feature === F.activity_hour_rarity_host && event.host?.hostname !== undefined) return `host.hostname=${event.host.hostname}`;
  if (event.source?.ip !== undefined) return `source.ip=${event.source.ip}`;
  if (event.user?.name !== undefined) return `user.name=${event.user.name}`;
  return event.host?.hostname !== undefined ? `host.hostname=${event.host.hostname}` : undefined;
}
