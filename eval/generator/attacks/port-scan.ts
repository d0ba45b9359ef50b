/**
 * Port scans against the company's public addresses, seen as UFW BLOCK lines on the firewall.
 * Fast: one address sweeps hundreds of ports within a minute (nmap/masscan defaults: one source
 * port, random port order, a retry for some unanswered ports). Slow: a few ports a minute for
 * half an hour or more, to stay under rate thresholds.
 */
import type { AnyContext, GenerationContext } from '../context.js';
import type { Random } from '../random.js';
import type { AttackGenerator, EpisodePlan, EpisodeSummary } from './episode.js';
import { minutes, seconds } from '../clock.js';
import { COMMON_SCAN_PORTS, OPEN_PUBLIC_PORTS } from '../catalog/ports.js';
import { firewallDestination, firewallOf, logBlockedPacket, packetSource, type Firewall } from '../sequences/firewall.js';

/** `count` distinct closed ports: the common ones first, then random others, in random order. */
function portsToScan(rng: Random, count: number, open: ReadonlySet<number>): number[] {
  const ports = new Set<number>();
  for (const port of COMMON_SCAN_PORTS) {
    if (ports.size >= count * 0.6) break;
    if (!open.has(port)) ports.add(port);
  }
  while (ports.size < count) {
    const port = rng.chance(0.7) ? rng.int(1, 10_000) : rng.int(10_001, 65_535);
    if (!open.has(port)) ports.add(port);
  }
  return rng.shuffle([...ports]);
}

function requireFirewall(ctx: GenerationContext): Firewall {
  const firewall = firewallOf(ctx);
  if (!firewall) throw new Error('port scans need a host with a firewall');
  return firewall;
}

/** A fast sweep of `firewall`'s closed ports; `open` ports answer, so UFW logs no block for them. */
export function fastScan(ctx: AnyContext, rng: Random, firewall: Firewall, open: ReadonlySet<number>, plan: EpisodePlan): EpisodeSummary {
  const source = packetSource(rng, ctx.internet.scanner(rng), 'scanner');
  const destination = firewallDestination(rng, firewall, source);
  const ports = portsToScan(rng, rng.int(200, 1000), open);
  const duration = seconds(rng.between(15, 60));
  const times = ports.map(() => plan.start + Math.round(rng.float() * duration)).sort((a, b) => a - b);
  ports.forEach((port, i) => {
    const time = times[i] ?? plan.start;
    logBlockedPacket(ctx, rng, firewall, time, source, destination, 'TCP', port, plan);
    // nmap probes an unanswered port once more before calling it filtered.
    if (rng.chance(0.2))
      logBlockedPacket(ctx, rng, firewall, time + seconds(rng.between(0.5, 1.5)), source, destination, 'TCP', port, plan);
  });
  return { source: source.ip, target: destination, detail: `${ports.length} ports in ${(duration / 1e6).toFixed(0)} s` };
}

/** A slow scan: a few ports a minute, to stay under rate thresholds. */
export function slowScan(ctx: AnyContext, rng: Random, firewall: Firewall, open: ReadonlySet<number>, plan: EpisodePlan): EpisodeSummary {
  const source = packetSource(rng, ctx.internet.scanner(rng), rng.chance(0.6) ? 'scanner' : 'os');
  const destination = firewallDestination(rng, firewall, source);
  const ports = portsToScan(rng, rng.int(30, 100), open);
  const duration = minutes(rng.between(30, 150));
  const meanGap = duration / ports.length;
  let time = plan.start;
  for (const port of ports) {
    logBlockedPacket(ctx, rng, firewall, time, source, destination, 'TCP', port, plan);
    time += Math.round(meanGap * rng.between(0.2, 1.8));
  }
  return { source: source.ip, target: destination, detail: `${ports.length} ports over ${((time - plan.start) / 6e7).toFixed(0)} min` };
}

export const portScanFast: AttackGenerator = (ctx, rng, plan) => fastScan(ctx, rng, requireFirewall(ctx), OPEN_PUBLIC_PORTS, plan);

export const portScanSlow: AttackGenerator = (ctx, rng, plan) => slowScan(ctx, rng, requireFirewall(ctx), OPEN_PUBLIC_PORTS, plan);
