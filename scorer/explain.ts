import type { DetectionKind, EcsEvent } from '../collector/ecs/event.js';
import { F, FEATURES, type Family, type FeatureSubject } from './features/definitions.js';
import type { FamilyFeature } from './model/sidecar.js';
import type { Travel } from './features/travel.js';

/**
 * Human-readable reasons for an anomaly, in the analyst's terms: "42 failed login attempts from
 * 203.0.113.9 in 10 min (normal: ≤ 2)". A reason names a feature only when its value lies beyond
 * what benign traffic shows (the training 99th percentile) in the abnormal direction, so the
 * "normal" it quotes is never a range the value sits inside.
 */
export interface Contribution {
  /** Global feature index. */
  feature: number;
  /** Drop in risk when the feature is set to its benign median. */
  weight: number;
}

/** What a reason is about, beyond the event's own fields. */
export interface ReasonContext {
  event: EcsEvent;
  /** The address the windows counted for (the event's, or its sshd connection's). */
  ip: string | undefined;
  /** A successful login's travel from the user's previous located login. */
  travel?: Travel | undefined;
  /** The configured impossible-travel speed (km/h). */
  travelSpeedKmh?: number;
}

const thousands = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** "2 h", "35 min", "3 days": how long ago, to the unit an analyst reads. */
export function durationText(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 90) return `${Math.max(0, Math.round(minutes))} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${Math.round(hours / 24)} days`;
}

/** Distances as analysts quote them: to the hundred km, with a thousands separator. */
function kmText(km: number): string {
  return `${thousands.format(km >= 1000 ? Math.round(km / 100) * 100 : Math.round(km))} km`;
}

/** "; previous: DE, 2 h ago, 9,800 km" after a login's place, when the user has a previous located login. */
function previousText(travel: Travel | undefined): string {
  if (travel === undefined) return '';
  return `; previous: ${travel.fromCountry}, ${durationText(travel.elapsedMs)} ago, ${kmText(travel.km)}`;
}

/** Is `value` beyond the benign range of the feature, in the abnormal (high) direction? */
export function isAbnormal(value: number, stats: FamilyFeature | undefined): boolean {
  if (stats === undefined) return false;
  // A bound quoted as "≤ 2" must be exceeded as shown: compare the value as displayed (a rarity
  // of 1.443 reads "1.44") with the bound as displayed.
  return displayedValue(value) > displayedBound(stats.p99) + 1e-9;
}

/** The value as a reason quotes it (see `round`). */
function displayedValue(value: number): number {
  return Number.isInteger(value) ? value : Number(value.toFixed(2));
}

/** The benign bound as quoted: integers below (counts are whole), two decimals below otherwise. */
function displayedBound(p99: number): number {
  return p99 >= 10 || Number.isInteger(p99) ? Math.floor(p99) : Math.floor(p99 * 100) / 100;
}

/** The benign bound as quoted; `offset` is added back for features that leave out a typo's worth. */
function normal(stats: FamilyFeature | undefined, offset = 0): string {
  return stats === undefined ? '' : ` (normal: ≤ ${displayedBound(stats.p99) + offset})`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function percentText(share: number): string {
  const percent = share * 100;
  return percent >= 10 ? `${Math.round(percent)}%` : `${percent.toFixed(1)}%`;
}

function speedText(kmh: number): string {
  return Number.isFinite(kmh) ? `${thousands.format(Math.round(kmh / 100) * 100)} km/h` : 'at the same instant';
}

function hourText(event: EcsEvent): string {
  const time = event['@timestamp'];
  return time.length >= 16 ? `${time.slice(11, 16)} UTC` : 'this hour';
}

export function reasonText(feature: number, value: number, context: ReasonContext, stats: FamilyFeature | undefined): string {
  const { event } = context;
  const ip = context.ip ?? 'the source';
  const user = event.user?.name ?? 'the user';
  const host = event.host?.hostname ?? 'the host';
  const target = event.user?.target?.name ?? '?';
  const v = round(value);
  const n = normal(stats);
  switch (feature) {
    case F.auth_failure:
      return `failed login attempt from ${ip}`;
    case F.auth_fail_ip_1m:
      return `${v} failed login attempts from ${ip} in 1 min${n}`;
    case F.auth_fail_ip_10m:
      return `${v} failed login attempts from ${ip} in 10 min${n}`;
    case F.auth_fail_ip_1h:
      return `${v} failed login attempts from ${ip} in 1 h${n}`;
    case F.auth_fail_ip_24h:
      return `${v} failed login attempts from ${ip} in 24 h${n}`;
    case F.auth_fail_ip_7d:
      return `${v} failed login attempts from ${ip} in 7 days${n}`;
    case F.users_tried_ip_1h:
      return `${v} different user names tried from ${ip} in 1 h${n}`;
    case F.users_tried_ip_24h:
      return `${v} different user names tried from ${ip} in 24 h${n}`;
    case F.fail_ips_user_1h:
      return `failed logins for ${user} from ${v} different addresses in 1 h${n}`;
    case F.fail_ips_user_surge:
      return `${v} more addresses than usual failing for ${user} in the last hour${n}`;
    case F.failure_burst_before_success:
      return `successful login of ${user} from ${ip} after ${round(value + 2)} failed attempts from it in the last hour`;
    case F.new_ip:
      return `first sight of ${ip}`;
    case F.new_user_ip_login:
      return `first login of ${user} from ${ip}`;
    case F.new_user_net_login:
      return `first login of ${user} from ${ip}'s network`;
    case F.new_org_net_login:
      return `first successful login from ${ip}'s network by anyone`;
    case F.new_user_country_login:
      return `first login of ${user} from ${event.source?.geo?.country_iso_code ?? '?'}${previousText(context.travel)}`;
    case F.new_user_asn_login: {
      const as = event.source?.as;
      return `first login of ${user} from AS${as?.number ?? '?'}${as?.organization?.name !== undefined ? ` (${as.organization.name})` : ''}`;
    }
    case F.login_country_rarity_host:
      return `login from ${event.source?.geo?.country_iso_code ?? '?'} on ${host}: ${percentText(2 ** -value)} of its logins over the past week come from there (rarity ${v}${n.replace('normal', 'normal rarity')})`;
    case F.impossible_travel: {
      const travel = context.travel;
      if (travel === undefined) return `impossible travel for ${user}`;
      return `impossible travel: ${user} logged in from ${travel.toCountry} ${durationText(travel.elapsedMs)} after a login from ${travel.fromCountry}, ${kmText(travel.km)} away (${speedText(travel.speedKmh)}; limit ${thousands.format(context.travelSpeedKmh ?? 1000)} km/h)`;
    }
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
      return `login account ${target} created on ${host}`;
    case F.account_created_uid0:
      return `account ${target} created with UID 0 (root privileges) on ${host}`;
    case F.admin_group_added:
      return `${target} added to administrative group ${event.group?.name ?? '?'} on ${host}`;
    case F.ports_ip_1m:
      return `${v} different ports probed by ${ip} in 1 min${n}`;
    case F.ports_ip_30m:
      return `${v} different ports probed by ${ip} in 30 min${n}`;
    case F.ports_ip_7d:
      return `${v} different ports probed by ${ip} in 7 days${n}`;
    case F.hosts_ip_30m:
      return `${round(value + 3)} different addresses probed by ${ip} in 30 min${normal(stats, 3)}`;
    case F.hosts_ip_24h:
      return `${round(value + 3)} different addresses probed by ${ip} in 24 h${normal(stats, 3)}`;
    case F.web_paths_ip_10m:
      return `${v} different URL paths requested by ${ip} in 10 min${n}`;
    case F.web_error_paths_ip_10m:
      return `${v} different URL paths answered with an error to ${ip} in 10 min${n}`;
    case F.web_error_paths_ip_24h:
      return `${v} different URL paths answered with an error to ${ip} in 24 h${n}`;
    case F.probes_ip_24h:
      return `${v} requests for secrets, admin tools or traversal from ${ip} in 24 h${n}`;
    case F.web_login_fail_ip_1h:
      return `${round(value + 2)} refused form logins from ${ip} in 1 h${normal(stats, 2)}`;
    case F.sqli_score:
      return `SQL injection patterns in the URL (${v} ${value === 1 ? 'pattern' : 'patterns'})`;
    case F.path_traversal:
      return 'path traversal or sensitive file probe in the URL';
    case F.scanner_user_agent:
      return `scanner user agent "${(event.user_agent?.original ?? '').slice(0, 60)}"`;
    default:
      return `${FEATURES[feature]?.description ?? 'feature ' + feature}: ${v}`;
  }
}

/** What an analyst should do first, from the strongest reason. */
export function recommendedAction(feature: number, context: ReasonContext): string {
  const { event } = context;
  const ip = context.ip ?? 'the source';
  const user = event.user?.name ?? 'the account';
  switch (feature) {
    case F.failure_burst_before_success:
      return `Treat as a possible compromise: confirm the login with ${user}, reset its credentials and review the session from ${ip}`;
    case F.auth_failure:
    case F.auth_fail_ip_1m:
    case F.auth_fail_ip_10m:
    case F.auth_fail_ip_1h:
    case F.auth_fail_ip_24h:
    case F.auth_fail_ip_7d:
      return `Block ${ip} (fail2ban or firewall) and check for any successful login from it`;
    case F.users_tried_ip_1h:
    case F.users_tried_ip_24h:
      return `Password spraying: block ${ip} and check the targeted accounts for successful logins`;
    case F.fail_ips_user_1h:
    case F.fail_ips_user_surge:
      return `Distributed attack on ${user}: enforce MFA or key-only login for it and watch for a success`;
    case F.impossible_travel:
      return `Impossible travel: confirm with ${user} where they are; if neither login is theirs or they use no VPN, lock the account, reset its credentials and review both sessions`;
    case F.new_user_ip_login:
    case F.new_user_net_login:
    case F.new_org_net_login:
    case F.new_user_country_login:
    case F.new_user_asn_login:
    case F.login_country_rarity_host:
    case F.login_hour_rarity_user:
    case F.privileged_user:
      return `Confirm with ${user} that this login is theirs; if not, lock the account and review the session`;
    case F.sudo_fail_user_1h:
    case F.not_in_sudoers:
      return `Review ${user}'s recent commands and sessions; confirm the sudo attempts with them`;
    case F.account_created_uid0:
    case F.account_created:
    case F.admin_group_added:
      return `Investigate now: confirm who created or changed account ${event.user?.target?.name ?? '?'}; disable it if nobody did`;
    case F.ports_ip_1m:
    case F.ports_ip_30m:
    case F.ports_ip_7d:
    case F.hosts_ip_30m:
    case F.hosts_ip_24h:
      return `Port scan: block ${ip} at the edge and review which probed services are exposed`;
    case F.web_paths_ip_10m:
    case F.web_error_paths_ip_10m:
    case F.web_login_fail_ip_1h:
      return `Password guessing on a web login: block ${ip} and check the accounts it tried for a successful login`;
    case F.web_error_paths_ip_24h:
    case F.probes_ip_24h:
    case F.scanner_user_agent:
      return `Web scan: block ${ip} at the WAF or firewall and check for 2xx responses to its requests`;
    case F.sqli_score:
    case F.path_traversal:
      return `Web attack: block ${ip} at the WAF and check whether any of its payloads was answered 2xx`;
    default:
      return 'Review the event and its entity in context';
  }
}

/** `field=value` of the entity a subject names, falling back to the address, user, then host. */
export function entityOf(subject: FeatureSubject | undefined, context: ReasonContext): string | undefined {
  const { event } = context;
  if (subject === 'user' && event.user?.name !== undefined) return `user.name=${event.user.name}`;
  if (subject === 'target' && event.user?.target?.name !== undefined) return `user.target.name=${event.user.target.name}`;
  if (subject === 'host' && event.host?.hostname !== undefined) return `host.hostname=${event.host.hostname}`;
  if (context.ip !== undefined) return `source.ip=${context.ip}`;
  if (event.user?.name !== undefined) return `user.name=${event.user.name}`;
  return event.host?.hostname !== undefined ? `host.hostname=${event.host.hostname}` : undefined;
}

/** The entity an anomaly explained by `feature` is about. */
export function anomalyEntity(feature: number, context: ReasonContext): string | undefined {
  return entityOf(FEATURES[feature]?.subject, context);
}

const KIND_OF_FEATURE = new Map<number, DetectionKind>([
  [F.auth_failure, 'brute_force'],
  [F.auth_fail_ip_1m, 'brute_force'],
  [F.auth_fail_ip_10m, 'brute_force'],
  [F.auth_fail_ip_1h, 'brute_force'],
  [F.auth_fail_ip_24h, 'brute_force'],
  [F.auth_fail_ip_7d, 'brute_force'],
  [F.users_tried_ip_1h, 'password_spraying'],
  [F.users_tried_ip_24h, 'password_spraying'],
  [F.fail_ips_user_1h, 'distributed_brute_force'],
  [F.fail_ips_user_surge, 'distributed_brute_force'],
  [F.failure_burst_before_success, 'compromise'],
  [F.new_user_ip_login, 'new_login_source'],
  [F.new_user_net_login, 'new_login_source'],
  [F.new_org_net_login, 'new_login_source'],
  [F.privileged_user, 'new_login_source'],
  [F.new_user_country_login, 'new_login_source'],
  [F.new_user_asn_login, 'new_login_source'],
  [F.login_country_rarity_host, 'new_login_source'],
  [F.impossible_travel, 'impossible_travel'],
  [F.login_hour_rarity_user, 'unusual_hour'],
  [F.activity_hour_rarity_host, 'unusual_hour'],
  [F.sudo_fail_user_1h, 'privilege_abuse'],
  [F.not_in_sudoers, 'privilege_abuse'],
  [F.account_created, 'account_change'],
  [F.account_created_uid0, 'account_change'],
  [F.admin_group_added, 'account_change'],
  [F.ports_ip_1m, 'port_scan'],
  [F.ports_ip_30m, 'port_scan'],
  [F.ports_ip_7d, 'port_scan'],
  [F.hosts_ip_30m, 'port_scan'],
  [F.hosts_ip_24h, 'port_scan'],
  [F.web_paths_ip_10m, 'web_scan'],
  [F.web_error_paths_ip_10m, 'web_scan'],
  [F.web_error_paths_ip_24h, 'web_scan'],
  [F.probes_ip_24h, 'web_scan'],
  [F.scanner_user_agent, 'web_scan'],
  [F.web_login_fail_ip_1h, 'web_login_guessing'],
  [F.sqli_score, 'web_attack'],
  [F.path_traversal, 'web_attack'],
]);
const NEW_SOURCE_KIND: Record<Family, DetectionKind> = {
  auth: 'new_login_source',
  firewall: 'port_scan',
  web: 'web_scan',
  privilege: 'privilege_abuse',
};

/** The detection kind of an anomaly whose strongest reason is `feature` (in `family`'s model). */
export function detectionKind(feature: number, family: Family): DetectionKind {
  if (feature === F.new_ip) return NEW_SOURCE_KIND[family];
  return KIND_OF_FEATURE.get(feature) ?? 'unusual_combination';
}
