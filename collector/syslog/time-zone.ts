/**
 * Wall-clock time in an IANA zone <-> UTC, for timestamps that carry no offset (RFC 3164).
 *
 * Offsets come from Intl.DateTimeFormat, which is slow (microseconds per call), so each zone keeps
 * one formatter and caches offsets per hour: an hour whose first and last millisecond share an
 * offset holds no transition, and every instant in it gets the cached offset. Hours that contain a
 * transition (one or two a year; they need not start on the hour in e.g. Australia/Adelaide) are
 * marked and resolved exactly on each call. Consecutive messages usually fall in the same hour, so
 * a one-entry memo in front of each map answers most calls with two comparisons.
 *
 * Wall-clock times that do not exist or exist twice around a DST change are resolved as
 * Temporal's 'compatible' option does: a skipped time moves forward by the gap (02:30 on the day
 * clocks jump 02:00 -> 03:00 becomes 03:30), a repeated time takes the earlier instant.
 *
 * An unknown zone name behaves as UTC, so a bad setting cannot make parsing throw; configuration
 * should reject it up front with `isValidTimeZone`.
 */
import { civilToEpochMs, MS_PER_DAY, MS_PER_HOUR } from './calendar.js';

/** Bounds, so neither many zones nor years of replayed logs can grow memory without limit. */
const MAX_ZONES = 64;
const MAX_CACHED_HOURS = 8192;
/** Real offsets stay within +-14 h; anything beyond means the formatter could not answer sensibly. */
const MAX_OFFSET_MS = 26 * MS_PER_HOUR;

/**
 * Offsets per hour along one time line (UTC instants, or wall-clock times), computed by `resolve`
 * on first use, with a one-entry memo in front of the map.
 */
class HourlyOffsets {
  private readonly offsetsByHour = new Map<number, number>();
  private lastHour = Number.NaN;
  private lastOffset = 0;

  constructor(private readonly resolve: (ms: number) => number) {}

  offsetAt(ms: number): number {
    const hour = Math.floor(ms / MS_PER_HOUR);
    if (hour === this.lastHour) return this.lastOffset;
    let offset = this.offsetsByHour.get(hour);
    if (offset === undefined) {
      const hourStart = hour * MS_PER_HOUR;
      const atStart = this.resolve(hourStart);
      // NaN marks an hour holding a transition: resolved exactly on every call.
      offset = atStart === this.resolve(hourStart + MS_PER_HOUR - 1) ? atStart : Number.NaN;
      if (this.offsetsByHour.size >= MAX_CACHED_HOURS) this.offsetsByHour.clear();
      this.offsetsByHour.set(hour, offset);
    }
    if (Number.isNaN(offset)) return this.resolve(ms);
    this.lastHour = hour;
    this.lastOffset = offset;
    return offset;
  }
}

class ZoneOffsets {
  private readonly utcHours = new HourlyOffsets((utcMs) => this.exactOffset(utcMs));
  private readonly localHours = new HourlyOffsets((localMs) => this.resolveLocal(localMs));

  /** `formatter` undefined: the zone is UTC (or unknown), offset always 0. */
  constructor(private readonly formatter: Intl.DateTimeFormat | undefined) {}

  /** Offset (local minus UTC, ms) in force at the instant `utcMs`. */
  offsetAtUtc(utcMs: number): number {
    return this.formatter === undefined ? 0 : this.utcHours.offsetAt(utcMs);
  }

  /** Offset to subtract from the wall-clock time `localMs` (wall clock read as UTC) to get UTC. */
  offsetForLocal(localMs: number): number {
    return this.formatter === undefined ? 0 : this.localHours.offsetAt(localMs);
  }

  private resolveLocal(localMs: number): number {
    // The offsets a day either side bracket any single transition near this wall-clock time.
    const offsetBefore = this.offsetAtUtc(localMs - MS_PER_DAY);
    const offsetAfter = this.offsetAtUtc(localMs + MS_PER_DAY);
    if (offsetBefore === offsetAfter) return offsetBefore;
    const beforeFits = this.offsetAtUtc(localMs - offsetBefore) === offsetBefore;
    const afterFits = this.offsetAtUtc(localMs - offsetAfter) === offsetAfter;
    if (beforeFits && afterFits) return Math.max(offsetBefore, offsetAfter); // repeated: earlier instant
    if (afterFits) return offsetAfter;
    return offsetBefore; // valid before the change, or skipped: shift forward by the gap
  }

  private exactOffset(utcMs: number): number {
    const wholeSecond = Math.floor(utcMs / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    try {
      for (const part of (this.formatter as Intl.DateTimeFormat).formatToParts(wholeSecond)) {
        const value = Number(part.value);
        switch (part.type) {
          case 'year':
            year = value;
            break;
          case 'month':
            month = value;
            break;
          case 'day':
            day = value;
            break;
          case 'hour':
            hour = value;
            break;
          case 'minute':
            minute = value;
            break;
          case 'second':
            second = value;
            break;
          default:
            break;
        }
      }
    } catch {
      return 0; // instant outside the range Date supports
    }
    const offset = civilToEpochMs(year, month, day, hour, minute, second, 0) - wholeSecond;
    return Math.abs(offset) <= MAX_OFFSET_MS ? offset : 0;
  }
}

const zones = new Map<string, ZoneOffsets>();
let lastZoneName = '';
let lastZone: ZoneOffsets | undefined;

function createFormatter(timeZone: string): Intl.DateTimeFormat | undefined {
  try {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return formatter.resolvedOptions().timeZone === 'UTC' ? undefined : formatter;
  } catch {
    return undefined;
  }
}

function zoneOffsets(timeZone: string): ZoneOffsets {
  if (timeZone === lastZoneName && lastZone !== undefined) return lastZone;
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    if (zones.size >= MAX_ZONES) zones.clear();
    zone = new ZoneOffsets(createFormatter(timeZone));
    zones.set(timeZone, zone);
  }
  lastZoneName = timeZone;
  lastZone = zone;
  return zone;
}

/** True when `timeZone` is an IANA zone name (or UTC) this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Offset (local minus UTC, ms) of `timeZone` at the instant `utcMs`. */
export function utcOffsetAt(timeZone: string, utcMs: number): number {
  return zoneOffsets(timeZone).offsetAtUtc(utcMs);
}

/** The instant (epoch ms) at which clocks in `timeZone` show `localMs` (wall-clock time read as UTC). */
export function localTimeToUtc(timeZone: string, localMs: number): number {
  return localMs - zoneOffsets(timeZone).offsetForLocal(localMs);
}
