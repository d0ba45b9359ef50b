/**
 * RFC 5424 STRUCTURED-DATA: `-` or one or more `[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]`.
 *
 * - Every object is created with Object.create(null): SD-IDs and PARAM-NAMEs such as `__proto__`
 *   or `constructor` are plain keys and cannot reach any prototype.
 * - `\"`, `\\` and `\]` in a PARAM-VALUE are unescaped; a backslash before anything else stays, as
 *   the RFC says. A bare `]` inside the quotes is taken literally (senders forget to escape it).
 * - A repeated PARAM-NAME becomes an array; a repeated SD-ID (forbidden by the RFC) merges into
 *   the first; an element with no params is kept as an empty object.
 * - Bounds: at most MAX_SD_ELEMENTS distinct elements and MAX_SD_PARAMS params per message are
 *   kept; the rest is still parsed (to find where MSG starts) but dropped, and
 *   `structuredDataTruncated` is set.
 * - SD-NAMEs must be PRINTUSASCII except `=`, SP, `]` and `"` (the RFC grammar); their 32-character
 *   limit is not enforced.
 */
import { SPACE } from './chars.js';
import type { SyslogMessage } from './message.js';

export const MAX_SD_ELEMENTS = 64;
export const MAX_SD_PARAMS = 256;

type SdParams = Record<string, string | string[]>;
type StructuredData = Record<string, SdParams>;

const QUOTE = 34;
const EQUALS = 61;
const BACKSLASH = 92;
const CLOSE_BRACKET = 93;

/** Index after the SD-NAME starting at `pos` (== `pos` when there is none). */
function sdNameEnd(text: string, pos: number, end: number): number {
  while (pos < end) {
    const code = text.charCodeAt(pos);
    if (code <= SPACE || code > 126 || code === EQUALS || code === CLOSE_BRACKET || code === QUOTE) break;
    pos++;
  }
  return pos;
}

/** Index of the quote closing the PARAM-VALUE whose first character is at `pos`, or -1. */
function valueEnd(text: string, pos: number, end: number): number {
  while (pos < end) {
    const code = text.charCodeAt(pos);
    if (code === QUOTE) return pos;
    pos += code === BACKSLASH ? 2 : 1;
  }
  return -1;
}

/**
 * The PARAM-VALUE between `start` and the closing quote at `stop`, unescaped. Scans only the value
 * (indexOf would run on to the end of the message for every value without a backslash).
 */
function unescapeValue(text: string, start: number, stop: number): string {
  let value = '';
  let copiedUpTo = start;
  for (let i = start; i < stop; i++) {
    if (text.charCodeAt(i) !== BACKSLASH) continue;
    const escaped = text.charCodeAt(i + 1);
    if (escaped === QUOTE || escaped === BACKSLASH || escaped === CLOSE_BRACKET) {
      value += text.slice(copiedUpTo, i);
      copiedUpTo = i + 1; // keep the escaped character, drop the backslash
    }
    i++; // the escaped character is never a backslash that starts another escape
  }
  return copiedUpTo === start ? text.slice(start, stop) : value + text.slice(copiedUpTo, stop);
}

function addParam(params: SdParams, name: string, value: string): void {
  const existing = params[name];
  if (existing === undefined) params[name] = value;
  else if (typeof existing === 'string') params[name] = [existing, value];
  else existing.push(value);
}

/**
 * Reads STRUCTURED-DATA at `pos` into `msg.structuredData` (left undefined for `-`). Returns the
 * index after it, or -1 with `msg.parseError` set.
 */
export function readStructuredData(text: string, pos: number, end: number, msg: SyslogMessage): number {
  if (pos >= end) {
    msg.parseError = 'STRUCTURED-DATA missing';
    return -1;
  }
  const first = text.charCodeAt(pos);
  if (first === 45 /* - */) return pos + 1;
  if (first !== 91 /* [ */) {
    msg.parseError = 'STRUCTURED-DATA is neither - nor [';
    return -1;
  }
  const structuredData: StructuredData = Object.create(null);
  let elementCount = 0;
  let paramCount = 0;
  let truncated = false;
  let p = pos;
  while (p < end && text.charCodeAt(p) === 91 /* [ */) {
    const idStart = p + 1;
    p = sdNameEnd(text, idStart, end);
    if (p === idStart) {
      msg.parseError = 'SD-ID missing';
      return -1;
    }
    const id = text.slice(idStart, p);
    let params = structuredData[id];
    if (params === undefined && elementCount < MAX_SD_ELEMENTS) {
      params = Object.create(null) as SdParams;
      structuredData[id] = params;
      elementCount++;
    } else if (params === undefined) {
      truncated = true;
    }
    for (;;) {
      const code = p < end ? text.charCodeAt(p) : -1;
      if (code === CLOSE_BRACKET) {
        p++;
        break;
      }
      if (code !== SPACE) {
        msg.parseError = code < 0 ? 'SD-ELEMENT not closed' : 'bad character in SD-ELEMENT';
        return -1;
      }
      const nameStart = p + 1;
      p = sdNameEnd(text, nameStart, end);
      if (p === nameStart || text.charCodeAt(p) !== EQUALS || text.charCodeAt(p + 1) !== QUOTE || p + 1 >= end) {
        msg.parseError = 'bad SD-PARAM';
        return -1;
      }
      const valueStart = p + 2;
      const stop = valueEnd(text, valueStart, end);
      if (stop < 0) {
        msg.parseError = 'PARAM-VALUE not closed';
        return -1;
      }
      if (params !== undefined && paramCount < MAX_SD_PARAMS) {
        addParam(params, text.slice(nameStart, p), unescapeValue(text, valueStart, stop));
        paramCount++;
      } else {
        truncated = true;
      }
      p = stop + 1;
    }
  }
  msg.structuredData = structuredData;
  if (truncated) msg.structuredDataTruncated = true;
  return p;
}
