import type { Logger } from 'pino';
import type { BoundedQueue } from '../queue.js';
import type { RawMessage, Transport } from '../raw-message.js';
import type { AllowList } from './allow-list.js';
import type { SenderRateLimiter } from './sender-rate.js';

/** Why a message or connection was dropped; the `reason` label of `siemad_dropped_total`. */
export type DropReason =
  | 'queue_full'
  | 'not_allowed'
  | 'too_many_connections'
  | 'buffer_full'
  | 'shutdown'
  | 'sender_rate'
  | 'parse_failure_cap';

interface Increment {
  inc(n?: number): void;
}

/** The metrics receivers count into (prom-client counters and gauges, registered by the wiring). */
export interface ReceiverMetrics {
  readonly dropped: { labels(reason: DropReason): Increment };
  readonly connectionsRejected: { labels(transport: Transport, reason: 'handshake' | 'not_allowed' | 'too_many_connections'): Increment };
  readonly senderThrottled: { labels(transport: Transport): Increment };
  readonly openConnections: { labels(transport: Transport): Increment & { dec(n?: number): void } };
  receivedChildren(transport: Transport): { messages: Increment; bytes: Increment; truncated: Increment; framingErrors: Increment };
}

/** What every receiver needs from the wiring around it. */
export interface ReceiverContext {
  queue: BoundedQueue<RawMessage>;
  metrics: ReceiverMetrics;
  logger: Logger;
  allowList: AllowList;
  maxMessageBytes: number;
  /** Per-sender message rate: UDP excess is dropped, a TCP/TLS sender over it is paused. */
  senderRate: SenderRateLimiter;
  /**
   * Chunks a stream connection may have read and not yet written to the sink before it is paused
   * (default 1): as many as the pipeline works on at once, so one busy connection keeps every
   * pipeline thread fed. A crash loses at most these and what the kernel holds for the socket.
   */
  unwrittenChunks?: number;
}

export interface Receiver {
  readonly name: string;
  /** Starts listening; resolves with the bound port (useful with port 0). */
  listen(): Promise<number>;
  /** Stops accepting, closes connections/sockets, resolves when done. */
  close(): Promise<void>;
}

/** Approximate memory held by a queued message, for the queue's byte bound. */
export function queuedSize(message: RawMessage): number {
  return message.text.length * 2 + 128;
}
