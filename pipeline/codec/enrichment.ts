import type { EcsEvent } from '../../collector/ecs/event.js';

/**
 * Every field the scorer sets on an event (risk, severity, reason and `anomaly`), in the order it
 * sets them; GeoIP, which runs before it, the codec thread does itself. The codec thread assigns
 * the scored values in this order, so each object's keys come out in the order the
 * single-threaded pipeline gives them. A stage on the scoring thread that set a field not listed
 * here would lose it with `--workers` above 1: the byte-identity test over the corpora catches it.
 */
const ENRICHED_FIELDS: readonly (readonly [string] | readonly [string, string])[] = [
  ['event', 'risk_score'],
  ['event', 'risk_score_norm'],
  ['event', 'severity'],
  ['event', 'reason'],
  ['anomaly'],
];

type Bag = Record<string, unknown>;

const FIELDS = ENRICHED_FIELDS.length;

/**
 * The enriched fields of the scored events as one JSON array: `FIELDS` values per event, null
 * where a field is not set (no stage sets one to null).
 */
export function enrichmentOf(events: readonly EcsEvent[]): string {
  const out: unknown[] = new Array(events.length * FIELDS);
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as unknown as Bag;
    for (let f = 0; f < FIELDS; f++) {
      const [outer, inner] = ENRICHED_FIELDS[f]!;
      const parent = event[outer];
      const value = inner === undefined ? parent : (parent as Bag | undefined)?.[inner];
      out[i * FIELDS + f] = value === undefined ? null : value;
    }
  }
  return JSON.stringify(out);
}

/** Assigns `enrichmentOf`'s values to the whole events they were computed for. */
export function applyEnrichment(events: readonly EcsEvent[], json: string): void {
  const values = JSON.parse(json) as unknown[];
  if (values.length !== events.length * FIELDS) throw new Error(`${values.length / FIELDS} enrichments for ${events.length} events`);
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as unknown as Bag;
    for (let f = 0; f < FIELDS; f++) {
      const value = values[i * FIELDS + f];
      if (value === null) continue;
      const [outer, inner] = ENRICHED_FIELDS[f]!;
      if (inner === undefined) event[outer] = value;
      else ((event[outer] ??= {}) as Bag)[inner] = value;
    }
  }
}
