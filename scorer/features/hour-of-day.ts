/**
 * Local hour of day (0–23) of an event time in a time zone, for working-hour profiles. The zone's
 * offset is looked up once per UTC hour and cached, so the hot path does no Intl formatting.
 */
const HOUR_MS = 3_600_000;
const CACHE_LIMIT = 4096;

export class HourOfDay {
  private readonly formatter: Intl.DateTimeFormat | undefined;
  private readonly cache = new Map<number, number>();

  constructor(timeZone: string) {
    this.formatter = timeZone === 'UTC' ? undefined : new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' });
  }

  hourOf(timeMs: number): number {
    const utcHour = Math.floor(timeMs / HOUR_MS);
    if (this.formatter === undefined) return ((utcHour % 24) + 24) % 24;
    let hour = this.cache.get(utcHour);
    if (hour === undefined) {
      // Zone offsets change only on whole or half hours; the minute-30 sample is safe for both.
      hour = Number(this.formatter.format(new Date(utcHour * HOUR_MS + HOUR_MS / 2))) % 24;
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(utcHour, hour);
    }
    return hour;
  }
}
