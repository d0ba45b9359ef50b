/** Packets UFW drops on the firewall's internet interface, one kernel log line each. */
import type { AnyContext, GenerationContext, HostRuntime } from '../context.js';
import type { Origin } from '../log-stream.js';
import type { Random } from '../random.js';
import { isIpv6 } from '../internet.js';
import { ufwBlock } from '../messages/ufw.js';

/** What stays the same for all packets of one sender (its OS and tool). */
export interface PacketSource {
  ip: string;
  /** TTL (hop limit) as it arrives: the sender's initial TTL minus the hops to us. */
  ttl: number;
  window: number;
  /** SYN packet length: 40 bare, 44 with MSS only (scanners), 52 or 60 with full options (OSes). */
  synLength: number;
  dontFragment: boolean;
  /** Scanners reuse one source port; ordinary stacks pick a new one per connection. */
  fixedSourcePort?: number;
}

export interface Firewall {
  host: HostRuntime;
  ownMac: string;
  gatewayMac: string;
  publicIpv4: string[];
  publicIpv6: string[];
  /** When the host booted, for kernels that stamp each line with the seconds since (printk time). */
  bootTime?: number;
}

/** A packet other than a connection's first SYN: a late ACK/FIN, a reset, a retransmitted segment. */
export interface TcpSegment {
  /** In the kernel's order, e.g. `ACK FIN`, `ACK PSH`, `RST`. */
  flags: string;
  /** Packet length including the IP header. */
  length: number;
}

/** A typical sender: an OS stack (Linux, Windows) or a scanning tool. */
export function packetSource(rng: Random, ip: string, tool: 'os' | 'scanner'): PacketSource {
  const initialTtl = tool === 'scanner' ? rng.pick([64, 64, 128, 255]) : rng.pick([64, 64, 64, 128]);
  const ttl = initialTtl - rng.int(6, 26);
  if (tool === 'scanner') {
    return {
      ip,
      ttl,
      window: rng.pick([1024, 1024, 65535, 14600]),
      synLength: rng.pick([40, 44]),
      dontFragment: false,
      fixedSourcePort: rng.int(30_000, 65_000),
    };
  }
  return {
    ip,
    ttl,
    window: initialTtl === 128 ? 64240 : rng.pick([64240, 29200, 65535]),
    synLength: rng.pick([52, 60, 60]),
    dontFragment: true,
  };
}

export function firewallDestination(rng: Random, firewall: Firewall, source: PacketSource): string {
  return isIpv6(source.ip) ? rng.pick(firewall.publicIpv6) : rng.pick(firewall.publicIpv4);
}

export function logBlockedPacket(
  ctx: AnyContext,
  rng: Random,
  firewall: Firewall,
  time: number,
  source: PacketSource,
  destination: string,
  protocol: 'TCP' | 'UDP',
  destinationPort: number,
  origin: Origin,
  segment?: TcpSegment & { sourcePort: number },
): void {
  const v6 = isIpv6(source.ip);
  const message = ufwBlock({
    inInterface: 'eth0',
    ownMac: firewall.ownMac,
    gatewayMac: firewall.gatewayMac,
    source: source.ip,
    destination,
    protocol,
    sourcePort: segment?.sourcePort ?? source.fixedSourcePort ?? rng.int(1_024, 65_535),
    destinationPort,
    length: segment
      ? segment.length + (v6 ? 20 : 0)
      : protocol === 'TCP'
        ? source.synLength + (v6 ? 20 : 0)
        : rng.int(29, 480) + (v6 ? 40 : 20),
    ttl: source.ttl,
    id: rng.int(0, 65_535),
    dontFragment: source.dontFragment,
    window: source.window,
    flowLabel: rng.int(0, 0xfffff),
    ...(segment ? { tcpFlags: segment.flags } : {}),
    ...(firewall.bootTime === undefined ? {} : { uptimeSeconds: (time - firewall.bootTime) / 1e6 }),
  });
  ctx.log(time, firewall.host, 'kernel', undefined, message, origin);
}

export function firewallOf(ctx: GenerationContext): Firewall | undefined {
  const host = ctx.hostsWhere((spec) => spec.firewall)[0];
  if (!host) return undefined;
  const { firewallMac, publicIpv4, publicIpv6 } = ctx.org;
  return { host, ownMac: firewallMac.own, gatewayMac: firewallMac.gateway, publicIpv4, publicIpv6 };
}
