/**
 * Character-code helpers shared by the syslog scanners. Every reader takes an explicit `end`
 * (the input may carry a trailing CR/LF the parser ignores) and never reads at or past it.
 */

export const SPACE = 32;

/** True for ASCII 0-9; false for NaN, so a read past the string is never taken for a digit. */
export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Value of exactly `count` decimal digits at `pos`, or -1 when one is missing or not a digit. */
export function readFixedDigits(text: string, pos: number, count: number, end: number): number {
  if (pos + count > end) return -1;
  let value = 0;
  for (let i = pos; i < pos + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 48);
  }
  return value;
}

/** Index of the first SP at or after `pos`, or `end` when there is none. */
export function indexOfSpace(text: string, pos: number, end: number): number {
  while (pos < end && text.charCodeAt(pos) !== SPACE) pos++;
  return pos;
}
