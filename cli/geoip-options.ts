import { Command } from 'commander';
import { GeoEnricher } from '../collector/geo/enricher.js';
import { DEFAULT_GEOIP_CACHE_SIZE, EMBEDDED, GeoIp } from '../collector/geo/geoip.js';
import { MmdbSource } from '../collector/geo/mmdb-source.js';
import { parseBoolean, parsePositiveInt } from '../pipeline/config-values.js';
import { ERROR_CODES, SiemadError } from '../pipeline/errors.js';
import { envOption } from './options.js';

/** GeoIP settings shared by the commands that decode logs (serve, analyze, replay, features). */
export interface GeoIpFlags {
  geoip: boolean;
  geoipDb?: string;
  geoipAsnDb?: string;
  geoipCacheSize: number;
}

export function addGeoIpOptions(command: Command): Command {
  return command
    .addOption(envOption('--geoip <bool>', 'SIEMAD_GEOIP', 'add source/destination .geo and .as (country, coordinates, network owner) to public addresses', parseBoolean, true))
    .addOption(envOption('--geoip-db <file>', 'SIEMAD_GEOIP_DB', 'a Country or City .mmdb (GeoLite2, GeoIP2, DB-IP) to use instead of the embedded country database', undefined, undefined, 'embedded (ip-location-db geo-whois-asn-country)'))
    .addOption(envOption('--geoip-asn-db <file>', 'SIEMAD_GEOIP_ASN_DB', 'an ASN .mmdb (GeoLite2-ASN, DB-IP ASN) to use instead of the embedded ASN ranges', undefined, undefined, 'embedded (ip-location-db asn)'))
    .addOption(envOption('--geoip-cache-size <n>', 'SIEMAD_GEOIP_CACHE_SIZE', 'addresses whose lookup is cached (LRU)', parsePositiveInt, DEFAULT_GEOIP_CACHE_SIZE));
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

export function createGeoEnricher(flags: GeoIpFlags): GeoEnricher[] {
  const geoIp = openGeoIp(flags);
  return geoIp === undefined ? [] : [new GeoEnricher(geoIp)];
}
