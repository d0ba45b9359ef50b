/**
 * Where site 2's people connect from. The studio has no office network: a home line gets a new
 * address from its ISP every few days; phones and hotspots go through a mobile carrier's
 * carrier-grade NAT (a new public address, or a new IPv6 /64, per session); the commercial VPN
 * the studio pays for exits from any address of its provider's /20; CI runners come from a
 * cloud's many blocks. All invented from the internet model; the studio's own fixed addresses
 * (servers, monitor, backup box, coworking space) are in documentation ranges.
 */
import type { Random } from '../random.js';
import { MICROS_PER_DAY } from '../clock.js';
import { addressInIpv4Block, ipv6InProvider, randomIpv6Provider, randomPublicIpv4Block } from '../internet.js';

/** Addresses drawn at random from a set of IPv4 blocks. */
export class AddressPool {
  constructor(readonly blocks: readonly string[]) {
    if (blocks.length === 0) throw new RangeError('an address pool needs at least one block');
  }

  pick(rng: Random): string {
    return addressInIpv4Block(rng, rng.pick(this.blocks));
  }
}

/** A mobile carrier: each data session leaves through its NAT pool, or natively over IPv6. */
export class MobileCarrier {
  private readonly nat: AddressPool;
  private readonly ipv6: readonly [number, number];

  constructor(
    rng: Random,
    readonly name: string,
    /** Share of sessions on IPv6 (the phone's own /64, new each session). */
    private readonly ipv6Share: number,
    country: string,
  ) {
    const blocks: string[] = [];
    for (let i = rng.int(3, 6); i > 0; i--) blocks.push(randomPublicIpv4Block(rng, rng.pick([20, 21, 22]), country));
    this.nat = new AddressPool(blocks);
    this.ipv6 = randomIpv6Provider(rng, country);
  }

  sessionAddress(rng: Random): string {
    return rng.chance(this.ipv6Share) ? ipv6InProvider(rng, this.ipv6) : this.nat.pick(rng);
  }
}

export class Isp {
  readonly pool: AddressPool;

  constructor(
    rng: Random,
    readonly name: string,
    country: string,
  ) {
    const blocks: string[] = [];
    for (let i = rng.int(4, 9); i > 0; i--) blocks.push(randomPublicIpv4Block(rng, rng.pick([16, 17, 18]), country));
    this.pool = new AddressPool(blocks);
  }
}

/** A home line: the ISP hands out a new address when the lease ends, every 1.5 to 6 days. */
export class HomeLine {
  private readonly leases: { until: number; address: string }[] = [];

  constructor(rng: Random, isp: Isp, start: number, end: number) {
    let until = start + Math.round(rng.between(0, 4) * MICROS_PER_DAY);
    this.leases.push({ until, address: isp.pool.pick(rng) });
    while (until < end) {
      until += Math.round(rng.between(1.5, 6) * MICROS_PER_DAY);
      this.leases.push({ until, address: isp.pool.pick(rng) });
    }
  }

  /** The line's address at `time` (the last lease's after the stream). */
  at(time: number): string {
    for (const lease of this.leases) if (time < lease.until) return lease.address;
    return (this.leases[this.leases.length - 1] as { address: string }).address;
  }
}

export interface RoamingNetworks {
  /** The studio's VPN provider: one /20, any exit address per connection. */
  vpn: AddressPool;
  carriers: MobileCarrier[];
  /** Home ISPs in India, and the contractor's in Portugal. */
  indianIsps: Isp[];
  portugueseIsp: Isp;
  /** The CI service's runners (a cloud's many blocks). */
  ciRunners: AddressPool;
  /** The coworking space some staff use on some days (documentation range: a named network). */
  coworking: string;
}

export function buildNetworks(rng: Random): RoamingNetworks {
  const ciBlocks: string[] = [];
  // Each network where its owner is (GeoIP says so): the cloud region in the US, the VPN's exits in India.
  for (let i = 0; i < 8; i++) ciBlocks.push(randomPublicIpv4Block(rng, 16, 'US'));
  return {
    vpn: new AddressPool([randomPublicIpv4Block(rng, 20, 'IN')]),
    carriers: [
      new MobileCarrier(rng.fork('carrier-a'), 'carrier-a', 0.45, 'IN'),
      new MobileCarrier(rng.fork('carrier-b'), 'carrier-b', 0.2, 'IN'),
    ],
    indianIsps: [
      new Isp(rng.fork('isp-a'), 'isp-a', 'IN'),
      new Isp(rng.fork('isp-b'), 'isp-b', 'IN'),
      new Isp(rng.fork('isp-c'), 'isp-c', 'IN'),
    ],
    portugueseIsp: new Isp(rng.fork('isp-pt'), 'isp-pt', 'PT'),
    ciRunners: new AddressPool(ciBlocks),
    coworking: '192.0.2.33',
  };
}
