/**
 * Entry point of the body decoders: turns the body of one parsed message into ECS fields of the
 * event that normalize.ts built from the header. Order of attempts:
 * 1. unwrap `message repeated N times: [ ... ]` (event.count = N) for every program;
 * 2. the decoders registered for the program (apps.ts), by APP-NAME;
 * 3. for plain file lines and unknown programs, format sniffing (sniff.ts);
 * 4. `key=value` pairs into `event.kv` (kv.ts), tagged `_no_decoder`; else the message alone.
 * Never throws: a decoder bug leaves the event as far as it got, tagged `_decoder_error`.
 */
import { TAGS, type EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';
import { profileFor } from './apps.js';
import type { DecodeOptions } from './decoder.js';
import { setDataset } from './fields.js';
import { extractKeyValues } from './kv.js';
import { readUint, skipDigits, skipSpaces } from './scan.js';
import { sniffBody } from './sniff.js';

export type { DecodeOptions } from './decoder.js';
export { ACTIONS, type Action } from './actions.js';

const UTC: DecodeOptions = { timeZone: 'UTC' };
const REPEATED = 'message repeated ';

/** Reused between calls: the unwrapped body and its repeat count. */
const repeated = { inner: '', count: 0 };

/** `message repeated N times: [ BODY]` (rsyslog) -> BODY and N; false for anything else. */
function unwrapRepeated(body: string): boolean {
  if (!body.startsWith(REPEATED)) return false;
  const countEnd = skipDigits(body, REPEATED.length);
  const count = readUint(body, REPEATED.length, countEnd);
  if (count <= 0 || !body.startsWith(' times: [', countEnd)) return false;
  const start = skipSpaces(body, countEnd + 9);
  let end = body.length;
  while (end > start && body.charCodeAt(end - 1) === 32) end--;
  if (body.charCodeAt(end - 1) === 93) end--;
  repeated.inner = body.slice(start, end);
  repeated.count = count;
  return true;
}

function decodeBody(body: string, event: EcsEvent, msg: SyslogMessage, options: DecodeOptions): boolean {
  const profile = msg.appName === undefined ? undefined : profileFor(msg.appName);
  if (profile === undefined) return sniffBody(body, event, msg, options);
  if (profile.dataset !== undefined) setDataset(event, profile.dataset);
  const decoders = profile.decoders;
  for (let i = 0; i < decoders.length; i++) {
    if ((decoders[i] as (typeof decoders)[number])(body, event, msg, options)) return true;
  }
  return false;
}

function markUndecoded(event: EcsEvent): void {
  const tags = (event.tags ??= []);
  if (!tags.includes(TAGS.decodeUnknown)) tags.push(TAGS.decodeUnknown);
}

/**
 * Decodes `msg.message` into `event` (see the top of this file). `options.timeZone` is used for
 * body timestamps without an offset; normalize can pass its ParseOptions object as is.
 */
export function decodeMessage(msg: SyslogMessage, event: EcsEvent, options: DecodeOptions = UTC): void {
  try {
    let body = msg.message;
    let count = 0;
    if (unwrapRepeated(body)) {
      body = repeated.inner;
      count = repeated.count;
    }
    const decoded = decodeBody(body, event, msg, options);
    if (count > 0) event.event.count = count * (event.event.count ?? 1);
    if (!decoded) {
      extractKeyValues(body, event);
      markUndecoded(event);
    }
  } catch {
    // Only a decoder bug lands here; the corpus and robustness tests make sure none does.
    const tags = (event.tags ??= []);
    if (!tags.includes(TAGS.decodeError)) tags.push(TAGS.decodeError);
  }
}
