/**
 * Time in the generator is an integer count of microseconds since the Unix epoch (rsyslog's
 * high-precision timestamps carry microseconds; 2^53 µs reaches the year 2255). All calendar
 * questions are answered in UTC, the zone the generated timestamps are written in.
 */

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

export const seconds = (count: number): number => Math.round(count * MICROS_PER_SECOND);
export const minutes = (count: number): number => Math.round(count * MICROS_PER_MINUTE);
export const hours = (count: number): number => Math.round(count * MICROS_PER_HOUR);

export function microsFromDate(date: Date): number {
  return date.getTime() * 1000;
}

/** Start of the UTC day containing `time`. */
export function dayStart(time: number): number {
  return time - (((time % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY);
}

/** Hour of the UTC day as a fraction, 0 ≤ h < 24. */
export function hourOfDay(time: number): number {
  return (time - dayStart(time)) / MICROS_PER_HOUR;
}

export function isWeekend(time: number): boolean {
  const weekday = new Date(Math.floor(time / 1000)).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/** 22:00–06:00: when nobody in the office is expected to work. */
export function isNight(time: number): boolean {
  const hour = hourOfDay(time);
  return hour >= 22 || hour < 6;
}

export function isOffHours(time: number): boolean {
  return isWeekend(time) || isNight(time);
}

/**
 * Calendar questions in a site's local time, for a zone with a fixed offset from UTC (no daylight
 * saving inside a stream). Times stay UTC epoch microseconds; only the questions shift.
 */
export class LocalClock {
  private readonly offset: number;

  constructor(readonly utcOffsetMinutes: number) {
    this.offset = utcOffsetMinutes * MICROS_PER_MINUTE;
  }

  /** The UTC instant at which the local day containing `time` begins. */
  dayStart(time: number): number {
    return dayStart(time + this.offset) - this.offset;
  }

  /** Local hour of the day as a fraction, 0 ≤ h < 24. */
  hour(time: number): number {
    return hourOfDay(time + this.offset);
  }

  /** Local day of the week, 0 = Sunday. */
  weekday(time: number): number {
    return new Date(Math.floor((time + this.offset) / 1000)).getUTCDay();
  }

  isWeekend(time: number): boolean {
    const weekday = this.weekday(time);
    return weekday === 0 || weekday === 6;
  }
}
