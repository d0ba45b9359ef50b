import type { EcsEvent } from './ecs/event.js';

export interface EnrichOptions {
  /** Score, but change no state and write nothing (the API's dry_run). */
  dryRun?: boolean;
}

/** A stage between decoding and the sinks, e.g. the anomaly scorer. Works on whole batches. */
export interface EventEnricher {
  readonly name: string;
  enrich(events: EcsEvent[], options?: EnrichOptions): Promise<void> | void;
  close?(): Promise<void>;
}
