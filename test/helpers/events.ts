/** Log lines as the pipeline sees them: RawMessages as a file reader makes them, and their ECS events. */
import type { EcsEvent } from '../../collector/ecs/event.js';
import { defaultObserver, normalize, type NormalizeContext } from '../../collector/normalize.js';
import type { RawMessage } from '../../collector/raw-message.js';

export const NORMALIZE_UTC: NormalizeContext = { timeZone: 'UTC', observer: defaultObserver('test') };

/** One line read from a file, as `siemad analyze` reads it. */
export function rawLine(text: string, seq = 0, receivedAt = Date.UTC(2026, 10, 22)): RawMessage {
  return {
    text,
    transport: 'file',
    peerAddress: 'test.log',
    peerPort: 0,
    receivedAt,
    connectionId: 1,
    seq,
    truncated: false,
    size: Buffer.byteLength(text),
  };
}

/** The decoded ECS events of `lines`, in order. */
export function decodeLines(lines: readonly string[]): EcsEvent[] {
  return lines.map((text, seq) => normalize(rawLine(text, seq), NORMALIZE_UTC));
}

/** An RFC 5424-style ISO time `minutes` (and `seconds`) after `start`, as rsyslog forwards it. */
export function isoAt(start: number, minutes: number, seconds = 0): string {
  return new Date(start + minutes * 60_000 + seconds * 1000).toISOString().replace('Z', '+00:00');
}
