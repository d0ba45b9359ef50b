import type { Command } from 'commander';
import { GeoEnricher } from '../collector/geo/enricher.js';
import { DEFAULT_GEOIP_CACHE_SIZE, EMBEDDED, GeoIp, type GeoIpOptions } from '../collector/geo/geoip.js';
import { MmdbSource } from '../collector/geo/mmdb-source.js';
import { parseBoolean, parsePositiveInt } from '../core/config-values.js';
import { ERROR_CODES, SiemadError } from '../core/errors.js';
import { addOptionTable, optional, withDefault, type OptionValues } from './option-table.js';

/** GeoIP settings shared by the commands that decode logs (serve, analyze, replay, features). */
const GEOIP = {
  geoip: withDefault({
    flag: '--geoip <bool>',
    env: 'SIEMAD_GEOIP',
    help: 'add source/destination .geo and .as (country, coordinates, network owner) to public addresses',
    parse: parseBoolean,
    default: true,
  }),
  geoipDb: optional({
    flag: '--geoip-db <file>',
    env: 'SIEMAD_GEOIP_DB',
    help: 'a Country or City .mmdb (GeoLite2, GeoIP2, DB-IP) to use instead of the embedded country database',
    shownDefault: 'embedded (ip-location-db geo-whois-asn-country)',
  }),
  geoipAsnDb: optional({
    flag: '--geoip-asn-db <file>',
    env: 'SIEMAD_GEOIP_ASN_DB',
    help: 'an ASN .mmdb (GeoLite2-ASN, DB-IP ASN) to use instead of the embedded ASN ranges',
    shownDefault: 'embedded (ip-location-db asn)',
  }),
  geoipCacheSize: withDefault({
    flag: '--geoip-cache-size <n>',
    env: 'SIEMAD_GEOIP_CACHE_SIZE',
    help: 'addresses whose lookup is cached (LRU)',
    parse: parsePositiveInt,
    default: DEFAULT_GEOIP_CACHE_SIZE,
  }),
} as const;

export type GeoIpFlags = OptionValues<typeof GEOIP>;

export function addGeoIpOptions(command: Command): Command {
  return addOptionTable(command, GEOIP);
}

/** Opens the databases; a file that is missing or not a MaxMind DB is a configuration error. */
export function openGeoIp(flags: GeoIpFlags): GeoIp | undefined {
  if (!flags.geoip) return undefined;
  const geo = openDatabase(flags.geoipDb ?? EMBEDDED.geo(), '--geoip-db');
  const asn = flags.geoipAsnDb === undefined ? undefined : openDatabase(flags.geoipAsnDb, '--geoip-asn-db');
  return GeoIp.of(geo, asn, flags.geoipCacheSize);
}

function openDatabase(file: string, setting: string): MmdbSource {
  try {
    return MmdbSource.open(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message.split('\n')[0];
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `${setting} ${file}: not a readable MaxMind DB (${reason})`, setting, { cause: err });
  }
}

/** The databases the flags name, for a thread that opens its own (undefined: GeoIP off). */
export function geoIpOptionsOf(flags: GeoIpFlags): GeoIpOptions | undefined {
  if (!flags.geoip) return undefined;
  return {
    ...(flags.geoipDb !== undefined ? { geoDb: flags.geoipDb } : {}),
    ...(flags.geoipAsnDb !== undefined ? { asnDb: flags.geoipAsnDb } : {}),
    cacheSize: flags.geoipCacheSize,
  };
}

export function createGeoEnricher(flags: GeoIpFlags): GeoEnricher[] {
  const geoIp = openGeoIp(flags);
  return geoIp === undefined ? [] : [new GeoEnricher(geoIp)];
}
