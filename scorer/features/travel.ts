import type { EcsEvent } from '../../collector/ecs/event.js';
import { distanceKm } from '../../collector/geo/countries.js';

/**
 * Each user's last successful login from a located (public, GeoIP-enriched) address, to measure
 * the travel a new login implies. Kept in this process, in stream order (like the sshd attempt
 * correlator): collectors sharing Redis each see the logins of the hosts they receive.
 * Bounded: the least recently active users go first.
 */
export interface Travel {
  /** Country of the previous login and of this one. */
  fromCountry: string;
  toCountry: string;
  /** Great-circle distance between the two locations (country centres without city data), km. */
  km: number;
  /** Time since the previous login, ms. */
  elapsedMs: number;
  /** Implied speed, km/h (Infinity for the same instant). */
  speedKmh: number;
}

interface LastLogin {
  time: number;
  lat: number;
  lon: number;
  country: string;
}

/** Below this, two places are "the same place" at the precision of a country-level database. */
export const MIN_TRAVEL_KM = 500;

/** Is this travel faster than `speedKmh` over a distance a country-level database can tell? */
export function isImpossible(travel: Travel, speedKmh: number): boolean {
  return travel.km >= MIN_TRAVEL_KM && travel.speedKmh > speedKmh;
}
const MAX_USERS = 200_000;

export class LoginTravel {
  private readonly last = new Map<string, LastLogin>();

  /**
   * Records the login of `event` at `time` and returns the travel from the user's previous
   * located login, or undefined (no previous login, or no location).
   */
  observe(event: EcsEvent, user: string, time: number): Travel | undefined {
    const geo = event.source?.geo;
    const location = geo?.location;
    const country = geo?.country_iso_code;
    if (location === undefined || country === undefined) return undefined;
    const previous = this.last.get(user);
    if (previous !== undefined) this.last.delete(user);
    else if (this.last.size >= MAX_USERS) this.last.delete(this.last.keys().next().value as string);
    this.last.set(user, { time, lat: location.lat, lon: location.lon, country });
    if (previous === undefined || time < previous.time) return undefined;
    const km = distanceKm(previous.lat, previous.lon, location.lat, location.lon);
    const elapsedMs = time - previous.time;
    return {
      fromCountry: previous.country,
      toCountry: country,
      km,
      elapsedMs,
      speedKmh: km === 0 ? 0 : elapsedMs > 0 ? km / (elapsedMs / 3_600_000) : Number.POSITIVE_INFINITY,
    };
  }
}
