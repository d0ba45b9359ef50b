import net from 'node:net';
import { InvalidArgumentError } from 'commander';

/**
 * Parsers for configuration values given as flags or environment variables. Each throws
 * commander's InvalidArgumentError, so the start-up error names the flag or variable at fault.
 */

/**
 * A port 0–65535 (0 = any free port), or `off` to disable the listener, returned as `false`
 * (commander turns a parser's null into '').
 */
export function parsePort(value: string): number | false {
  const text = value.trim().toLowerCase();
  if (text === 'off' || text === 'false' || text === 'disabled') return false;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new InvalidArgumentError('expected a port 0-65535 or "off"');
  return port;
}

/** A whole number, 0 or more. */
export function parseCount(value: string): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || n < 1 || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('expected a whole number greater than 0');
  }
  return n;
}

/** A number within [min, max] (inclusive). */
export function parseNumberIn(min: number, max: number): (value: string) => number {
  return (value: string): number => {
    const n = Number(value.trim());
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    return n;
  };
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/** A size in bytes: `65536`, `64KiB`, `256MiB`, `1GiB` (units are powers of 1024). */
export function parseSize(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value);
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new InvalidArgumentError('expected a size such as 65536, 64KiB or 256MiB');
  const bytes = Math.floor(Number(m[1]) * unit);
  if (bytes < 1) throw new InvalidArgumentError('expected a size greater than 0');
  return bytes;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, '': 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration, returned in milliseconds: `300` (seconds), `500ms`, `30s`, `5m`, `2h`, `30d`; `0` disables. */
export function parseDuration(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|)\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError('expected a duration such as 500ms, 30s, 5m, 2h or 30d');
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2]!]!);
}

/** `parseSize`'s inverse for showing defaults: 8388608 → `8MiB` (the largest unit that divides exactly). */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const)
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}

/** `parseDuration`'s inverse for showing defaults: 60000 → `60s`, 86400000 → `1d`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
  ] as const)
    if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

export function parseBoolean(value: string): boolean {
  const text = value.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  throw new InvalidArgumentError('expected true or false');
}

/** Comma-separated list; empty items dropped. */
/** Comma-separated IP addresses to listen on (IPv4 and/or IPv6; no host names). */
export function parseAddressList(value: string): string[] {
  const addresses = parseList(value);
  if (addresses.length === 0) throw new InvalidArgumentError('expected at least one address');
  for (const address of addresses) {
    if (net.isIP(address) === 0) throw new InvalidArgumentError(`${address} is not an IP address`);
  }
  return addresses;
}

export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** An IANA time zone name known to this Node.js (`UTC`, `Europe/Berlin`, ...). */
export function parseTimeZone(value: string): string {
  const zone = value.trim();
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new InvalidArgumentError('expected an IANA time zone such as UTC or Europe/Berlin');
  }
  return zone;
}

export function parseChoice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    const text = value.trim() as T;
    if (!choices.includes(text)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
    return text;
  };
}
