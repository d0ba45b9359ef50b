/**
 * Log-source status: every sender (host name and sending address) with first and last seen,
 * messages per minute over the last 5 minutes and the last hour, parse-error and decoded shares,
 * and a status: `silent` (nothing for `silentAfterMs`), `new` (first seen within `newForMs`),
 * `noisy` (last 5 minutes far above its own long-run rate) or `up`. Bounded: beyond `maxSources`
 * the least recently seen goes. State is saved to a JSON file and restored at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { EcsEvent } from '../collector/ecs/event.js';
import { TAGS } from '../collector/ecs/event.js';
import type { RawMessage } from '../collector/raw-message.js';
import type { MessageObserver } from './pipeline.js';

export const SOURCE_STATUSES = ['up', 'silent', 'new', 'noisy'] as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[number];

export interface SourceTrackerOptions {
  /** Sources tracked at most; the least recently seen is evicted first. */
  maxSources: number;
  /** No message for this long: silent. */
  silentAfterMs: number;
  /** First seen within this: new. */
  newForMs: number;
  /** Last 5 minutes' rate at least this many times the source's long-run rate: noisy. */
  noisyFactor: number;
  /** JSON file the state is saved to and restored from (none: kept in memory only). */
  stateFile?: string;
}

export const DEFAULT_SOURCE_OPTIONS: Omit<SourceTrackerOptions, 'stateFile'> = {
  maxSources: 10_000,
  silentAfterMs: 15 * 60_000,
  newForMs: 60 * 60_000,
  noisyFactor: 10,
};

const MINUTE_MS = 60_000;
/** Minute buckets kept per source: one hour. */
const MINUTES = 60;
/** Weight of one minute in the long-run rate (an exponential average over about a day). */
const BASELINE_ALPHA = 1 / 1440;
/** Below this many messages per minute a source is never called noisy (a quiet host sending 5 instead of 0). */
const NOISY_MIN_PER_MINUTE = 10;
/** Host names and addresses are cut to this length. */
const MAX_NAME = 255;
const STATE_VERSION = 1;

class Source {
  /** Per minute bucket: messages, parse errors, decoded; `minutes` holds the minute number of each. */
  readonly counts = new Uint32Array(MINUTES * 3);
  readonly minutes = new Float64Array(MINUTES).fill(-1);
  /** Exponentially weighted messages per minute (sum and weight, so it is unbiased from the start). */
  rateSum = 0;
  rateWeight = 0;
  /** The last minute folded into the long-run rate. */
  foldedMinute: number;
  messages = 0;

  constructor(
    readonly host: string,
    readonly address: string,
    public firstSeen: number,
    public lastSeen: number,
  ) {
    this.foldedMinute = Math.floor(firstSeen / MINUTE_MS) - 1;
  }

  record(now: number, parseError: boolean, decoded: boolean): void {
    const minute = Math.floor(now / MINUTE_MS);
    this.fold(minute);
    const slot = minute % MINUTES;
    if (this.minutes[slot] !== minute) {
      this.minutes[slot] = minute;
      this.counts[slot * 3] = 0;
      this.counts[slot * 3 + 1] = 0;
      this.counts[slot * 3 + 2] = 0;
    }
    this.counts[slot * 3]!++;
    if (parseError) this.counts[slot * 3 + 1]!++;
    if (decoded) this.counts[slot * 3 + 2]!++;
    this.messages++;
    if (now > this.lastSeen) this.lastSeen = now;
  }

  /**
   * Folds the complete minutes before `minute` into the long-run rate. Unfolded minutes are still
   * in the ring (a newer minute would have folded them), so the rest of the span is empty.
   */
  fold(minute: number): void {
    const first = this.foldedMinute + 1;
    if (first >= minute) return;
    const filled: number[] = [];
    for (let slot = 0; slot < MINUTES; slot++) {
      const m = this.minutes[slot]!;
      if (m >= first && m < minute) filled.push(m);
    }
    filled.sort((a, b) => a - b);
    let at = first;
    for (const m of filled) {
      this.decay(m - at);
      this.rateSum = this.rateSum * (1 - BASELINE_ALPHA) + this.counts[(m % MINUTES) * 3]!;
      this.rateWeight = this.rateWeight * (1 - BASELINE_ALPHA) + 1;
      at = m + 1;
    }
    this.decay(minute - at);
    this.foldedMinute = minute - 1;
  }

  /** `k` empty minutes: the sum decays, each adds a weight of 1 (decayed). */
  private decay(k: number): void {
    if (k <= 0) return;
    const d = (1 - BASELINE_ALPHA) ** k;
    this.rateSum *= d;
    this.rateWeight = this.rateWeight * d + (1 - d) / BASELINE_ALPHA;
  }

  /** Messages, parse errors and decoded messages over the last `minutes` minutes up to `now`. */
  sums(now: number, minutes: number): [number, number, number] {
    const current = Math.floor(now / MINUTE_MS);
    let messages = 0;
    let errors = 0;
    let decoded = 0;
    for (let slot = 0; slot < MINUTES; slot++) {
      const m = this.minutes[slot]!;
      if (m <= current - minutes || m > current) continue;
      messages += this.counts[slot * 3]!;
      errors += this.counts[slot * 3 + 1]!;
      decoded += this.counts[slot * 3 + 2]!;
    }
    return [messages, errors, decoded];
  }

  get baselinePerMinute(): number {
    return this.rateWeight === 0 ? 0 : this.rateSum / this.rateWeight;
  }
}

export interface SourceView {
  host: string;
  address: string;
  status: SourceStatus;
  first_seen: string;
  last_seen: string;
  messages_per_minute_5m: number;
  messages_per_minute_1h: number;
  /** The source's long-run rate (exponential average over about a day). */
  baseline_per_minute: number;
  /** Shares of the last hour's messages. */
  parse_error_share: number;
  decoded_share: number;
  messages_total: number;
}

export interface SourceFilter {
  /** Case-insensitive substring of the host name or address. */
  search?: string;
  status?: SourceStatus;
}

export class SourceTracker implements MessageObserver {
  private readonly sources = new Map<string, Source>();
  private readonly options: SourceTrackerOptions;
  private saveTimer: NodeJS.Timeout | undefined;
  evicted = 0;

  constructor(options: Partial<SourceTrackerOptions> = {}) {
    this.options = { ...DEFAULT_SOURCE_OPTIONS, ...options };
  }

  get size(): number {
    return this.sources.size;
  }

  get silentAfterMs(): number {
    return this.options.silentAfterMs;
  }

  observe(raw: RawMessage, event: EcsEvent | undefined, now: number): void {
    const host = event?.host?.hostname ?? '';
    this.record(
      host,
      raw.peerAddress,
      now,
      event === undefined || event.error?.type === 'syslog_parse',
      event !== undefined && !isUndecoded(event),
    );
  }

  record(host: string, address: string, now: number, parseError: boolean, decoded: boolean): void {
    const key = host + '\u0000' + address;
    let source = this.sources.get(key);
    if (source === undefined) {
      if (this.sources.size >= this.options.maxSources) {
        this.sources.delete(this.sources.keys().next().value!);
        this.evicted++;
      }
      source = new Source(host.slice(0, MAX_NAME), address.slice(0, MAX_NAME), now, now);
      this.sources.set(key, source);
    } else if (Math.floor(now / MINUTE_MS) !== Math.floor(source.lastSeen / MINUTE_MS)) {
      // Re-inserted once a minute at most: the map stays ordered from least to most recently seen.
      this.sources.delete(key);
      this.sources.set(key, source);
    }
    source.record(now, parseError, decoded);
  }

  statusOf(source: Source, now: number): SourceStatus {
    if (now - source.lastSeen >= this.options.silentAfterMs) return 'silent';
    if (now - source.firstSeen < this.options.newForMs) return 'new';
    source.fold(Math.floor(now / MINUTE_MS));
    const recent = source.sums(now, 5)[0] / 5;
    if (recent >= NOISY_MIN_PER_MINUTE && recent >= this.options.noisyFactor * source.baselinePerMinute) return 'noisy';
    return 'up';
  }

  view(source: Source, now: number): SourceView {
    const status = this.statusOf(source, now);
    const [recent] = source.sums(now, 5);
    const [hour, errors, decoded] = source.sums(now, MINUTES);
    return {
      host: source.host,
      address: source.address,
      status,
      first_seen: new Date(source.firstSeen).toISOString(),
      last_seen: new Date(source.lastSeen).toISOString(),
      messages_per_minute_5m: round2(recent / 5),
      messages_per_minute_1h: round2(hour / MINUTES),
      baseline_per_minute: round2(source.baselinePerMinute),
      parse_error_share: hour === 0 ? 0 : round4(errors / hour),
      decoded_share: hour === 0 ? 0 : round4(decoded / hour),
      messages_total: source.messages,
    };
  }

  /** Sources matching `filter`, most recently seen first. */
  list(filter: SourceFilter = {}, now = Date.now()): SourceView[] {
    const search = filter.search?.toLowerCase();
    const out: SourceView[] = [];
    for (const source of this.sources.values()) {
      if (search !== undefined && !source.host.toLowerCase().includes(search) && !source.address.toLowerCase().includes(search)) continue;
      if (filter.status !== undefined && this.statusOf(source, now) !== filter.status) continue;
      out.push(this.view(source, now));
    }
    out.sort((a, b) => (a.last_seen < b.last_seen ? 1 : a.last_seen > b.last_seen ? -1 : 0) || (a.host < b.host ? -1 : 1));
    return out;
  }

  /** Sources by status, all of them. */
  counts(now = Date.now()): Record<SourceStatus, number> {
    const counts: Record<SourceStatus, number> = { up: 0, silent: 0, new: 0, noisy: 0 };
    for (const source of this.sources.values()) counts[this.statusOf(source, now)]++;
    return counts;
  }

  /** The `n` sources with the highest long-run rate (the ones worth a labelled metric series). */
  top(n: number, now = Date.now()): { view: SourceView; source: Source }[] {
    const all = [...this.sources.values()];
    for (const source of all) source.fold(Math.floor(now / MINUTE_MS));
    all.sort((a, b) => b.baselinePerMinute - a.baselinePerMinute || b.messages - a.messages);
    return all.slice(0, n).map((source) => ({ source, view: this.view(source, now) }));
  }

  /** All tracked sources, for the "other" aggregate of the metrics. */
  all(): Iterable<Source> {
    return this.sources.values();
  }

  /** Restores the saved state (a missing or unreadable file: start empty) and saves every minute. */
  start(intervalMs = 60_000): { restored: number } {
    const restored = this.load();
    if (this.options.stateFile !== undefined) this.saveTimer = setInterval(() => this.save(), intervalMs).unref();
    return { restored };
  }

  load(): number {
    const file = this.options.stateFile;
    if (file === undefined) return 0;
    let state: { version?: number; sources?: unknown[] };
    try {
      state = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof state;
    } catch {
      return 0;
    }
    if (state.version !== STATE_VERSION || !Array.isArray(state.sources)) return 0;
    for (const item of state.sources.slice(-this.options.maxSources)) {
      const s = item as {
        h: string;
        a: string;
        f: number;
        l: number;
        n: number;
        rs: number;
        rw: number;
        fm: number;
        m: number[];
        c: number[];
      };
      if (typeof s?.h !== 'string' || typeof s.a !== 'string' || !Number.isFinite(s.f) || !Number.isFinite(s.l)) continue;
      const source = new Source(s.h.slice(0, MAX_NAME), s.a.slice(0, MAX_NAME), s.f, s.l);
      source.messages = Number(s.n) || 0;
      source.rateSum = Number(s.rs) || 0;
      source.rateWeight = Number(s.rw) || 0;
      source.foldedMinute = Number.isFinite(s.fm) ? s.fm : source.foldedMinute;
      if (Array.isArray(s.m) && Array.isArray(s.c) && s.m.length === MINUTES && s.c.length === MINUTES * 3) {
        source.minutes.set(s.m.map(Number));
        source.counts.set(s.c.map((v) => Number(v) >>> 0));
      }
      this.sources.set(s.h + '\u0000' + s.a, source);
    }
    return this.sources.size;
  }

  /** Writes the state atomically (a temporary file renamed over the old one). */
  save(): void {
    const file = this.options.stateFile;
    if (file === undefined) return;
    const sources = [...this.sources.values()].map((s) => ({
      h: s.host,
      a: s.address,
      f: s.firstSeen,
      l: s.lastSeen,
      n: s.messages,
      rs: s.rateSum,
      rw: s.rateWeight,
      fm: s.foldedMinute,
      m: Array.from(s.minutes),
      c: Array.from(s.counts),
    }));
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(temporary, JSON.stringify({ version: STATE_VERSION, sources }));
      fs.renameSync(temporary, file);
    } catch {
      // The next save tries again; a lost save costs at most a minute of history.
      fs.rmSync(temporary, { force: true });
    }
  }

  close(): void {
    if (this.saveTimer !== undefined) clearInterval(this.saveTimer);
    this.saveTimer = undefined;
    this.save();
  }
}

function isUndecoded(event: EcsEvent): boolean {
  const tags = event.tags;
  return tags !== undefined && (tags.includes(TAGS.decodeUnknown) || tags.includes(TAGS.decodeError));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
