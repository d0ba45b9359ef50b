import fs from 'node:fs';
import { Reader, type Response } from 'mmdb-lib';

/**
 * One MaxMind-format database read with mmdb-lib. The record layouts this understands:
 * MaxMind GeoIP2 / GeoLite2 Country, City and ASN, DB-IP's Lite mmdb (the same layout), and the
 * flat layout of `@ip-location-db` (`country_code`; city: `city`, `latitude`, `longitude`).
 */
export interface MmdbFacts {
  countryIsoCode?: string;
  countryName?: string;
  continentCode?: string;
  cityName?: string;
  lat?: number;
  lon?: number;
  asNumber?: number;
  asOrganization?: string;
}

type Loose = Record<string, unknown>;

function object(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null ? (value as Loose) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function englishName(value: unknown): string | undefined {
  return text(object(object(value)?.names)?.en);
}

/** The facts of one record, whatever its layout. */
export function factsOf(record: Loose): MmdbFacts {
  const facts: MmdbFacts = {};
  const country = object(record.country) ?? object(record.registered_country);
  const code = text(country?.iso_code) ?? text(record.country_code);
  if (code !== undefined) facts.countryIsoCode = code.toUpperCase();
  const name = englishName(country);
  if (name !== undefined) facts.countryName = name;
  const continent = text(object(record.continent)?.code);
  if (continent !== undefined) facts.continentCode = continent;
  const city = englishName(record.city) ?? text(record.city);
  if (city !== undefined) facts.cityName = city;
  const location = object(record.location);
  const lat = finite(location?.latitude) ?? finite(record.latitude);
  const lon = finite(location?.longitude) ?? finite(record.longitude);
  if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
    facts.lat = lat;
    facts.lon = lon;
  }
  const asn = finite(record.autonomous_system_number);
  if (asn !== undefined && asn > 0) facts.asNumber = asn;
  const organization = text(record.autonomous_system_organization);
  if (organization !== undefined) facts.asOrganization = organization;
  return facts;
}

export class MmdbSource {
  private constructor(
    readonly path: string,
    private readonly reader: Reader<Response>,
  ) {}

  /** Opens a database file; throws when it is not a MaxMind DB. */
  static open(path: string): MmdbSource {
    return new MmdbSource(path, new Reader<Response>(fs.readFileSync(path)));
  }

  /** `GeoLite2-City`, `DBIP-Country-Lite`, `country`, ... as the file's metadata names it. */
  get databaseType(): string {
    return this.reader.metadata.databaseType;
  }

  get buildTime(): Date {
    return this.reader.metadata.buildEpoch;
  }

  lookup(ip: string): MmdbFacts | undefined {
    const record = this.reader.get(ip);
    return record === null ? undefined : factsOf(record as unknown as Loose);
  }
}
