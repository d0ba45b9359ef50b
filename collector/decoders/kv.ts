/**
 * Last resort for bodies no decoder knows: `key=value` pairs into `event.kv`, bounded in count
 * and size so a hostile body cannot blow up the document. Values may be double-quoted (with
 * backslash escapes, kept as written); unquoted values end at a space, `,` or `;`.
 */
import type { EcsEvent } from '../ecs/event.js';
import { indexAfterQuoted } from './scan.js';

export const MAX_KV_PAIRS = 32;
export const MAX_KV_KEY_LENGTH = 64;
export const MAX_KV_VALUE_LENGTH = 256;

function isKeyChar(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 46 || code === 45
  );
}

function isValueEnd(code: number): boolean {
  return code === 32 || code === 44 || code === 59;
}

/** Adds up to MAX_KV_PAIRS pairs found in `body` to `event.kv`; returns how many were added. */
export function extractKeyValues(body: string, event: EcsEvent): number {
  let kv: Record<string, string> | undefined;
  let count = 0;
  let i = 0;
  const length = body.length;
  while (i < length && count < MAX_KV_PAIRS) {
    const eq = body.indexOf('=', i);
    if (eq < 0) break;
    // The key is the run of key characters just before '='.
    let keyStart = eq;
    while (keyStart > i && isKeyChar(body.charCodeAt(keyStart - 1))) keyStart--;
    let valueEnd: number;
    let valueStart = eq + 1;
    if (body.charCodeAt(valueStart) === 34) {
      const after = indexAfterQuoted(body, valueStart + 1);
      valueEnd = after < 0 ? length : after - 1;
      valueStart++;
      i = after < 0 ? length : after;
    } else {
      valueEnd = valueStart;
      while (valueEnd < length && !isValueEnd(body.charCodeAt(valueEnd))) valueEnd++;
      i = valueEnd;
    }
    // A key must start the body or follow a separator (`a=b` in `x/a=b` is not a pair).
    const boundary = keyStart === 0 || isValueEnd(body.charCodeAt(keyStart - 1)) || body.charCodeAt(keyStart - 1) === 34;
    if (keyStart < eq && eq - keyStart <= MAX_KV_KEY_LENGTH && boundary && valueEnd > valueStart) {
      kv ??= Object.create(null) as Record<string, string>;
      const key = body.slice(keyStart, eq);
      if (kv[key] === undefined) {
        kv[key] = body.slice(valueStart, Math.min(valueEnd, valueStart + MAX_KV_VALUE_LENGTH));
        count++;
      }
    }
    if (i <= eq) i = eq + 1;
  }
  if (kv !== undefined) event.kv = kv;
  return count;
}
