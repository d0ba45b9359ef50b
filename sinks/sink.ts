import type { EcsEvent } from '../collector/ecs/event.js';
import type { EncodedBatch, SinkEncoding } from './encode.js';

/**
 * Where events go after the pipeline. `write` resolves when the sink has taken the batch (for a
 * durable sink: written to its buffer); a slow sink makes the pipeline wait, which fills the
 * receive queue, which pauses TCP senders — that is the backpressure path. Anomalous events
 * (`anomaly.is_anomaly`) are also written to the sink's anomalies stream.
 */
export interface EventSink {
  readonly name: string;
  write(events: readonly EcsEvent[]): Promise<void>;
  /**
   * With codec threads (`--workers` above 1) the events come encoded as `encoding` says, beside
   * the event objects (for what the sink reads itself: ids, anomaly flags). A sink without
   * `encoding` gets every batch through `write`.
   */
  readonly encoding?: SinkEncoding;
  writeEncoded?(events: readonly EcsEvent[], encoded: EncodedBatch): Promise<void>;
  /** Flushes what is buffered and releases files and connections. */
  close(): Promise<void>;
  /**
   * Shutdown has begun (a signal): the queue drains into the sink next, then `close`. A sink that
   * may wait for room (a full disk buffer) stops waiting long, so a shutdown cannot hang.
   */
  beginShutdown?(): void;
  /** True while the sink refuses more for now (a full disk buffer): UDP receivers drop and count datagrams. */
  isFull?(): boolean;
  /** The sink's part of `/healthz`; `degraded` turns the endpoint to 503. */
  health?(): SinkHealth;
}

export interface SinkHealth {
  degraded: boolean;
  [detail: string]: unknown;
}

export function isAnomalous(event: EcsEvent): boolean {
  return event.anomaly?.is_anomaly === true;
}
