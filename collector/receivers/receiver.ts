import type { Logger } from 'pino';
import type { BoundedQueue } from '../../pipeline/queue.js';
import type { CollectorMetrics } from '../../pipeline/metrics.js';
import type { RawMessage } from '../raw-message.js';
import type { AllowList } from './allow-list.js';
import type { SenderRateLimiter } from './sender-rate.js';

/** What every receiver needs from the collector around it. */
export interface ReceiverContext {
  queue: BoundedQueue<RawMessage>;
  metrics: CollectorMetrics;
  logger: Logger;
  allowList: AllowList;
  maxMessageBytes: number;
  /** Per-sender message rate: UDP excess is dropped, a TCP/TLS sender over it is paused. */
  senderRate: SenderRateLimiter;
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
