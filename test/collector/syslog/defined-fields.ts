import type { SyslogMessage } from '../../../collector/syslog/message.js';

/**
 * The fields of `msg` that are set, with structured data copied into plain objects, so tests can
 * compare a whole parse result with t.strictSame.
 */
export function definedFields(msg: SyslogMessage): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(msg)) {
    if (value === undefined) continue;
    fields[key] = key === 'structuredData' ? JSON.parse(JSON.stringify(value)) : value;
  }
  return fields;
}
