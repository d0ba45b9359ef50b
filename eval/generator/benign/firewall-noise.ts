/**
 * Stray packets from the internet that UFW blocks: mostly one packet from an address to a popular
 * port, sometimes a crawler (Shodan, Censys) touching a handful of ports.
 */
import type { AnyContext, GenerationContext } from '../context.js';
import type { Random } from '../random.js';
import { BENIGN } from '../log-stream.js';
import { arrivals } from '../arrivals.js';
import { seconds } from '../clock.js';
import { OPEN_PUBLIC_PORTS, PROBED_TCP_PORTS, PROBED_TCP_PORT_WEIGHTS, PROBED_UDP_PORTS } from '../catalog/ports.js';
import { firewallDestination, firewallOf, logBlockedPacket, packetSource, type Firewall } from '../sequences/firewall.js';

const SENDERS_PER_HOUR = 55;

/** Stray packets to `firewall`'s addresses from `sendersPerHour` internet senders; `open` ports pass. */
export function blockInternetNoise(
  ctx: AnyContext,
  rng: Random,
  firewall: Firewall,
  open: ReadonlySet<number>,
  sendersPerHour: number,
): void {
  for (const start of arrivals(rng, ctx.startTime, ctx.endTime, sendersPerHour, () => sendersPerHour)) {
    const ip = rng.chance(0.5) ? ctx.internet.scanner(rng, 0.06) : ctx.internet.visitor(rng, 0.06);
    const source = packetSource(rng, ip, rng.chance(0.6) ? 'scanner' : 'os');
    const destination = firewallDestination(rng, firewall, source);
    const packets = rng.weighted([1, 2, 3, 5], [70, 18, 8, 4]);
    let time = start;
    for (let i = 0; i < packets; i++) {
      if (rng.chance(0.12)) {
        logBlockedPacket(ctx, rng, firewall, time, source, destination, 'UDP', rng.pick(PROBED_UDP_PORTS), BENIGN);
      } else {
        const port = rng.weighted(PROBED_TCP_PORTS, PROBED_TCP_PORT_WEIGHTS);
        if (!open.has(port)) logBlockedPacket(ctx, rng, firewall, time, source, destination, 'TCP', port, BENIGN);
      }
      // A crawler's next port, or the same SYN retransmitted after 1 s, 3 s...
      time += seconds(rng.chance(0.5) ? rng.between(0.9, 3.2) : rng.between(5, 400));
    }
  }
}

export function generateFirewallNoise(ctx: GenerationContext, rng: Random): void {
  const firewall = firewallOf(ctx);
  if (firewall) blockInternetNoise(ctx, rng, firewall, OPEN_PUBLIC_PORTS, SENDERS_PER_HOUR);
}
