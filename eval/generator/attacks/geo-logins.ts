/**
 * Logins with stolen credentials from abroad, for the geographic features:
 * - `new_country_login`: an account whose password was stolen logs in, without a failed attempt,
 *   from a public address in a country far from the site, looks around and leaves;
 * - `impossible_travel`: the account's owner logs in from a hotel abroad (their own login: benign),
 *   and 30 to 120 minutes later the account logs in from another continent.
 * Addresses are drawn where the shipped GeoIP database places them, so the collector sees the
 * countries the scenario means. Both sites use these with their own accounts and hosts.
 */
import { countryFacts, distanceKm } from '../../../collector/geo/countries.js';
import type { AnyContext, HostRuntime } from '../context.js';
import { minutes } from '../clock.js';
import { publicIpv4In } from '../internet.js';
import { BENIGN } from '../log-stream.js';
import type { Random } from '../random.js';
import { closeSession, openSession, type LoginOptions } from '../sequences/ssh.js';
import type { SudoCommandTemplate } from '../catalog/commands.js';
import type { EpisodePlan, EpisodeSummary } from './episode.js';
import { intruderSession } from './night-admin-login.js';

/** Where travellers go: countries with many business hotels. */
const TRIP_COUNTRIES = ['DE', 'GB', 'FR', 'NL', 'US', 'JP', 'SG', 'AE'];
/** Where intruders log in from: far from most sites and trips. */
const INTRUDER_COUNTRIES = ['BR', 'VN', 'NG', 'ID', 'KR', 'AR', 'ZA', 'CO', 'PE'];
/** An intruder's country is at least this far from the trip's (km): impossible in two hours. */
const FAR_KM = 4_000;

function far(from: string, to: string): boolean {
  const a = countryFacts(from)!;
  const b = countryFacts(to)!;
  return distanceKm(a.lat, a.lon, b.lat, b.lon) >= FAR_KM;
}

export function newCountryLogin(
  ctx: AnyContext,
  rng: Random,
  plan: EpisodePlan,
  host: HostRuntime,
  login: LoginOptions,
  commands: readonly SudoCommandTemplate[],
): EpisodeSummary {
  const country = rng.pick(INTRUDER_COUNTRIES);
  const ip = publicIpv4In(rng, country);
  const activity = intruderSession(ctx, rng, plan, host, ip, login, commands);
  return {
    source: `${ip} (${country})`,
    target: `${host.name} (${login.account.name})`,
    detail: `${login.method} login from ${country}, ${activity}`,
  };
}

export function impossibleTravel(
  ctx: AnyContext,
  rng: Random,
  plan: EpisodePlan,
  host: HostRuntime,
  login: LoginOptions,
  commands: readonly SudoCommandTemplate[],
): EpisodeSummary {
  const trip = rng.pick(TRIP_COUNTRIES);
  const candidates = INTRUDER_COUNTRIES.filter((country) => far(trip, country));
  const country = rng.pick(candidates);
  const hotel = publicIpv4In(rng, trip);
  // The owner's own login from the trip is benign; the episode is the intruder's login after it.
  const { session, time: loggedIn } = openSession(ctx, rng, { host, ip: hotel, origin: BENIGN }, plan.start, login);
  closeSession(ctx, rng, session, loggedIn + minutes(rng.between(3, 25)));
  const ip = publicIpv4In(rng, country);
  const later = { ...plan, start: loggedIn + minutes(rng.between(30, 120)) };
  const activity = intruderSession(ctx, rng, later, host, ip, login, commands);
  return {
    source: `${ip} (${country})`,
    target: `${host.name} (${login.account.name})`,
    detail: `${login.method} login from ${country} after the owner's from ${trip}, ${activity}`,
  };
}
