/** Small scanners over message bodies: charCodeAt loops, no regular expressions, no throwing. */

/** Value of the decimal digits in `text[start, end)` (1 to 10 digits), or -1. */
export function readUint(text: string, start: number, end: number): number {
  if (end <= start || end - start > 10) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return -1;
    value = value * 10 + (code - 48);
  }
  return value;
}

/** Index of the first character at or after `pos` that is not a decimal digit. */
export function skipDigits(text: string, pos: number): number {
  while (pos < text.length) {
    const code = text.charCodeAt(pos);
    if (code < 48 || code > 57) break;
    pos++;
  }
  return pos;
}

/** Index of the first SP at or after `pos` (before `end`), or `end`. */
export function indexOfSpaceBefore(text: string, pos: number, end: number): number {
  while (pos < end && text.charCodeAt(pos) !== 32) pos++;
  return pos;
}

/** True when `text[start, end)` holds a SP. */
export function hasSpace(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === 32) return true;
  return false;
}

/** Index of the first non-SP character at or after `pos`. */
export function skipSpaces(text: string, pos: number): number {
  while (pos < text.length && text.charCodeAt(pos) === 32) pos++;
  return pos;
}

/** `text` without trailing spaces (no copy when there are none). */
export function trimEndSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** True when `text` ends with `suffix` before `end`. */
export function endsWithAt(text: string, suffix: string, end: number): boolean {
  return end >= suffix.length && text.startsWith(suffix, end - suffix.length);
}

/**
 * Index after the closing `"` of a quoted string whose opening quote is at `open - 1`, honouring
 * backslash escapes; -1 when the string is not closed.
 */
export function indexAfterQuoted(text: string, open: number): number {
  for (let i = open; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 92) i++;
    else if (code === 34) return i + 1;
  }
  return -1;
}
