/**
 * Collects the lines every component emits, in any order, and turns them into the final stream:
 * lines sorted by time (ties keep emission order, so a sequence emitted in order stays in order)
 * with one label per line, optionally with rsyslog's repeated-message reduction applied.
 */
import type { AttackKind, Label } from '../labels.js';
import { syslogLine } from './syslog-line.js';

/** Which attack episode produced a line; `BENIGN` for background activity. */
export interface EpisodeRef {
  readonly kind: AttackKind;
  readonly episode: string;
}
export type Origin = EpisodeRef | null;
export const BENIGN: Origin = null;

interface PendingLine {
  time: number;
  order: number;
  hostname: string;
  tag: string;
  message: string;
  origin: Origin;
}

export interface GeneratedLines {
  lines: string[];
  labels: Label[];
  /** Epoch microseconds of each line, for callers that need timing without re-parsing. */
  times: number[];
}

export interface BuildOptions {
  /**
   * rsyslog's `$RepeatedMsgReduction on` (Ubuntu's default): a message identical to the one just
   * written (same host, tag and text) is held, and two or more such repeats are written as one
   * `message repeated N times: [ text]` line when a different message arrives.
   */
  reduceRepeats: boolean;
}

class Output {
  readonly lines: string[] = [];
  readonly labels: Label[] = [];
  readonly times: number[] = [];

  constructor(private readonly utcOffsetMinutes: number) {}

  write(entry: PendingLine, message = entry.message): void {
    this.lines.push(syslogLine(entry.time, entry.hostname, entry.tag, message, this.utcOffsetMinutes));
    this.times.push(entry.time);
    const line = this.labels.length + 1;
    this.labels.push(
      entry.origin ? { line, label: 'attack', kind: entry.origin.kind, episode: entry.origin.episode } : { line, label: 'benign' },
    );
  }
}

export class LogStream {
  private readonly pending: PendingLine[] = [];

  /**
   * Lines outside [startTime, endTime) are dropped, as if the file had been cut at the window.
   * `utcOffsetMinutes`: the hosts' local zone, which their timestamps are written in.
   */
  constructor(
    readonly startTime: number,
    readonly endTime: number,
    readonly utcOffsetMinutes = 0,
  ) {}

  /** `time` in epoch µs; components compute with fractions, the log has whole microseconds. */
  emit(time: number, hostname: string, tag: string, message: string, origin: Origin): void {
    const micros = Math.round(time);
    if (micros < this.startTime || micros >= this.endTime) return;
    this.pending.push({ time: micros, order: this.pending.length, hostname, tag, message, origin });
  }

  build(options: BuildOptions): GeneratedLines {
    const sorted = this.pending.slice().sort((x, y) => x.time - y.time || x.order - y.order);
    const output = new Output(this.utcOffsetMinutes);
    let previous: PendingLine | undefined;
    let lastRepeat: PendingLine | undefined;
    let repeats = 0;
    const flushRepeats = (): void => {
      if (!previous || !lastRepeat) return;
      if (repeats === 1) output.write(lastRepeat);
      else output.write(lastRepeat, `message repeated ${repeats} times: [ ${previous.message}]`);
      repeats = 0;
      lastRepeat = undefined;
    };
    for (const entry of sorted) {
      const isRepeat =
        options.reduceRepeats &&
        previous !== undefined &&
        entry.message === previous.message &&
        entry.tag === previous.tag &&
        entry.hostname === previous.hostname;
      if (isRepeat) {
        repeats++;
        lastRepeat = entry;
        continue;
      }
      flushRepeats();
      output.write(entry);
      previous = entry;
    }
    flushRepeats();
    return { lines: output.lines, labels: output.labels, times: output.times };
  }
}
