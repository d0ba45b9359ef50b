import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { EcsEvent } from '../../../collector/ecs/event.js';
import { addressScope } from '../../../collector/geo/address-scope.js';
import { GeoEnricher } from '../../../collector/geo/enricher.js';
import { EMBEDDED, GeoIp } from '../../../collector/geo/geoip.js';
import { MmdbSource } from '../../../collector/geo/mmdb-source.js';
import { countryCodes, countryName, distanceKm } from '../../../collector/geo/countries.js';
import { openGeoIp } from '../../../cli/geoip-options.js';

// Public resolvers and registries whose owners are stable facts, not corpus addresses.
const KNOWN = [
  { ip: '8.8.8.8', country: 'US', asn: 15169, org: /Google/ },
  { ip: '9.9.9.9', country: 'US', asn: 19281, org: /Quad9/ },
  { ip: '193.0.14.129', country: 'NL', asn: 25152, org: /RIPE/ },
  { ip: '77.88.8.8', country: 'RU', asn: 13238, org: /YANDEX/i },
  { ip: '2001:4860:4860::8888', country: 'US', asn: 15169, org: /Google/ },
  { ip: '2a01:4f8::1', country: 'DE', asn: 24940, org: /Hetzner/ },
  { ip: '240e:390::1', country: 'CN', asn: 4134, org: /Chinanet/i },
];

const geoIp = GeoIp.open({ cacheSize: 64 });

t.test(
  'looks up country, continent, coordinates and network owner of public IPv4 and IPv6 addresses in the shipped databases',
  async (t) => {
    for (const known of KNOWN) {
      const answer = geoIp.lookup(known.ip);
      t.equal(answer.scope, 'public', known.ip);
      t.equal(answer.geo?.country_iso_code, known.country, `${known.ip} country`);
      t.equal(answer.geo?.country_name, countryName(known.country), `${known.ip} country name`);
      t.match(answer.geo?.continent_code, /^(AF|AN|AS|EU|NA|OC|SA)$/, `${known.ip} continent`);
      t.ok(answer.geo?.location !== undefined, `${known.ip} location (country centre)`);
      t.equal(answer.as?.number, known.asn, `${known.ip} AS number`);
      t.match(answer.as?.organization?.name, known.org, `${known.ip} AS organisation`);
    }
    t.equal(geoIp.lookup('::ffff:8.8.8.8').geo?.country_iso_code, 'US', 'an IPv4-mapped IPv6 address is looked up as its IPv4 address');
  },
);

t.test('private, loopback, link-local, documentation and reserved addresses are classified and not looked up', async (t) => {
  const cases: [string, string][] = [
    ['10.1.2.3', 'private'],
    ['172.16.0.9', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12:3456::1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.10.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['192.0.2.10', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::5', 'documentation'],
    ['224.0.0.1', 'reserved'],
    ['0.0.0.0', 'reserved'],
    ['not-an-ip', 'invalid'],
  ];
  for (const [ip, scope] of cases) {
    t.equal(addressScope(ip), scope, ip);
    const answer = geoIp.lookup(ip);
    t.equal(answer.scope, scope, ip);
    t.equal(answer.geo, undefined, `${ip} has no geo`);
    t.equal(answer.as, undefined, `${ip} has no AS`);
  }
});

t.test('the enricher adds geo and as to public source and destination addresses and labels the scope of the others', async (t) => {
  const event = (source: string, destination?: string): EcsEvent =>
    ({
      '@timestamp': '2026-11-02T10:00:00.000Z',
      ecs: { version: '8.11.0' },
      event: { created: '2026-11-02T10:00:00.000Z', kind: 'event', original: '', dataset: 'test' },
      log: {},
      source: { ip: source },
      ...(destination !== undefined ? { destination: { ip: destination } } : {}),
    }) as EcsEvent;
  const events = [event('8.8.8.8', '192.168.1.5'), event('203.0.113.9', '2a01:4f8::1'), event('10.0.0.1')];
  new GeoEnricher(geoIp).enrich(events);
  t.equal(events[0]!.source?.geo?.country_iso_code, 'US');
  t.equal(events[0]!.source?.as?.number, 15169);
  t.equal(events[0]!.destination?.geo, undefined);
  t.same(events[0]!.labels, { destination_address_scope: 'private' });
  t.equal(events[1]!.source?.geo, undefined, 'a documentation address is never looked up (the database answers AU for it)');
  t.equal(events[1]!.labels?.source_address_scope, 'documentation');
  t.equal(events[1]!.destination?.geo?.country_iso_code, 'DE');
  t.equal(events[1]!.destination?.as?.organization?.name, 'Hetzner Online GmbH');
  t.same(events[2]!.labels, { source_address_scope: 'private' });
});

t.test('answers are cached in a bounded LRU', async (t) => {
  const small = GeoIp.open({ cacheSize: 2 });
  small.lookup('8.8.8.8');
  small.lookup('8.8.8.8');
  small.lookup('9.9.9.9');
  small.lookup('1.1.1.1');
  const stats = small.cacheStats;
  t.equal(stats.size, 2, 'never more entries than the capacity');
  t.equal(stats.hits, 1);
  t.equal(stats.misses, 3);
});

t.test('a configured MaxMind database replaces the embedded one; a file that is not one is a configuration error', async (t) => {
  const geo = MmdbSource.open(EMBEDDED.geo());
  t.match(geo.databaseType, /country/i);
  const configured = openGeoIp({ geoip: true, geoipDb: EMBEDDED.geo(), geoipCacheSize: 10 })!;
  t.equal(configured.lookup('8.8.8.8').geo?.country_iso_code, 'US');
  t.equal(openGeoIp({ geoip: false, geoipCacheSize: 10 }), undefined, '--geoip false opens nothing');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siemad-geo-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const bogus = path.join(dir, 'bogus.mmdb');
  fs.writeFileSync(bogus, 'not a database');
  t.throws(() => openGeoIp({ geoip: true, geoipAsnDb: bogus, geoipCacheSize: 10 }), {
    code: 'SIEMAD_CONFIG_INVALID',
    setting: '--geoip-asn-db',
    message: /not a readable MaxMind DB/,
  });
  t.throws(() => openGeoIp({ geoip: true, geoipDb: path.join(dir, 'missing.mmdb'), geoipCacheSize: 10 }), {
    code: 'SIEMAD_CONFIG_INVALID',
    setting: '--geoip-db',
    message: /ENOENT/,
  });
});

t.test('every country of the centre table has an English name, and distances are great-circle kilometres', async (t) => {
  for (const code of countryCodes()) t.ok(countryName(code) !== undefined, code);
  // Paris – New York is about 5,840 km.
  t.ok(Math.abs(distanceKm(48.8566, 2.3522, 40.7128, -74.006) - 5837) < 20);
  t.equal(distanceKm(10, 10, 10, 10), 0);
});
