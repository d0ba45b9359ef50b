import type { EcsEvent } from './ecs/event.js';

/** A stage between decoding and the sinks, e.g. the anomaly scorer. Works on whole batches. */
export interface EventEnricher {
  readonly name: string;
  enrich(events: EcsEvent[]): Promise<void> | void;
  close?(): Promise<void>;
}
