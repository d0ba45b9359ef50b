/**
 * What the syslog parser produces from one message (one frame, datagram or file line), before any
 * decoding of the body. Parsers never throw: a message that does not parse has `format: 'invalid'`,
 * `parseError` set and the whole input as `message`.
 */
export type SyslogFormat =
  /** RFC 5424 header (`<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`). */
  | 'rfc5424'
  /** BSD syslog as senders write it (RFC 3164, also rsyslog's RFC 3339 "high precision" variant). */
  | 'rfc3164'
  /** No syslog header at all: a line as it stands in a plain log file (e.g. nginx access.log). */
  | 'plain'
  /** Could not be parsed; see `parseError`. */
  | 'invalid';

export interface SyslogMessage {
  format: SyslogFormat;
  /** PRI value 0..191, when the message carried one. */
  priority?: number;
  /** RFC 5424 VERSION (always 1 today). */
  version?: number;
  /** Event time as epoch milliseconds, when the header had a usable timestamp. */
  timestamp?: number;
  /** True when the year (RFC 3164) was inferred rather than read. */
  yearInferred?: boolean;
  hostname?: string;
  appName?: string;
  procId?: string;
  msgId?: string;
  /** SD-ID -> PARAM-NAME -> value; a repeated PARAM-NAME becomes an array. Null-prototype objects. */
  structuredData?: Record<string, Record<string, string | string[]>>;
  /** True when SD-ELEMENTs or SD-PARAMs beyond the parser's bounds were dropped (hostile input). */
  structuredDataTruncated?: boolean;
  /**
   * The MSG part (RFC 5424) or CONTENT after `tag:` (RFC 3164): BOM and leading SP/HT removed,
   * trailing CR/LF removed. Plain and invalid lines keep their leading whitespace.
   */
  message: string;
  parseError?: string;
}

export interface ParseOptions {
  /** Time zone for RFC 3164 timestamps, which carry none: IANA name (e.g. `Europe/Berlin`) or `UTC`. */
  timeZone: string;
  /** "Now" in epoch ms, for inferring the year of RFC 3164 timestamps. */
  now: number;
}
