/** Whether a file holds NDJSON events (replayed as they are) or raw log lines (run through the pipeline). */
import { open } from 'node:fs/promises';

export type InputFormat = 'events' | 'raw';

const SNIFF_BYTES = 64 * 1024;

/** Looks at the first non-empty line: a JSON object with `@timestamp` and `event` is an event file. */
export async function detectInputFormat(file: string): Promise<InputFormat> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return looksLikeEvents(buffer.toString('utf8', 0, bytesRead)) ? 'events' : 'raw';
  } finally {
    await handle.close();
  }
}

export function looksLikeEvents(head: string): boolean {
  for (const line of head.split('\n')) {
    const text = line.trim();
    if (text === '') continue;
    if (!text.startsWith('{')) return false;
    try {
      const doc = JSON.parse(text) as unknown;
      return typeof doc === 'object' && doc !== null && '@timestamp' in doc && 'event' in doc;
    } catch {
      // A first line longer than the sniffed head, or not JSON: only the former can be events.
      return !head.includes('\n', head.indexOf(text) + text.length) && text.startsWith('{"');
    }
  }
  return false;
}
