import ipaddr from 'ipaddr.js';

/**
 * Where an address lives. Only `public` addresses are looked up: the others are the site's own
 * (private, carrier-grade NAT, unique local), the host itself (loopback), a link, documentation
 * examples (RFC 5737, RFC 3849), or no single host at all (multicast, broadcast, reserved).
 */
export type AddressScope = 'public' | 'private' | 'loopback' | 'link_local' | 'documentation' | 'reserved' | 'invalid';

const DOCUMENTATION: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][] = [
  ipaddr.parseCIDR('192.0.2.0/24'),
  ipaddr.parseCIDR('198.51.100.0/24'),
  ipaddr.parseCIDR('203.0.113.0/24'),
  ipaddr.parseCIDR('2001:db8::/32'),
];

/** The scope of an address in text form; `invalid` when it does not parse. */
export function addressScope(text: string): AddressScope {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process(): an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it carries.
    address = ipaddr.process(text);
  } catch {
    return 'invalid';
  }
  switch (address.range()) {
    case 'unicast':
      return 'public';
    case 'private':
    case 'uniqueLocal':
    case 'carrierGradeNat':
      return 'private';
    case 'loopback':
      return 'loopback';
    case 'linkLocal':
      return 'link_local';
    default:
      for (const [network, bits] of DOCUMENTATION) {
        if (network.kind() === address.kind() && address.match(network, bits)) return 'documentation';
      }
      return 'reserved';
  }
}
