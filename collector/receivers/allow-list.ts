import ipaddr from 'ipaddr.js';

/**
 * Sender allow-list of CIDR networks. An empty list allows everyone. IPv4-mapped IPv6 addresses
 * (`::ffff:192.0.2.1`, as dual-stack sockets report IPv4 peers) match IPv4 networks.
 */
export class AllowList {
  private readonly v4: [ipaddr.IPv4, number][] = [];
  private readonly v6: [ipaddr.IPv6, number][] = [];
  /** Decisions per peer address; cleared when it reaches its bound. */
  private readonly cache = new Map<string, boolean>();
  private static readonly CACHE_LIMIT = 10_000;

  /** Throws an Error naming the first entry that is not a CIDR (or a bare address). */
  constructor(cidrs: readonly string[]) {
    for (const entry of cidrs) {
      const text = entry.trim();
      if (text === '') continue;
      let range: [ipaddr.IPv4 | ipaddr.IPv6, number];
      try {
        range = text.includes('/') ? ipaddr.parseCIDR(text) : singleAddress(text);
      } catch {
        throw new Error(`"${text}" is not a CIDR network such as 10.0.0.0/8 or 2001:db8::/32`);
      }
      const [addr, bits] = range;
      if (addr.kind() === 'ipv4') this.v4.push([addr as ipaddr.IPv4, bits]);
      else this.v6.push([addr as ipaddr.IPv6, bits]);
    }
  }

  get isOpen(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  allows(address: string | undefined): boolean {
    if (this.isOpen) return true;
    if (address === undefined) return false;
    const cached = this.cache.get(address);
    if (cached !== undefined) return cached;
    const decision = this.match(address);
    if (this.cache.size >= AllowList.CACHE_LIMIT) this.cache.clear();
    this.cache.set(address, decision);
    return decision;
  }

  private match(address: string): boolean {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(address);
    } catch {
      return false;
    }
    if (addr.kind() === 'ipv4') {
      const v4 = addr as ipaddr.IPv4;
      return this.v4.some(([net, bits]) => v4.match(net, bits));
    }
    const v6 = addr as ipaddr.IPv6;
    return this.v6.some(([net, bits]) => v6.match(net, bits));
  }
}

function singleAddress(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const addr = ipaddr.parse(text);
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}
