/**
 * The fail2ban baseline: fail2ban's default `sshd` jail (maxretry 5, findtime 10 min, bantime
 * 10 min) replayed over raw log lines. It flags an address's sshd lines from the failure that
 * gets it banned until the ban ends. Failure counting follows fail2ban 1.0's FailManager: a
 * ticket per address, dropped once its last failure is older than findtime, with its count
 * rescaled to the findtime window when failures spread over a longer time (FailTicket.adjustTime).
 */
import { SshdFailureFilter, mentionedAddress, parseSshdLine } from './sshd-filter.js';

export interface JailOptions {
  maxRetry: number;
  findTimeSeconds: number;
  banTimeSeconds: number;
}

export const DEFAULT_JAIL: JailOptions = { maxRetry: 5, findTimeSeconds: 600, banTimeSeconds: 600 };

export interface SshdFailure {
  /** 0-based index of the line. */
  index: number;
  ip: string;
  /** Epoch seconds. */
  time: number;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

interface Ticket {
  firstTime: number;
  lastTime: number;
  retry: number;
}

/** fail2ban's FailManager for one jail: returns true when this failure reaches maxretry. */
class FailureCounter {
  private readonly tickets = new Map<string, Ticket>();

  constructor(private readonly options: JailOptions) {}

  add(ip: string, time: number): boolean {
    const { findTimeSeconds, maxRetry } = this.options;
    let ticket = this.tickets.get(ip);
    // The periodic cleanup forgets addresses whose last failure is older than findtime.
    if (ticket && ticket.lastTime <= time - findTimeSeconds) ticket = undefined;
    if (!ticket) {
      ticket = { firstTime: time, lastTime: time, retry: 1 };
      this.tickets.set(ip, ticket);
    } else {
      if (time > ticket.lastTime) {
        if (ticket.firstTime < time - findTimeSeconds) {
          ticket.retry = roundHalfEven((ticket.retry / (time - ticket.firstTime)) * findTimeSeconds);
          ticket.firstTime = time - findTimeSeconds;
        }
        ticket.lastTime = time;
      }
      ticket.retry++;
    }
    if (ticket.retry < maxRetry) return false;
    this.tickets.delete(ip);
    return true;
  }
}

/** Every line the sshd filter counts as a failure, in line order. */
export function findSshdFailures(lines: readonly string[]): SshdFailure[] {
  const failures: SshdFailure[] = [];
  const filter = new SshdFailureFilter();
  for (let index = 0; index < lines.length; index++) {
    const parsed = parseSshdLine(lines[index] ?? '');
    if (!parsed) continue;
    const ip = filter.failureHost(parsed);
    if (ip !== undefined) failures.push({ index, ip, time: parsed.time });
  }
  return failures;
}

/** flags[i]: line i is an sshd line of an address banned at that moment. */
export function fail2banFlags(lines: readonly string[], options: JailOptions = DEFAULT_JAIL): boolean[] {
  const flags = new Array<boolean>(lines.length).fill(false);
  const counter = new FailureCounter(options);
  const bannedUntil = new Map<string, number>();
  // Lines without an address (`check pass; user unknown`) belong to their connection's address.
  const connectionAddress = new Map<string, string>();
  const filter = new SshdFailureFilter();
  for (let index = 0; index < lines.length; index++) {
    const parsed = parseSshdLine(lines[index] ?? '');
    if (!parsed) continue;
    const connection = `${parsed.hostname} ${parsed.pid ?? ''}`;
    const failedIp = filter.failureHost(parsed);
    const ip = failedIp ?? mentionedAddress(parsed.message) ?? connectionAddress.get(connection);
    if (ip === undefined) continue;
    connectionAddress.set(connection, ip);
    if (failedIp !== undefined && counter.add(failedIp, parsed.time)) {
      const until = bannedUntil.get(failedIp);
      // A failure while already banned does not prolong the ban (no bantime.increment).
      if (until === undefined || until <= parsed.time) bannedUntil.set(failedIp, parsed.time + options.banTimeSeconds);
    }
    const until = bannedUntil.get(ip);
    if (until !== undefined && parsed.time < until) flags[index] = true;
  }
  return flags;
}
