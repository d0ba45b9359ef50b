import type { Test } from 'tap';
import { decodeMessage, type DecodeOptions } from '../../../collector/decoders/index.js';
import { ECS_VERSION, type EcsEvent } from '../../../collector/ecs/event.js';
import type { SyslogFormat, SyslogMessage } from '../../../collector/syslog/message.js';

export const HEADER_TIME = Date.UTC(2026, 10, 22, 10, 0, 0);
export const RECEIVED_AT = '2026-11-22T10:00:05.000Z';
const SHARED_OBSERVER = Object.freeze({ hostname: 'collector-1', type: 'log-collector' });

/** A parsed message as the syslog parser hands it over: header fields plus the body. */
export function message(appName: string | undefined, body: string, format: SyslogFormat = 'rfc3164'): SyslogMessage {
  const plain = format === 'plain';
  return {
    format,
    timestamp: plain ? undefined : HEADER_TIME,
    hostname: plain ? undefined : 'web-1',
    appName,
    procId: appName === undefined ? undefined : '4242',
    message: body,
  };
}

/** The event normalize.ts builds from the header before decoding (observer shared and frozen, as there). */
export function baseEvent(msg: SyslogMessage): EcsEvent {
  return {
    '@timestamp': msg.timestamp === undefined ? RECEIVED_AT : new Date(msg.timestamp).toISOString(),
    ecs: { version: ECS_VERSION },
    event: { created: RECEIVED_AT, kind: 'event', original: msg.message, dataset: 'system.syslog', module: 'system' },
    log: {},
    observer: SHARED_OBSERVER,
    message: msg.message,
    ...(msg.appName === undefined ? {} : { process: { name: msg.appName, pid: 4242 } }),
  };
}

/** Decodes `body` as sent by `appName` (undefined: no tag) and returns the event. */
export function decode(appName: string | undefined, body: string, options?: DecodeOptions): EcsEvent {
  const msg = message(appName, body);
  const event = baseEvent(msg);
  decodeMessage(msg, event, options);
  return event;
}

/** Decodes a plain file line (no syslog header). */
export function decodePlain(line: string, options?: DecodeOptions): EcsEvent {
  const msg = message(undefined, line, 'plain');
  const event = baseEvent(msg);
  decodeMessage(msg, event, options);
  return event;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends (infer U)[] ? U[] : T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Fields `event` must have; arrays (category, type, related.*) must match exactly. */
export function expectEvent(t: Test, event: EcsEvent, pattern: DeepPartial<EcsEvent>): void {
  t.hasStrict(event, pattern, 'fields');
  if (pattern.event?.category !== undefined) t.strictSame(event.event.category, pattern.event.category, 'event.category');
  if (pattern.event?.type !== undefined) t.strictSame(event.event.type, pattern.event.type, 'event.type');
  if (pattern.related?.ip !== undefined) t.strictSame(event.related?.ip, pattern.related.ip, 'related.ip');
  if (pattern.related?.user !== undefined) t.strictSame(event.related?.user, pattern.related.user, 'related.user');
}

export interface Case {
  /** What the line is; becomes the test name. */
  name: string;
  app: string | undefined;
  body: string;
  expected: DeepPartial<EcsEvent>;
}

/** One subtest per case: decode, then check the expected fields. */
export function runCases(t: Test, cases: readonly Case[], options?: DecodeOptions): void {
  for (const c of cases) {
    t.test(c.name, async (t) => {
      expectEvent(t, decode(c.app, c.body, options), c.expected);
    });
  }
}
