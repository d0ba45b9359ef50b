/**
 * When each person's laptop is on and where it is, in their own time zone: a working day (with a
 * lunch break during which the laptop sleeps) on most weekdays and some Saturdays, now and then
 * an evening at home. Where: the home line (whose address changes every few days), the
 * coworking space, a café on the studio's VPN, or a phone hotspot (a new carrier address each
 * time the laptop wakes). Every component that needs a person's address asks this plan, so the
 * webmail, the project app, SSH and the firewall agree on it.
 */
import type { Random } from '../../random.js';
import { LocalClock, MICROS_PER_DAY, hours, minutes } from '../../clock.js';
import type { RoamingNetworks } from '../networks.js';
import type { StaffMember } from '../organization.js';

export type Place = 'home' | 'coworking' | 'vpn' | 'hotspot';

export interface OnlineInterval {
  start: number;
  end: number;
  /** The laptop's public address for the whole interval. */
  address: string;
  place: Place;
  /** The local day it belongs to (UTC instant of the local midnight). */
  day: number;
}

const PLACES: readonly Place[] = ['home', 'coworking', 'vpn', 'hotspot'];

function worksOn(rng: Random, member: StaffMember, weekday: number): 'full' | 'half' | 'off' {
  if (weekday >= 1 && weekday <= 5) return rng.chance(0.92) ? 'full' : 'off';
  const chance = weekday === 6 ? member.saturday : member.sunday;
  return rng.chance(chance) ? 'half' : 'off';
}

function addressAt(rng: Random, member: StaffMember, networks: RoamingNetworks, place: Place, time: number): string {
  switch (place) {
    case 'home':
      return member.home.at(time);
    case 'coworking':
      return networks.coworking;
    case 'vpn':
      return networks.vpn.pick(rng);
    case 'hotspot':
      return member.carrier.sessionAddress(rng);
  }
}

/** The person's online intervals over [start, end), in time order. */
export function planOnlineTime(rng: Random, member: StaffMember, networks: RoamingNetworks, start: number, end: number): OnlineInterval[] {
  const clock = new LocalClock(member.utcOffsetMinutes);
  const intervals: OnlineInterval[] = [];
  // The coworking space is in India; the contractor in Lisbon works from home or a café.
  const placeWeights = member.utcOffsetMinutes === 330 ? [60, 18, 12, 10] : [75, 0, 17, 8];
  for (let day = clock.dayStart(start - MICROS_PER_DAY), index = 0; day < end; day += MICROS_PER_DAY, index++) {
    const dayRng = rng.fork(`day/${index}`);
    const kind = worksOn(dayRng, member, clock.weekday(day + hours(12)));
    const add = (from: number, to: number, place: Place): void => {
      if (to - from < minutes(5)) return;
      intervals.push({
        start: Math.round(from),
        end: Math.round(to),
        address: addressAt(dayRng, member, networks, place, from),
        place,
        day,
      });
    };
    if (kind !== 'off') {
      const place = dayRng.weighted(PLACES, placeWeights);
      const begin = day + hours(Math.max(6.5, dayRng.normal(member.dayStart, 0.5)));
      const length = hours(Math.max(2, dayRng.normal(member.dayLength, 0.7))) * (kind === 'half' ? 0.5 : 1);
      const lunch = begin + length * dayRng.between(0.4, 0.55);
      const back = lunch + minutes(dayRng.between(35, 80));
      add(begin, lunch, place);
      // Back from lunch at the same place (a hotspot or VPN hands out a new address).
      add(back, begin + length, place);
    }
    if (dayRng.chance(member.evening * (kind === 'off' ? 0.5 : 1))) {
      const from = day + hours(dayRng.between(20.5, 22.5));
      add(from, from + minutes(dayRng.between(20, 110)), dayRng.chance(0.85) ? 'home' : 'hotspot');
    }
  }
  return intervals.filter((interval) => interval.end > start && interval.start < end);
}
