import { createRequire } from 'node:module';
import ipaddr from 'ipaddr.js';
import type { EcsAs, EcsGeo } from '../ecs/event.js';
import { addressScope, type AddressScope } from './address-scope.js';
import { AsnRanges } from './asn-ranges.js';
import { countryFacts, countryName } from './countries.js';
import { LruCache } from './lru.js';
import { MmdbSource, type MmdbFacts } from './mmdb-source.js';

/**
 * Country, coordinates and network owner of an address, from MaxMind-format databases:
 * - location: `geoDb` (a GeoIP2/GeoLite2/DB-IP Country or City mmdb), by default the embedded
 *   `@ip-location-db/geo-whois-asn-country-mmdb` (country only: the country's centre stands for
 *   coordinates);
 * - network owner: `asnDb` (a GeoLite2-ASN or DB-IP ASN mmdb), by default the embedded
 *   `@ip-location-db/asn` ranges.
 * Only public addresses are looked up. Answers (misses too) are cached per address text in a
 * bounded LRU; the objects returned are shared between events and must not be modified.
 */
export interface GeoIpOptions {
  /** Country or City mmdb; undefined = the embedded country database. */
  geoDb?: string;
  /** ASN mmdb; undefined = the embedded ASN ranges. */
  asnDb?: string;
  /** Addresses whose answer is remembered. */
  cacheSize: number;
}

export interface GeoAnswer {
  readonly scope: AddressScope;
  readonly geo?: EcsGeo;
  readonly as?: EcsAs;
}

const require = createRequire(import.meta.url);

/** The embedded databases' files (npm dependencies; nothing is downloaded at run time). */
export const EMBEDDED = {
  geo: () => require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb'),
  asnIpv4: () => require.resolve('@ip-location-db/asn/asn-ipv4-num.csv'),
  asnIpv6: () => require.resolve('@ip-location-db/asn/asn-ipv6.csv'),
};

export const DEFAULT_GEOIP_CACHE_SIZE = 100_000;

/** Answers for scopes that are never looked up: one shared object each. */
const UNLOOKED: Record<Exclude<AddressScope, 'public'>, GeoAnswer> = {
  private: { scope: 'private' },
  loopback: { scope: 'loopback' },
  link_local: { scope: 'link_local' },
  documentation: { scope: 'documentation' },
  reserved: { scope: 'reserved' },
  invalid: { scope: 'invalid' },
};
const PUBLIC_UNKNOWN: GeoAnswer = { scope: 'public' };

export class GeoIp {
  private readonly cache: LruCache<string, GeoAnswer>;

  private constructor(
    private readonly geo: MmdbSource,
    private readonly asnMmdb: MmdbSource | undefined,
    private readonly asnRanges: AsnRanges | undefined,
    cacheSize: number,
  ) {
    this.cache = new LruCache(cacheSize);
  }

  static open(options: GeoIpOptions): GeoIp {
    return GeoIp.of(
      MmdbSource.open(options.geoDb ?? EMBEDDED.geo()),
      options.asnDb === undefined ? undefined : MmdbSource.open(options.asnDb),
      options.cacheSize,
    );
  }

  /** From opened databases; without `asn` the embedded ASN ranges are read. */
  static of(geo: MmdbSource, asn: MmdbSource | undefined, cacheSize: number): GeoIp {
    if (asn !== undefined) return new GeoIp(geo, asn, undefined, cacheSize);
    return new GeoIp(geo, undefined, AsnRanges.open(EMBEDDED.asnIpv4(), EMBEDDED.asnIpv6()), cacheSize);
  }

  /** What the databases are, for the start-up log line. */
  describe(): { geo: string; geoType: string; geoBuilt: string; asn: string } {
    return {
      geo: this.geo.path,
      geoType: this.geo.databaseType,
      geoBuilt: this.geo.buildTime.toISOString(),
      asn: this.asnMmdb?.path ?? 'embedded @ip-location-db/asn',
    };
  }

  get cacheStats(): { size: number; hits: number; misses: number } {
    return { size: this.cache.size, hits: this.cache.hits, misses: this.cache.misses };
  }

  lookup(ip: string): GeoAnswer {
    let answer = this.cache.get(ip);
    if (answer === undefined) {
      answer = this.resolve(ip);
      this.cache.set(ip, answer);
    }
    return answer;
  }

  private resolve(ip: string): GeoAnswer {
    const scope = addressScope(ip);
    if (scope !== 'public') return UNLOOKED[scope];
    let facts: MmdbFacts | undefined;
    let owner: { number: number; organization: string | undefined } | undefined;
    try {
      // An IPv4-mapped IPv6 address is looked up as the IPv4 address it carries.
      const address = ipaddr.process(ip);
      const text = address.toString();
      facts = this.geo.lookup(text);
      if (this.asnMmdb !== undefined) {
        const asn = this.asnMmdb.lookup(text);
        if (asn?.asNumber !== undefined) owner = { number: asn.asNumber, organization: asn.asOrganization };
      } else if (address.kind() === 'ipv4') {
        const o = (address as ipaddr.IPv4).octets;
        owner = this.asnRanges!.lookupIpv4(((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0);
      } else {
        owner = this.asnRanges!.lookupIpv6((address as ipaddr.IPv6).parts);
      }
    } catch {
      return PUBLIC_UNKNOWN;
    }
    const geo = geoOf(facts);
    if (geo === undefined && owner === undefined) return PUBLIC_UNKNOWN;
    const answer: { scope: AddressScope; geo?: EcsGeo; as?: EcsAs } = { scope };
    if (geo !== undefined) answer.geo = geo;
    if (owner !== undefined)
      answer.as =
        owner.organization !== undefined ? { number: owner.number, organization: { name: owner.organization } } : { number: owner.number };
    return answer;
  }
}

function geoOf(facts: MmdbFacts | undefined): EcsGeo | undefined {
  const code = facts?.countryIsoCode;
  if (facts === undefined || code === undefined) return undefined;
  const known = countryFacts(code);
  const geo: EcsGeo = { country_iso_code: code };
  const name = facts.countryName ?? countryName(code);
  if (name !== undefined) geo.country_name = name;
  const continent = facts.continentCode ?? known?.continent;
  if (continent !== undefined) geo.continent_code = continent;
  if (facts.cityName !== undefined) geo.city_name = facts.cityName;
  if (facts.lat !== undefined && facts.lon !== undefined) geo.location = { lat: facts.lat, lon: facts.lon };
  else if (known !== undefined) geo.location = { lat: known.lat, lon: known.lon };
  return geo;
}
