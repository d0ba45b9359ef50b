import t from 'tap';
import type { EcsEvent } from '../../../collector/ecs/event.js';
import { defaultObserver, normalize } from '../../../collector/normalize.js';
import { GeoEnricher } from '../../../collector/geo/enricher.js';
import { GeoIp } from '../../../collector/geo/geoip.js';
import { F, FEATURE_COUNT } from '../../../scorer/features/definitions.js';
import { FeatureExtractor } from '../../../scorer/features/extract.js';
import { reasonText, type ReasonContext } from '../../../scorer/explain.js';
import { MemoryWindowStore } from '../../../scorer/windows/memory-store.js';

// Public addresses the shipped database places for certain (resolvers, registries), never corpus ones.
const NL = '193.0.14.129'; // RIPE NCC, Amsterdam
const US = '8.8.8.8'; // Google
const DE = '2a01:4f8::1'; // Hetzner
const BR = '200.160.2.3'; // NIC.br

const context = { timeZone: 'UTC', observer: defaultObserver('test') };
const geo = new GeoEnricher(GeoIp.open({ cacheSize: 100 }));

const at = (minutes: number): string => new Date(Date.UTC(2026, 10, 2, 9, 0, 0) + minutes * 60_000).toISOString().replace('Z', '+00:00');
const login = (minutes: number, user: string, ip: string, host = 'bastion'): string =>
  `${at(minutes)} ${host} sshd[${1000 + minutes}]: Accepted password for ${user} from ${ip} port 50000 ssh2`;

async function run(lines: string[], speed?: number): Promise<{ rows: Float32Array[]; events: EcsEvent[]; extractor: FeatureExtractor }> {
  const events = lines.map((text, seq) =>
    normalize(
      {
        text,
        transport: 'file',
        peerAddress: 'test',
        peerPort: 0,
        receivedAt: 0,
        connectionId: 1,
        seq,
        truncated: false,
        size: text.length,
      },
      context,
    ),
  );
  geo.enrich(events);
  const extractor = new FeatureExtractor(new MemoryWindowStore({ seenCapacity: 10_000 }), {
    outOfOrderToleranceMs: 300_000,
    profileTimeZone: 'UTC',
    ...(speed !== undefined ? { travelSpeedKmh: speed } : {}),
  });
  const out = new Float32Array(lines.length * FEATURE_COUNT);
  await extractor.extract(events, out);
  return { rows: lines.map((_, i) => out.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)), events, extractor };
}

/** Six days of alice's logins from the Netherlands, one a day. */
const history = Array.from({ length: 6 }, (_, day) => login(day * 1440, 'alice', NL));

t.test('first login of a user from a country and from a network owner, once the user has history', async (t) => {
  const { rows } = await run([...history, login(6 * 1440, 'alice', US), login(6 * 1440 + 60 * 24, 'alice', US)]);
  t.equal(rows[0]![F.new_user_country_login], 0, 'no history yet: not news');
  t.equal(rows[5]![F.new_user_country_login], 0, 'the usual country');
  t.equal(rows[6]![F.new_user_country_login], 1, 'first login from US');
  t.equal(rows[6]![F.new_user_asn_login], 1, 'first login from the AS');
  t.equal(rows[7]![F.new_user_country_login], 0, 'the second login from US is not first');
  t.equal(rows[6]![F.impossible_travel], 0, '24 h after the last login is possible');
});

t.test('impossible travel: a login farther from the previous one than the speed allows, flagged once per pair of countries', async (t) => {
  const base = 5 * 1440; // the last login of the history
  const lines = [
    ...history,
    login(base + 30, 'alice', BR),
    login(base + 60, 'alice', NL),
    login(base + 90, 'alice', BR),
    login(base + 2000, 'alice', DE),
  ];
  const { rows, events, extractor } = await run(lines);
  t.equal(rows[6]![F.impossible_travel], 1, 'NL to BR (about 9,000 km) in 30 min');
  t.equal(rows[7]![F.impossible_travel], 0, 'back to NL: the pair NL-BR was flagged already');
  t.equal(rows[8]![F.impossible_travel], 0);
  t.equal(rows[9]![F.impossible_travel], 0, 'NL to DE is within a country-level database precision');
  const travel = extractor.travelOf(6);
  t.match(travel, { fromCountry: 'NL', toCountry: 'BR', elapsedMs: 30 * 60_000 });
  const reasonContext: ReasonContext = { event: events[6]!, ip: BR, travel, travelSpeedKmh: 1000 };
  t.match(
    reasonText(F.new_user_country_login, 1, reasonContext, undefined),
    /^first login of alice from BR; previous: NL, 30 min ago, \d,\d00 km$/,
  );
  t.match(
    reasonText(F.impossible_travel, 1, reasonContext, undefined),
    /^impossible travel: alice logged in from BR 30 min after a login from NL, \d,\d00 km away \(\d+,\d00 km\/h; limit 1,000 km\/h\)$/,
  );
  const slow = await run(lines, 50_000);
  t.equal(slow.rows[6]![F.impossible_travel], 0, 'a higher --impossible-travel-speed allows it');
});

t.test("the rarity of a login's country among the host's logins", async (t) => {
  const users = ['bob', 'carol', 'dave', 'erin'];
  const lines = Array.from({ length: 24 }, (_, i) => login(i * 10, users[i % 4]!, NL, 'web'));
  lines.push(login(300, 'bob', US, 'web'), login(310, 'carol', NL, 'web'));
  const { rows } = await run(lines);
  t.equal(rows[10]![F.login_country_rarity_host], 0, 'fewer than 20 earlier logins: no opinion');
  t.ok(
    rows[24]![F.login_country_rarity_host]! > 5,
    `a country none of 24 logins came from is rare (${rows[24]![F.login_country_rarity_host]})`,
  );
  t.ok(rows[25]![F.login_country_rarity_host]! < 0.2, 'the usual country is not');
});

t.test('private and documentation addresses carry no country and give no geographic feature', async (t) => {
  const { rows } = await run([...history.map((line) => line.replace(NL, '10.0.0.5')), login(6 * 1440, 'alice', '203.0.113.9')]);
  for (const row of rows) {
    t.equal(row[F.new_user_country_login], 0);
    t.equal(row[F.impossible_travel], 0);
    t.equal(row[F.login_country_rarity_host], 0);
  }
});
