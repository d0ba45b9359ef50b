/**
 * What every generator component works with: the site (company and hosts), the internet,
 * per-host PID and session counters, and the stream it emits lines into.
 */
import { IdSeries } from './process-ids.js';
import type { InternetAddresses } from './internet.js';
import type { LogStream, Origin } from './log-stream.js';
import type { Organization } from './organization.js';
import type { Random } from './random.js';
import { syslogTag } from './syslog-line.js';
import { DEFAULT_SSHD_DIALECT, type SshdDialect } from './sequences/sshd-dialects.js';

/** Linux's default pid_max on 64-bit systems. */
const PID_MAX = 4_194_304;

/** What every site's host description has. */
export interface HostSpec {
  name: string;
  /** Average PIDs consumed per second: how busy the host is. */
  pidsPerSecond: number;
  /** How this host's sshd writes logins; default: Debian/Ubuntu OpenSSH with passwords. */
  sshd?: SshdDialect;
  /** shadow 4.6 (RHEL/CentOS 7): `new user` lines without `from=`. */
  legacyShadow?: boolean;
}

/** A site: whatever organisation a generator describes, as long as it lists its hosts. */
export interface SiteHosts {
  readonly hosts: readonly HostSpec[];
}

export class HostRuntime<H extends HostSpec = HostSpec> {
  readonly pids: IdSeries;
  readonly loginSessions: IdSeries;
  /** systemd-logind runs for the whole stream under one PID. */
  readonly logindPid: number;

  constructor(
    readonly spec: H,
    rng: Random,
    startTime: number,
  ) {
    this.pids = new IdSeries(rng.fork('pids'), startTime, {
      first: rng.int(2_000, 400_000),
      perSecond: spec.pidsPerSecond,
      floor: 300,
      limit: PID_MAX,
    });
    this.loginSessions = new IdSeries(rng.fork('sessions'), startTime, {
      first: rng.int(1, 3_000),
      perSecond: 1 / 1_800,
      floor: 1,
      limit: 2 ** 31,
    });
    this.logindPid = rng.int(500, 1_200);
  }

  get name(): string {
    return this.spec.name;
  }

  get sshd(): SshdDialect {
    return this.spec.sshd ?? DEFAULT_SSHD_DIALECT;
  }
}

type HostOf<O extends SiteHosts> = O['hosts'][number];

export class GenerationContext<O extends SiteHosts = Organization> {
  private readonly hosts = new Map<string, HostRuntime<HostOf<O>>>();

  constructor(
    readonly rng: Random,
    readonly stream: LogStream,
    readonly org: O,
    readonly internet: InternetAddresses,
  ) {
    for (const spec of org.hosts) this.hosts.set(spec.name, new HostRuntime(spec, rng.fork(`host/${spec.name}`), stream.startTime));
  }

  get startTime(): number {
    return this.stream.startTime;
  }

  get endTime(): number {
    return this.stream.endTime;
  }

  host(name: string): HostRuntime<HostOf<O>> {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`unknown host ${name}`);
    return host;
  }

  hostsWhere(predicate: (spec: HostOf<O>) => boolean): HostRuntime<HostOf<O>>[] {
    return [...this.hosts.values()].filter((host) => predicate(host.spec));
  }

  /** The hosts' zone offset: access logs write their local time with it. */
  get utcOffsetMinutes(): number {
    return this.stream.utcOffsetMinutes;
  }

  /** Emits one line from `program` (with `pid` in its tag, unless the program logs without one). */
  log(time: number, host: HostRuntime, program: string, pid: number | undefined, message: string, origin: Origin): void {
    this.stream.emit(time, host.name, syslogTag(program, pid), message, origin);
  }
}

/** A context of any site, for the sequences and message writers every site shares. */
export type AnyContext = GenerationContext<SiteHosts>;
