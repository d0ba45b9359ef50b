import { hostname as osHostname } from 'node:os';
import { decodeMessage } from './decoders/index.js';
import { isoString } from './decoders/iso-time.js';
import { ECS_VERSION, TAGS, type EcsEvent, type EcsObserver } from './ecs/event.js';
import type { RawMessage } from './raw-message.js';
import type { ParseOptions, SyslogMessage } from './syslog/message.js';
import { parseSyslog } from './syslog/parse.js';
import { FACILITY_NAMES, SEVERITY_NAMES } from './syslog/priority.js';

/**
 * Turns one received message into one ECS event: parse the syslog header, fill the header-derived
 * fields, then let the body decoders add what they recognise. Never throws: whatever the input,
 * the event keeps `event.original` and says in `tags` what went wrong.
 */
export interface NormalizeContext {
  /** Time zone for RFC 3164 timestamps (IANA name or UTC). */
  timeZone: string;
  observer: EcsObserver;
}

export function defaultObserver(version: string): EcsObserver {
  return { hostname: osHostname(), type: 'log-collector', vendor: 'siem-anomaly-detector', product: 'siemad', version };
}

// Shared, frozen sub-objects: 24 facilities and 8 severities, so events do not allocate them.
const FACILITIES = FACILITY_NAMES.map((name, code) => Object.freeze({ code, name }));
const SEVERITIES = SEVERITY_NAMES.map((name, code) => Object.freeze({ code, name }));

const parseOptions: ParseOptions = { timeZone: 'UTC', now: 0 };

export function normalize(raw: RawMessage, context: NormalizeContext): EcsEvent {
  parseOptions.timeZone = context.timeZone;
  parseOptions.now = raw.receivedAt;
  const msg = parseSyslog(raw.text, parseOptions);
  const event = baseEvent(raw, msg, context);
  decodeMessage(msg, event, parseOptions);
  return event;
}

function baseEvent(raw: RawMessage, msg: SyslogMessage, context: NormalizeContext): EcsEvent {
  const created = isoString(raw.receivedAt);
  // A valid header time can still lie outside what ISO 8601 / OpenSearch dates hold (a sender's
  // 9999-12-31T23:59:59-23:59): then the receipt time stands in, tagged, never an empty string.
  const stated = msg.timestamp !== undefined && Number.isFinite(msg.timestamp) ? isoString(msg.timestamp) : '';
  const outOfRange = msg.timestamp !== undefined && stated === '';
  const event: EcsEvent = {
    '@timestamp': stated !== '' ? stated : created,
    ecs: { version: ECS_VERSION },
    event: { created, kind: 'event', original: raw.text, dataset: 'system.syslog', module: 'system' },
    log: {},
    observer: context.observer,
    message: msg.message,
  };
  if (raw.transport === 'file') event.log.file = { path: raw.peerAddress };
  else if (raw.peerAddress !== '') {
    event.log.source = {
      address: raw.peerAddress.includes(':') ? `[${raw.peerAddress}]:${raw.peerPort}` : `${raw.peerAddress}:${raw.peerPort}`,
    };
  }
  if (msg.format === 'rfc5424' || msg.format === 'rfc3164') {
    const syslog: NonNullable<EcsEvent['log']['syslog']> = {};
    if (msg.priority !== undefined) {
      syslog.priority = msg.priority;
      syslog.facility = FACILITIES[msg.priority >> 3];
      syslog.severity = SEVERITIES[msg.priority & 7];
      event.log.level = SEVERITY_NAMES[msg.priority & 7];
    }
    if (msg.version !== undefined) syslog.version = String(msg.version);
    if (msg.appName !== undefined) syslog.appname = msg.appName;
    if (msg.procId !== undefined) syslog.procid = msg.procId;
    if (msg.msgId !== undefined) syslog.msgid = msg.msgId;
    if (msg.hostname !== undefined) {
      syslog.hostname = msg.hostname;
      event.host = { hostname: msg.hostname };
    }
    if (msg.structuredData !== undefined) syslog.structured_data = msg.structuredData;
    event.log.syslog = syslog;
    if (msg.appName !== undefined) {
      const pid = msg.procId === undefined ? NaN : toPid(msg.procId);
      event.process = Number.isNaN(pid) ? { name: msg.appName } : { name: msg.appName, pid };
    }
  }
  let tags: string[] | undefined;
  if (msg.format === 'invalid') {
    tags = [TAGS.parseError];
    event.error = { message: msg.parseError ?? 'unparsable syslog message', type: 'syslog_parse' };
  }
  if (raw.truncated) (tags ??= []).push(TAGS.truncated);
  if (msg.yearInferred === true) (tags ??= []).push(TAGS.timestampInferred);
  if (outOfRange) (tags ??= []).push(TAGS.timestampOutOfRange);
  if (tags !== undefined) event.tags = tags;
  return event;
}

/** A PROCID is a pid only when it is all digits (RFC 5424 allows any printable text). */
function toPid(procId: string): number {
  if (procId.length === 0 || procId.length > 10) return NaN;
  for (let i = 0; i < procId.length; i++) {
    const c = procId.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return NaN;
  }
  const pid = Number(procId);
  return pid <= 0x7fffffff ? pid : NaN;
}
