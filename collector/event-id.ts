import { hash } from 'node:crypto';
import type { RawMessage } from './raw-message.js';

/**
 * Deterministic event id: a hash of the original message, its receipt time, its sender and its
 * sequence number within the connection. The same message delivered twice by a replay of the disk
 * buffer gets the same id, so OpenSearch's `create` rejects the copy instead of duplicating it.
 */
export function eventId(raw: RawMessage): string {
  const key = `${raw.receivedAt}\u0000${raw.transport}\u0000${raw.peerAddress}\u0000${raw.peerPort}\u0000${raw.connectionId}\u0000${raw.seq}\u0000${raw.text}`;
  // 128 bits of SHA-256, base64url: 22 characters.
  return hash('sha256', key, 'base64url').slice(0, 22);
}
