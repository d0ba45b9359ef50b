/**
 * UFW on mx1 and app1 (each VPS guards itself; printk times before `[UFW BLOCK]`). Besides the
 * internet's stray packets, it drops the studio's own people's packets: a browser's or mail
 * app's late FIN, ACK or RST after the connection's state expired, a phone whose mail app is set
 * to plain IMAP (143, closed) retrying its connection every half hour, and browsers
 * trying http:// (80, closed on mx1) before https. Repeated packets to one or two ports from
 * one's own users: not a scan.
 */
import type { GenerationContext, HostRuntime } from '../../context.js';
import type { Random } from '../../random.js';
import { BENIGN } from '../../log-stream.js';
import { LocalClock, MICROS_PER_DAY, hours, minutes, seconds } from '../../clock.js';
import { arrivals } from '../../arrivals.js';
import { isIpv6 } from '../../internet.js';
import { logBlockedPacket, packetSource, type Firewall, type TcpSegment } from '../../sequences/firewall.js';
import { clientPort } from '../../sequences/ssh.js';
import { blockInternetNoise } from '../../benign/firewall-noise.js';
import type { Agency, Site2Host, StaffMember } from '../organization.js';
import type { OnlineInterval } from './online-time.js';

type Context = GenerationContext<Agency>;

const INTERNET_SENDERS_PER_HOUR = 22;
/** Late segments per hour of a laptop's online time, and of a phone's waking time. */
const LAPTOP_LATE_PER_HOUR = 1.6;
const PHONE_LATE_PER_HOUR = 0.8;
/** A phone's plain-IMAP check: every half hour, five SYNs (Linux's 1 s, 2 s, 4 s, 8 s backoff). */
const IMAP_RETRY_EVERY = minutes(30);
const SYN_BACKOFF_SECONDS = [0, 1, 3, 7, 15];

const LATE_SEGMENTS: readonly TcpSegment[] = [
  { flags: 'ACK FIN', length: 52 },
  { flags: 'ACK PSH FIN', length: 83 },
  { flags: 'ACK PSH', length: 116 },
  { flags: 'ACK RST', length: 40 },
  { flags: 'RST', length: 40 },
];
const LATE_SEGMENT_WEIGHTS = [40, 10, 20, 15, 15];

export function hostFirewall(host: HostRuntime<Site2Host>): Firewall {
  const { mac, ipv4, ipv6, bootTime } = host.spec;
  return { host, ownMac: mac.own, gatewayMac: mac.gateway, publicIpv4: [ipv4], publicIpv6: ipv6 ? [ipv6] : [], bootTime };
}

function destinationFor(firewall: Firewall, source: string): string | undefined {
  return isIpv6(source) ? firewall.publicIpv6[0] : firewall.publicIpv4[0];
}

/** One connection's late segment, retransmitted once or twice when it is a FIN. */
function lateSegment(ctx: Context, rng: Random, firewall: Firewall, time: number, ip: string, port: number): void {
  const destination = destinationFor(firewall, ip);
  if (!destination) return;
  const source = packetSource(rng, ip, 'os');
  const segment = rng.weighted(LATE_SEGMENTS, LATE_SEGMENT_WEIGHTS);
  const sourcePort = clientPort(rng);
  const copies = segment.flags.includes('FIN') ? rng.weighted([1, 2, 3], [5, 3, 2]) : 1;
  let at = time;
  for (let i = 0; i < copies; i++) {
    logBlockedPacket(ctx, rng, firewall, at, source, destination, 'TCP', port, BENIGN, { ...segment, sourcePort });
    at += seconds(rng.between(0.2, 0.5) * 2 ** i);
  }
}

/** SYNs to a closed port, retransmitted with the client's backoff until it gives up. */
function refusedConnection(ctx: Context, rng: Random, firewall: Firewall, time: number, ip: string, port: number, attempts: number): void {
  const destination = destinationFor(firewall, ip);
  if (!destination) return;
  const source = packetSource(rng, ip, 'os');
  const sourcePort = clientPort(rng);
  for (let i = 0; i < attempts; i++) {
    const length = source.synLength;
    logBlockedPacket(
      ctx,
      rng,
      firewall,
      time + seconds((SYN_BACKOFF_SECONDS[i] ?? 15) + rng.between(0, 0.05)),
      source,
      destination,
      'TCP',
      port,
      BENIGN,
      { flags: 'SYN', length, sourcePort },
    );
  }
}

/** Where a person's phone is online during the day: on home Wi-Fi, else a carrier session. */
function phoneSegments(
  rng: Random,
  member: StaffMember,
  laptop: readonly OnlineInterval[],
  day: number,
): { start: number; end: number; address: string }[] {
  const segments: { start: number; end: number; address: string }[] = [];
  const end = day + hours(23.5);
  for (let start = day + hours(rng.between(7, 8.5)); start < end; ) {
    const until = Math.min(end, start + minutes(rng.between(30, 120)));
    const atHome =
      laptop.some((interval) => interval.place === 'home' && interval.start <= start && start < interval.end) || start > day + hours(21);
    segments.push({ start, end: until, address: atHome ? member.home.at(start) : member.carrier.sessionAddress(rng) });
    start = until;
  }
  return segments;
}

function staffPackets(
  ctx: Context,
  rng: Random,
  member: StaffMember,
  laptop: readonly OnlineInterval[],
  mail: Firewall,
  apps: Firewall | undefined,
): void {
  for (const interval of laptop) {
    for (const time of arrivals(rng, interval.start, interval.end, LAPTOP_LATE_PER_HOUR, () => LAPTOP_LATE_PER_HOUR)) {
      const target = apps && member.projectApp && rng.chance(0.4) ? apps : mail;
      lateSegment(ctx, rng, target, time, interval.address, 443);
    }
  }
  const clock = new LocalClock(member.utcOffsetMinutes);
  for (let day = clock.dayStart(ctx.startTime); day < ctx.endTime; day += MICROS_PER_DAY) {
    for (const segment of phoneSegments(rng, member, laptop, day)) {
      for (const time of arrivals(rng, segment.start, segment.end, PHONE_LATE_PER_HOUR, () => PHONE_LATE_PER_HOUR))
        lateSegment(ctx, rng, mail, time, segment.address, 993);
      if (member.phoneImapPort !== 143) continue;
      for (
        let time = segment.start + seconds(rng.between(0, 1800));
        time < segment.end;
        time += IMAP_RETRY_EVERY + seconds(rng.between(-20, 20))
      ) {
        refusedConnection(ctx, rng, mail, time, segment.address, 143, SYN_BACKOFF_SECONDS.length);
      }
    }
    // Typed without https:// once in a while; the browser gives up on 80 and tries 443.
    const today = laptop.filter((interval) => interval.day === day);
    if (today.length > 0 && rng.chance(0.2)) {
      const interval = rng.pick(today);
      refusedConnection(
        ctx,
        rng,
        mail,
        interval.start + Math.round(rng.float() * (interval.end - interval.start)),
        interval.address,
        80,
        3,
      );
    }
  }
}

export function generateSite2Firewall(ctx: Context, rng: Random, online: ReadonlyMap<string, readonly OnlineInterval[]>): void {
  const guarded = ctx.hostsWhere((spec) => spec.ufw);
  for (const host of guarded)
    blockInternetNoise(ctx, rng.fork(`internet/${host.name}`), hostFirewall(host), host.spec.openPorts, INTERNET_SENDERS_PER_HOUR);
  const mailHost = guarded.find((host) => host.spec.role === 'mail');
  const appsHost = guarded.find((host) => host.spec.role === 'apps');
  if (!mailHost) return;
  const mail = hostFirewall(mailHost);
  const apps = appsHost ? hostFirewall(appsHost) : undefined;
  for (const member of ctx.org.staff)
    staffPackets(ctx, rng.fork(`staff/${member.name}`), member, online.get(member.name) ?? [], mail, apps);
}
