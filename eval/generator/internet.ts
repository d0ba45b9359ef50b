/**
 * Internet addresses. Scanning and attack traffic comes from a limited set of networks (hosting
 * providers, compromised hosts), a few of them very busy; ordinary visitors come from anywhere.
 * Attack episodes and background noise draw from the same scanning pool, so an address's network
 * says nothing about whether a line is part of an attack.
 */
import ipaddr from 'ipaddr.js';
import type { Random } from './random.js';
import { EMBEDDED } from '../../collector/geo/geoip.js';
import { MmdbSource } from '../../collector/geo/mmdb-source.js';

let countries: MmdbSource | undefined;

/** The country the shipped GeoIP database places an address in (what the collector will say). */
export function countryOf(address: string): string | undefined {
  countries ??= MmdbSource.open(EMBEDDED.geo());
  return countries.lookup(address)?.countryIsoCode;
}

/** Draws until `draw` gives a value whose addresses the shipped database places in `country`. */
function inCountry<T>(country: string | undefined, draw: () => T, addresses: (value: T) => readonly string[]): T {
  for (;;) {
    const value = draw();
    if (country === undefined || addresses(value).every((address) => countryOf(address) === country)) return value;
  }
}

/** Real provider allocations (hosting and large ISPs), for IPv6 sources. */
const IPV6_PROVIDER_PREFIXES: readonly (readonly [number, number])[] = [
  [0x2a01, 0x04f8], // Hetzner
  [0x2001, 0x41d0], // OVH
  [0x2604, 0xa880], // DigitalOcean
  [0x2a03, 0xb0c0], // DigitalOcean
  [0x2600, 0x3c00], // Akamai/Linode
  [0x2001, 0x19f0], // Vultr
  [0x2406, 0xda18], // AWS
  [0x240e, 0x0390], // China Telecom
  [0x2408, 0x8207], // China Unicom
  [0x2a02, 0xc207], // Contabo
];

const SCANNING_IPV4_NETWORKS = 700;
const SCANNING_IPV6_NETWORKS = 60;

function randomPublicIpv4(rng: Random): ipaddr.IPv4 {
  for (;;) {
    const address = new ipaddr.IPv4([rng.int(1, 223), rng.int(0, 255), rng.int(0, 255), rng.int(1, 254)]);
    if (address.range() === 'unicast') return address;
  }
}

function randomInterfaceId(rng: Random): number[] {
  // Servers often have small static interface IDs (::1, ::2a); clients SLAAC-random ones.
  if (rng.chance(0.4)) return [0, 0, 0, rng.int(1, 0xff)];
  return [rng.int(0, 0xffff), rng.int(0, 0xffff), rng.int(0, 0xffff), rng.int(1, 0xffff)];
}

export class InternetAddresses {
  private readonly ipv4Networks: (readonly number[])[] = [];
  private readonly ipv4Weights: number[] = [];
  private readonly ipv6Networks: (readonly number[])[] = [];

  constructor(rng: Random) {
    for (let rank = 1; rank <= SCANNING_IPV4_NETWORKS; rank++) {
      this.ipv4Networks.push(randomPublicIpv4(rng).octets.slice(0, 3));
      // Zipf-like: a few networks send much of the scanning traffic.
      this.ipv4Weights.push(1 / rank ** 0.8);
    }
    for (let i = 0; i < SCANNING_IPV6_NETWORKS; i++) {
      const [first, second] = rng.pick(IPV6_PROVIDER_PREFIXES);
      this.ipv6Networks.push([first, second, rng.int(0, 0xffff), rng.int(0, 0xffff)]);
    }
  }

  /** A source of scanning, brute-force or attack traffic. */
  scanner(rng: Random, ipv6Share = 0.05): string {
    if (rng.chance(ipv6Share)) {
      const network = rng.pick(this.ipv6Networks);
      return new ipaddr.IPv6([...network, ...randomInterfaceId(rng)]).toString();
    }
    const network = rng.weighted(this.ipv4Networks, this.ipv4Weights);
    for (;;) {
      const address = new ipaddr.IPv4([...network, rng.int(1, 254)]);
      if (address.range() === 'unicast') return address.toString();
    }
  }

  /** An ordinary client somewhere on the internet. */
  visitor(rng: Random, ipv6Share = 0.25): string {
    if (rng.chance(ipv6Share)) {
      const [first, second] = rng.pick(IPV6_PROVIDER_PREFIXES);
      return new ipaddr.IPv6([first, second, rng.int(0, 0xffff), rng.int(0, 0xffff), ...randomInterfaceId(rng)]).toString();
    }
    return randomPublicIpv4(rng).toString();
  }
}

/**
 * An invented public IPv4 block (`a.b.c.0/len`, 16 ≤ len ≤ 24) wholly in unicast space: the
 * network of an ISP, a mobile carrier's NAT pool, a VPN provider or a cloud.
 */
export function randomPublicIpv4Block(rng: Random, prefixLength: number, country?: string): string {
  if (!(prefixLength >= 16 && prefixLength <= 24)) throw new RangeError(`prefix length ${prefixLength} outside 16..24`);
  const size = 2 ** (32 - prefixLength);
  for (;;) {
    const start = randomPublicIpv4(rng).octets.reduce((value, octet) => value * 256 + octet, 0);
    const base = start - (start % size);
    const first = ipv4FromNumber(base);
    const last = ipv4FromNumber(base + size - 1);
    if (ipaddr.IPv4.parse(first).range() !== 'unicast' || ipaddr.IPv4.parse(last).range() !== 'unicast') continue;
    // With a country: the whole block there (its ends and middle), as an ISP's or carrier's pool is.
    if (country !== undefined && ![first, last, ipv4FromNumber(base + size / 2)].every((address) => countryOf(address) === country))
      continue;
    return `${first}/${prefixLength}`;
  }
}

/** An invented provider's IPv6 /32 (first two hextets), from the APNIC and RIPE allocations; with a country, one placed there. */
export function randomIpv6Provider(rng: Random, country?: string): [number, number] {
  return inCountry(
    country,
    (): [number, number] => [rng.pick([0x2401, 0x2403, 0x2405, 0x2409, 0x2a02, 0x2a05]), rng.int(0x0100, 0xfff0)],
    ([first, second]) => [`${first.toString(16)}:${second.toString(16)}::1`, `${first.toString(16)}:${second.toString(16)}:ffff::1`],
  );
}

/** A public IPv4 address the shipped database places in `country` (a traveller's hotel, an intruder's host). */
export function publicIpv4In(rng: Random, country: string): string {
  return inCountry(
    country,
    () => randomPublicIpv4(rng).toString(),
    (address) => [address],
  );
}

/** A client's SLAAC address in a random /64 of a provider's /32. */
export function ipv6InProvider(rng: Random, provider: readonly [number, number]): string {
  return new ipaddr.IPv6([
    ...provider,
    rng.int(0, 0xffff),
    rng.int(0, 0xffff),
    rng.int(0, 0xffff),
    rng.int(0, 0xffff),
    rng.int(0, 0xffff),
    rng.int(1, 0xffff),
  ]).toString();
}

function ipv4FromNumber(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** A random address inside an IPv4 CIDR block (for well-known crawler ranges). */
export function addressInIpv4Block(rng: Random, cidr: string): string {
  const [network, prefixLength] = ipaddr.IPv4.parseCIDR(cidr);
  const base = network.octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - prefixLength);
  const value = base - (base % size) + rng.int(1, Math.max(1, size - 2));
  return ipv4FromNumber(value);
}

export function isIpv6(address: string): boolean {
  return address.includes(':');
}

/** The fully expanded form the kernel's packet logger prints (`%pI6`). */
export function expandedIpv6(address: string): string {
  return ipaddr.IPv6.parse(address)
    .parts.map((part) => part.toString(16).padStart(4, '0'))
    .join(':');
}
