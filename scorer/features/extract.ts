import ipaddr from 'ipaddr.js';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { ACTIONS } from '../../collector/decoders/actions.js';
import { isoMillis } from '../../collector/decoders/iso-time.js';
import { OpBatch, SLOT, type WindowStore } from '../windows/ops.js';
import { F, FAMILIES, FEATURE_COUNT } from './definitions.js';
import { foldPath, isPathTraversal, isScannerUserAgent, normaliseUrl, sqlInjectionScore } from './request-content.js';
import { AttemptCorrelator, isSshProcess } from './attempts.js';
import { HourOfDay } from './hour-of-day.js';
import { isImpossible, LoginTravel, type Travel } from './travel.js';

export interface ExtractorOptions {
  /** How far behind the newest event time an event may be and still count at its own time. */
  outOfOrderToleranceMs: number;
  /** Time zone for hour-of-day profiles (the users' working hours). */
  profileTimeZone: string;
  /** Travel faster than this between two logins of a user is impossible (km/h). */
  travelSpeedKmh?: number;
}

export const DEFAULT_TRAVEL_SPEED_KMH = 1000;

/** Names that are privileged wherever they appear. */
const PRIVILEGED_NAMES = new Set(['root', 'toor', 'admin', 'administrator', 'sysadmin', 'superuser']);
const ADMIN_GROUPS = new Set(['sudo', 'wheel', 'admin', 'adm', 'root']);
/** Pseudo-count of the host's hour profile in a user's profile: a new user inherits the host's habits. */
const PRIOR_WEIGHT = 5;
const MAX_RARITY = 8;
/** Logins of a user seen before "first login from this IP/network" means anything (cold start). */
const MIN_HISTORY_FOR_NOVELTY = 5;
/** Logins to a host seen before "first login from this network for anyone" means anything. */
const MIN_HOST_HISTORY_FOR_NOVELTY = 20;
/** Failures before a success that a mistyped password explains (one typo, perhaps twice). */
const TYPO_ALLOWANCE = 2;
/** Destination addresses a client of the site's few servers reaches: not yet a sweep. */
const SERVICE_HOSTS_ALLOWANCE = 3;
/** Below this UID, with a shell that cannot log in, an account belongs to a package (Debian, RHEL: SYS_UID_MAX 999). */
const FIRST_LOGIN_UID = 1000;
const NO_LOGIN_SHELL = /(?:nologin|\/false|\/sync|\/shutdown|\/halt)$/;
/** Operations one event can issue (the most: a successful login). */
const OPS_PER_EVENT = 16;

const enum Op {
  AuthFailIp,
  UsersTriedIp,
  FailIpsUser,
  AuthFailIpDay,
  SeenIp,
  SeenUserIp,
  SeenUserNet,
  UserHour,
  HostHour,
  Admin,
  OrgNet,
  SeenUserCountry,
  SeenUserAsn,
  HostCountry,
  HostGeo,
  SeenUserTravel,
}
const enum FirewallOp {
  Ports = 0,
  Hosts = 1,
}
const enum WebOp {
  ErrorPaths = 0,
  Paths = 1,
  Probes = 2,
  LoginFailures = 3,
}
const enum SudoOp {
  Failures = 0,
}

/** What kind of event this is, for the features; derived once per event from ECS fields. */
const enum Kind {
  Other,
  AuthFailure,
  AuthSuccess,
  AuthOther,
  Firewall,
  Web,
  Privilege,
}

export const NO_FAMILY = -1;
/** Family (index in FAMILIES) whose model scores each internal event kind. */
const MODEL_FAMILY: readonly number[] = [
  NO_FAMILY, // Kind.Other
  FAMILIES.indexOf('auth'), // Kind.AuthFailure
  FAMILIES.indexOf('auth'), // Kind.AuthSuccess
  FAMILIES.indexOf('auth'), // Kind.AuthOther
  FAMILIES.indexOf('firewall'),
  FAMILIES.indexOf('web'),
  FAMILIES.indexOf('privilege'),
];

/**
 * Computes the feature vector of each event: updates the window state with the event (through one
 * batch of store operations for the whole event batch, executed in order) and reads the windows
 * back. Event time, not arrival time, drives the windows, so a file analysed later scores as it
 * did live; an event older than the newest seen minus the tolerance counts at the tolerance edge.
 */
export class FeatureExtractor {
  private readonly ops = new OpBatch();
  private readonly attempts = new AttemptCorrelator();
  private opIndex = new Int32Array(0);
  private kinds = new Uint8Array(0);
  private times = new Float64Array(0);
  /** Per event of the batch: the source address its windows were read for (see `sourceOf`). */
  private sources: (string | undefined)[] = [];
  /** Per event of the batch: the travel from the user's previous located login (successful logins). */
  private travels: (Travel | undefined)[] = [];
  private readonly travel = new LoginTravel();
  private readonly travelSpeedKmh: number;
  private watermark = 0;
  private readonly hours: HourOfDay;

  constructor(
    private readonly store: WindowStore,
    private readonly options: ExtractorOptions,
  ) {
    this.hours = new HourOfDay(options.profileTimeZone);
    this.travelSpeedKmh = options.travelSpeedKmh ?? DEFAULT_TRAVEL_SPEED_KMH;
  }

  /**
   * Fills `out` (events.length × FEATURE_COUNT, row-major) with the features of `events`, and
   * `families[i]` with the index in FAMILIES of event i's family, or NO_FAMILY.
   */
  async extract(events: readonly EcsEvent[], out: Float32Array, families?: Int8Array): Promise<void> {
    const n = events.length;
    if (this.opIndex.length < n * OPS_PER_EVENT) {
      this.opIndex = new Int32Array(n * OPS_PER_EVENT);
      this.kinds = new Uint8Array(n);
      this.times = new Float64Array(n);
    }
    this.sources.length = n;
    this.travels.length = n;
    this.opIndex.fill(-1, 0, n * OPS_PER_EVENT);
    this.ops.clear();
    for (let i = 0; i < n; i++) this.plan(events[i]!, i);
    await this.store.execute(this.ops);
    out.fill(0, 0, n * FEATURE_COUNT);
    for (let i = 0; i < n; i++) this.fill(events[i]!, i, out, i * FEATURE_COUNT);
    if (families !== undefined) for (let i = 0; i < n; i++) families[i] = MODEL_FAMILY[this.kinds[i]!]!;
  }

  /**
   * The source address event `i` of the last batch was counted for: its own `source.ip`, or for a
   * line of an sshd connection that names no address (PAM's `rhost=` host name), the connection's.
   */
  sourceOf(i: number): string | undefined {
    return this.sources[i];
  }

  /** The travel from the user's previous located login to login `i` of the last batch. */
  travelOf(i: number): Travel | undefined {
    return this.travels[i];
  }

  /** The speed above which travel is impossible (km/h). */
  get travelSpeed(): number {
    return this.travelSpeedKmh;
  }

  /** Event time of event `i` of the last batch, as the windows used it (ms). */
  timeOf(i: number): number {
    return this.times[i]!;
  }

  private eventTime(event: EcsEvent): number {
    let time = isoMillis(event['@timestamp']);
    if (!Number.isFinite(time)) time = isoMillis(event.event.created);
    if (!Number.isFinite(time)) time = this.watermark;
    const earliest = this.watermark - this.options.outOfOrderToleranceMs;
    if (time < earliest) time = earliest;
    if (time > this.watermark) this.watermark = time;
    return time;
  }

  /** Decides the family of event `i` and queues its window operations. */
  private plan(event: EcsEvent, i: number): void {
    const time = this.eventTime(event);
    this.times[i] = time;
    const kind = kindOf(event);
    this.kinds[i] = kind;
    const ops = this.ops;
    const base = i * OPS_PER_EVENT;
    let ip = event.source?.ip;
    const user = event.user?.name;
    const amount = event.event.count ?? 1;
    this.travels[i] = undefined;
    switch (kind) {
      case Kind.AuthFailure: {
        const attempts = this.attempts.newAttempts(event, time);
        ip = this.attempts.lastIp;
        if (ip !== undefined) {
          this.opIndex[base + Op.AuthFailIp] = ops.add(SLOT.auth_fail_by_ip, 'i:' + ip, '', time, attempts);
          this.opIndex[base + Op.AuthFailIpDay] = ops.add(SLOT.auth_fail_by_ip_day, 'i:' + ip, '', time, attempts);
          if (user !== undefined) {
            this.opIndex[base + Op.UsersTriedIp] = ops.add(SLOT.users_tried_by_ip, 'i:' + ip, user, time, 1);
            // Names that do not exist here (admin, test, oracle...) are what the internet tries
            // everywhere; many addresses failing for a real account is a targeted attack.
            if (event.labels?.invalid_user !== 'true')
              this.opIndex[base + Op.FailIpsUser] = ops.add(SLOT.fail_ips_by_user, 'u:' + user, ip, time, 1);
          }
        }
        break;
      }
      case Kind.AuthSuccess: {
        if (ip !== undefined) this.opIndex[base + Op.AuthFailIp] = ops.add(SLOT.auth_fail_by_ip, 'i:' + ip, '', time, 0);
        const hour = this.hours.hourOf(time);
        const network = ip === undefined ? undefined : networkOf(ip);
        if (network !== undefined) this.opIndex[base + Op.OrgNet] = ops.add(SLOT.seen_login_net, network, '', time, 1);
        if (user !== undefined) {
          if (ip !== undefined) {
            this.opIndex[base + Op.SeenUserIp] = ops.add(SLOT.seen_user_ip, user + '|' + ip, '', time, 1);
            this.opIndex[base + Op.SeenUserNet] = ops.add(SLOT.seen_user_net, user + '|' + network, '', time, 1);
          }
          this.opIndex[base + Op.UserHour] = ops.add(SLOT.hour_profile_by_user, user, '', time, hour);
          this.opIndex[base + Op.Admin] = ops.add(SLOT.seen_admin, user, '', time, 0);
        }
        this.planHost(event, base, time, hour);
        this.planGeo(event, base, time, user, i);
        break;
      }
      case Kind.Firewall:
        if (ip !== undefined && event.event.type?.includes('denied') === true) {
          const port = event.destination?.port;
          if (port !== undefined) {
            this.opIndex[base + FirewallOp.Ports] = ops.add(SLOT.ports_by_ip, 'i:' + ip, String(port), time, 1);
          }
          const target = event.destination?.ip;
          if (target !== undefined) this.opIndex[base + FirewallOp.Hosts] = ops.add(SLOT.hosts_by_ip, 'i:' + ip, target, time, 1);
        }
        break;
      case Kind.Web:
        if (ip !== undefined) {
          const status = event.http?.response?.status_code ?? 0;
          const path = foldPath(event.url?.path ?? event.url?.original ?? '');
          this.opIndex[base + WebOp.Paths] = ops.add(SLOT.web_paths_by_ip, 'i:' + ip, path, time, 1);
          // Read with the error it counts: a request answered without error shows 0.
          if (status >= 400) this.opIndex[base + WebOp.ErrorPaths] = ops.add(SLOT.web_error_paths_by_ip, 'i:' + ip, path, time, 1);
          if (isPathTraversal(normaliseUrl(event.url?.original ?? '')))
            this.opIndex[base + WebOp.Probes] = ops.add(SLOT.probes_by_ip, 'i:' + ip, '', time, amount);
          if (event.http?.request?.method === 'POST') {
            this.opIndex[base + WebOp.LoginFailures] = ops.add(
              SLOT.web_login_fail_by_ip,
              'i:' + ip,
              '',
              time,
              status === 401 || status === 403 ? amount : 0,
            );
          }
        }
        break;
      case Kind.Privilege: {
        const action = event.event.action;
        if (user !== undefined) {
          if (action === ACTIONS.sudoIncorrectPassword || (action === ACTIONS.switchUser && event.event.outcome === 'failure')) {
            this.opIndex[base + SudoOp.Failures] = ops.add(SLOT.sudo_fail_by_user, 'u:' + user, '', time, amount);
          } else {
            this.opIndex[base + SudoOp.Failures] = ops.add(SLOT.sudo_fail_by_user, 'u:' + user, '', time, 0);
          }
          if (action === ACTIONS.sudoCommand && event.event.outcome !== 'failure') ops.add(SLOT.seen_admin, user, '', time, 1);
        }
        if (action === ACTIONS.userAddedToGroup && event.group?.name !== undefined && ADMIN_GROUPS.has(event.group.name)) {
          const target = event.user?.target?.name;
          if (target !== undefined) ops.add(SLOT.seen_admin, target, '', time, 1);
        }
        this.planHost(event, base, time, this.hours.hourOf(time));
        break;
      }
      default:
        break;
    }
    this.sources[i] = ip;
    if (ip !== undefined) this.opIndex[base + Op.SeenIp] = ops.add(SLOT.seen_ip, ip, '', time, 1);
  }

  /** Where a successful login comes from: its country and network owner for the user and the host, and the travel. */
  private planGeo(event: EcsEvent, base: number, time: number, user: string | undefined, i: number): void {
    const country = event.source?.geo?.country_iso_code;
    const asn = event.source?.as?.number;
    const ops = this.ops;
    if (user !== undefined) {
      if (country !== undefined)
        this.opIndex[base + Op.SeenUserCountry] = ops.add(SLOT.seen_user_country, user + '|' + country, '', time, 1);
      if (asn !== undefined) this.opIndex[base + Op.SeenUserAsn] = ops.add(SLOT.seen_user_asn, user + '|' + asn, '', time, 1);
      const travel = this.travel.observe(event, user, time);
      this.travels[i] = travel;
      if (travel !== undefined && isImpossible(travel, this.travelSpeedKmh)) {
        // Flagged once per pair of places in the horizon: a VPN flapping between two exits is not news twice.
        const pair =
          travel.fromCountry < travel.toCountry ? travel.fromCountry + '|' + travel.toCountry : travel.toCountry + '|' + travel.fromCountry;
        this.opIndex[base + Op.SeenUserTravel] = ops.add(SLOT.seen_user_travel, user + '|' + pair, '', time, 1);
      }
    }
    const host = event.host?.hostname;
    if (host !== undefined && country !== undefined) {
      this.opIndex[base + Op.HostCountry] = ops.add(SLOT.logins_by_host_country, host + '|' + country, '', time, 1);
      this.opIndex[base + Op.HostGeo] = ops.add(SLOT.geo_logins_by_host, host, '', time, 1);
    }
  }

  private planHost(event: EcsEvent, base: number, time: number, hour: number): void {
    const host = event.host?.hostname;
    if (host !== undefined) this.opIndex[base + Op.HostHour] = this.ops.add(SLOT.hour_profile_by_host, host, '', time, hour);
  }

  private result(i: number, op: number, window: number): number {
    const index = this.opIndex[i * OPS_PER_EVENT + op]!;
    return index < 0 ? 0 : this.ops.result(index, window);
  }

  private has(i: number, op: number): boolean {
    return this.opIndex[i * OPS_PER_EVENT + op]! >= 0;
  }

  private fill(event: EcsEvent, i: number, out: Float32Array, row: number): void {
    const kind = this.kinds[i]!;
    if (this.has(i, Op.SeenIp)) out[row + F.new_ip] = this.result(i, Op.SeenIp, 0) === 0 ? 1 : 0;
    switch (kind) {
      case Kind.AuthFailure:
      case Kind.AuthSuccess:
      case Kind.AuthOther:
        out[row + F.is_auth] = 1;
        break;
      case Kind.Firewall:
        out[row + F.is_firewall] = 1;
        break;
      case Kind.Web:
        out[row + F.is_web] = 1;
        break;
      case Kind.Privilege:
        out[row + F.is_privilege] = 1;
        break;
    }
    if (kind === Kind.AuthFailure) {
      out[row + F.auth_failure] = 1;
      out[row + F.auth_fail_ip_1m] = this.result(i, Op.AuthFailIp, 0);
      out[row + F.auth_fail_ip_10m] = this.result(i, Op.AuthFailIp, 1);
      out[row + F.auth_fail_ip_1h] = this.result(i, Op.AuthFailIp, 2);
      out[row + F.auth_fail_ip_24h] = this.result(i, Op.AuthFailIpDay, 0);
      out[row + F.auth_fail_ip_7d] = this.result(i, Op.AuthFailIpDay, 1);
      out[row + F.users_tried_ip_1h] = this.result(i, Op.UsersTriedIp, 0);
      out[row + F.users_tried_ip_24h] = this.result(i, Op.UsersTriedIp, 1);
      const failIps1h = this.result(i, Op.FailIpsUser, 0);
      out[row + F.fail_ips_user_1h] = failIps1h;
      out[row + F.fail_ips_user_surge] = Math.max(0, Math.round(failIps1h - this.result(i, Op.FailIpsUser, 1) / 24));
    } else if (kind === Kind.AuthSuccess) {
      out[row + F.failure_burst_before_success] = Math.max(0, this.result(i, Op.AuthFailIp, 2) - TYPO_ALLOWANCE);
      // A user we know nothing about has no usual IP yet: novelty needs some history.
      if (this.has(i, Op.SeenUserIp) && this.result(i, Op.UserHour, 1) >= MIN_HISTORY_FOR_NOVELTY) {
        out[row + F.new_user_ip_login] = this.result(i, Op.SeenUserIp, 0) === 0 ? 1 : 0;
        out[row + F.new_user_net_login] = this.result(i, Op.SeenUserNet, 0) === 0 ? 1 : 0;
      }
      // Likewise a network nobody has logged in from is news only once the host has some history.
      if (this.has(i, Op.OrgNet) && this.has(i, Op.HostHour) && this.result(i, Op.HostHour, 1) >= MIN_HOST_HISTORY_FOR_NOVELTY) {
        out[row + F.new_org_net_login] = this.result(i, Op.OrgNet, 0) === 0 ? 1 : 0;
      }
      if (this.has(i, Op.SeenUserCountry) && this.result(i, Op.UserHour, 1) >= MIN_HISTORY_FOR_NOVELTY) {
        out[row + F.new_user_country_login] = this.result(i, Op.SeenUserCountry, 0) === 0 ? 1 : 0;
      }
      if (this.has(i, Op.SeenUserAsn) && this.result(i, Op.UserHour, 1) >= MIN_HISTORY_FOR_NOVELTY) {
        out[row + F.new_user_asn_login] = this.result(i, Op.SeenUserAsn, 0) === 0 ? 1 : 0;
      }
      if (this.has(i, Op.HostGeo)) {
        // Counts include this login; the share is of the logins before it.
        const before = this.result(i, Op.HostGeo, 0) - 1;
        if (before >= MIN_HOST_HISTORY_FOR_NOVELTY) {
          const share = (this.result(i, Op.HostCountry, 0) - 1 + 0.5) / (before + 1);
          out[row + F.login_country_rarity_host] = Math.min(MAX_RARITY, Math.max(0, -Math.log2(share)));
        }
      }
      if (this.has(i, Op.SeenUserTravel)) out[row + F.impossible_travel] = this.result(i, Op.SeenUserTravel, 0) === 0 ? 1 : 0;
      const hostProbability = this.hostHourProbability(i);
      out[row + F.activity_hour_rarity_host] = rarity(hostProbability);
      if (this.has(i, Op.UserHour)) {
        const inBin = this.result(i, Op.UserHour, 0);
        const total = this.result(i, Op.UserHour, 1);
        out[row + F.login_hour_rarity_user] = rarity((inBin + PRIOR_WEIGHT * hostProbability) / (total + PRIOR_WEIGHT));
      }
      out[row + F.privileged_user] = isPrivileged(event) || this.result(i, Op.Admin, 0) === 1 ? 1 : 0;
    } else if (kind === Kind.Firewall) {
      out[row + F.ports_ip_1m] = this.result(i, FirewallOp.Ports, 0);
      out[row + F.ports_ip_30m] = this.result(i, FirewallOp.Ports, 1);
      out[row + F.ports_ip_7d] = this.result(i, FirewallOp.Ports, 2);
      out[row + F.hosts_ip_30m] = Math.max(0, this.result(i, FirewallOp.Hosts, 0) - SERVICE_HOSTS_ALLOWANCE);
      out[row + F.hosts_ip_24h] = Math.max(0, this.result(i, FirewallOp.Hosts, 1) - SERVICE_HOSTS_ALLOWANCE);
    } else if (kind === Kind.Web) {
      out[row + F.web_paths_ip_10m] = this.result(i, WebOp.Paths, 0);
      out[row + F.web_error_paths_ip_10m] = this.result(i, WebOp.ErrorPaths, 0);
      out[row + F.web_error_paths_ip_24h] = this.result(i, WebOp.ErrorPaths, 1);
      out[row + F.probes_ip_24h] = this.result(i, WebOp.Probes, 0);
      out[row + F.web_login_fail_ip_1h] = Math.max(0, this.result(i, WebOp.LoginFailures, 0) - TYPO_ALLOWANCE);
      const normalised = normaliseUrl(event.url?.original ?? '');
      out[row + F.sqli_score] = sqlInjectionScore(normalised);
      out[row + F.path_traversal] = isPathTraversal(normalised) ? 1 : 0;
      out[row + F.scanner_user_agent] = isScannerUserAgent(event.user_agent?.original ?? '') ? 1 : 0;
    } else if (kind === Kind.Privilege) {
      const action = event.event.action;
      out[row + F.sudo_fail_user_1h] = this.result(i, SudoOp.Failures, 0);
      out[row + F.not_in_sudoers] = action === ACTIONS.sudoNotInSudoers ? 1 : 0;
      if (action === ACTIONS.userAddedToGroup && event.group?.name !== undefined && ADMIN_GROUPS.has(event.group.name)) {
        out[row + F.admin_group_added] = 1;
      }
      if (action === ACTIONS.userCreated) {
        out[row + F.account_created] = isSystemAccount(event) ? 0 : 1;
        out[row + F.account_created_uid0] = event.user?.target?.id === '0' ? 1 : 0;
      }
      out[row + F.activity_hour_rarity_host] = rarity(this.hostHourProbability(i));
    }
  }

  private hostHourProbability(i: number): number {
    if (!this.has(i, Op.HostHour)) return 1 / 24;
    return (this.result(i, Op.HostHour, 0) + 1) / (this.result(i, Op.HostHour, 1) + 24);
  }
}

/** -log2 of a probability against the uniform 1/24: 0 for a usual hour, up to MAX_RARITY. */
function rarity(probability: number): number {
  const r = -Math.log2(probability * 24);
  return r <= 0 ? 0 : Math.min(r, MAX_RARITY);
}

function kindOf(event: EcsEvent): Kind {
  const action = event.event.action;
  if (action === undefined) return Kind.Other;
  const category = event.event.category;
  if (action === ACTIONS.firewallPacket) return Kind.Firewall;
  if (action === ACTIONS.httpRequest) return Kind.Web;
  if (
    action === ACTIONS.sudoCommand ||
    action === ACTIONS.sudoIncorrectPassword ||
    action === ACTIONS.sudoNotInSudoers ||
    action === ACTIONS.sudoCommandNotAllowed ||
    action === ACTIONS.switchUser ||
    action === ACTIONS.userCreated ||
    action === ACTIONS.userAddedToGroup ||
    action === ACTIONS.passwordChanged ||
    action === ACTIONS.userChanged
  ) {
    return Kind.Privilege;
  }
  if (category?.includes('authentication')) {
    // PAM repeats for sudo and su the failure they log themselves (privilege events); for sshd
    // the attempt correlator counts each attempt once, whichever forms the build logs.
    if (action.startsWith('pam-') && !isSshProcess(event)) {
      const process = event.process?.name ?? '';
      if (process.startsWith('sudo') || process === 'su') return Kind.AuthOther;
    }
    if (event.event.outcome === 'failure') return Kind.AuthFailure;
    if (event.event.outcome === 'success') return Kind.AuthSuccess;
    return Kind.AuthOther;
  }
  return Kind.Other;
}

/**
 * An account a package's maintainer script created: a system UID and, when the line says, a shell
 * that cannot log in. Informational; a UID-0 or login account is not.
 */
function isSystemAccount(event: EcsEvent): boolean {
  const uid = Number(event.user?.target?.id ?? NaN);
  if (!(uid > 0 && uid < FIRST_LOGIN_UID)) return false;
  const shell = event.labels?.shell;
  return shell === undefined || NO_LOGIN_SHELL.test(shell);
}

function isPrivileged(event: EcsEvent): boolean {
  const user = event.user;
  if (user === undefined) return false;
  if (user.id === '0' || user.target?.id === '0' || user.effective?.id === '0') return true;
  return (
    (user.name !== undefined && PRIVILEGED_NAMES.has(user.name)) ||
    (user.target?.name !== undefined && PRIVILEGED_NAMES.has(user.target.name))
  );
}

/** The /24 (IPv4) or /48 (IPv6) network of an address, as text. */
export function networkOf(ip: string): string {
  try {
    const address = ipaddr.process(ip);
    if (address.kind() === 'ipv4') {
      const o = (address as ipaddr.IPv4).octets;
      return `${o[0]}.${o[1]}.${o[2]}.0/24`;
    }
    const p = (address as ipaddr.IPv6).parts;
    return `${p[0]!.toString(16)}:${p[1]!.toString(16)}:${p[2]!.toString(16)}::/48`;
  } catch {
    return ip;
  }
}
