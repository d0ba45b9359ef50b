/**
 * RFC 5424 after the PRI: `VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP
 * STRUCTURED-DATA [SP MSG]`. Any deviation makes the message invalid (see parse.ts), except:
 * - header fields may exceed the RFC's lengths (255/48/128/32): senders exceed them, and the input
 *   size already bounds them; their characters must still be PRINTUSASCII;
 * - the timestamp leniencies of rfc3339.ts;
 * - MSG loses leading whitespace (message-text.ts): rsyslog relays a local BSD message as
 *   `... - -  Failed password ...`, and the second SP is padding, not content.
 */
import { indexOfSpace, isDigit, SPACE } from './chars.js';
import type { ParseOptions, SyslogMessage } from './message.js';
import { messageText } from './message-text.js';
import { readRfc3339 } from './rfc3339.js';
import { readStructuredData } from './structured-data.js';
import type { TimestampSlot } from './timestamp-slot.js';

const NILVALUE = 45; // -

/** The header fields after TIMESTAMP, in order, as named in the reason they are malformed. */
const HEADER_FIELD_ERRORS = ['bad HOSTNAME', 'bad APP-NAME', 'bad PROCID', 'bad MSGID'] as const;
const FIELD_MALFORMED = -1;
const FIELD_CUT_SHORT = -2;

/**
 * Index of the SP ending the header field (PRINTUSASCII) at `pos`; FIELD_MALFORMED when the field
 * is empty or holds another character, FIELD_CUT_SHORT when the message ends inside it.
 */
function headerFieldEnd(text: string, pos: number, end: number): number {
  let p = pos;
  while (p < end) {
    const code = text.charCodeAt(p);
    if (code === SPACE) return p === pos ? FIELD_MALFORMED : p;
    if (code < 33 || code > 126) return FIELD_MALFORMED;
    p++;
  }
  return FIELD_CUT_SHORT;
}

/** The field between `start` and `stop`, or undefined for NILVALUE. */
function fieldValue(text: string, start: number, stop: number): string | undefined {
  return stop === start + 1 && text.charCodeAt(start) === NILVALUE ? undefined : text.slice(start, stop);
}

/**
 * True when VERSION SP is followed by what can only be the start of an RFC 5424 TIMESTAMP
 * (NILVALUE or a digit) or by nothing: from there on the message is held to RFC 5424.
 * `pos` is just after the PRI.
 */
export function looksLikeRfc5424(text: string, pos: number, end: number): boolean {
  const first = text.charCodeAt(pos);
  if (!(first >= 49 && first <= 57)) return false; // NONZERO-DIGIT
  let p = pos + 1;
  while (p < end && p - pos < 3 && isDigit(text.charCodeAt(p))) p++;
  if (p >= end || text.charCodeAt(p) !== SPACE) return false;
  p++;
  return p >= end || text.charCodeAt(p) === NILVALUE || isDigit(text.charCodeAt(p));
}

/**
 * Parses the message from VERSION (at `pos`) on into `msg`. Returns false with `msg.parseError`
 * set when the message breaks the grammar.
 */
export function parseRfc5424(text: string, pos: number, end: number, opts: ParseOptions, msg: SyslogMessage, slot: TimestampSlot): boolean {
  let p = pos;
  let version = 0;
  while (p < end && isDigit(text.charCodeAt(p))) version = version * 10 + (text.charCodeAt(p++) - 48);
  msg.version = version;
  p++; // the SP checked by looksLikeRfc5424
  if (p >= end) {
    msg.parseError = 'RFC 5424 header cut short';
    return false;
  }

  let fieldEnd = indexOfSpace(text, p, end);
  if (fieldEnd >= end) {
    msg.parseError = 'RFC 5424 header cut short';
    return false;
  }
  if (!(fieldEnd === p + 1 && text.charCodeAt(p) === NILVALUE)) {
    if (readRfc3339(text, p, end, opts.timeZone, slot) !== fieldEnd) {
      msg.parseError = 'bad TIMESTAMP';
      return false;
    }
    msg.timestamp = slot.epochMs;
  }
  p = fieldEnd + 1;

  for (let field = 0; field < HEADER_FIELD_ERRORS.length; field++) {
    fieldEnd = headerFieldEnd(text, p, end);
    if (fieldEnd < 0) {
      msg.parseError = fieldEnd === FIELD_CUT_SHORT ? 'RFC 5424 header cut short' : HEADER_FIELD_ERRORS[field];
      return false;
    }
    const value = fieldValue(text, p, fieldEnd);
    if (field === 0) msg.hostname = value;
    else if (field === 1) msg.appName = value;
    else if (field === 2) msg.procId = value;
    else msg.msgId = value;
    p = fieldEnd + 1;
  }

  p = readStructuredData(text, p, end, msg);
  if (p < 0) return false;
  if (p < end) {
    if (text.charCodeAt(p) !== SPACE) {
      msg.parseError = 'no SP after STRUCTURED-DATA';
      return false;
    }
    p++;
  }
  msg.message = messageText(text, p, end);
  return true;
}
