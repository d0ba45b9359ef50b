import type { EcsEndpoint, EcsEvent } from '../ecs/event.js';
import type { GeoAnswer, GeoIp } from './geoip.js';

/** `labels` keys naming the scope of an address that was not looked up (private, loopback, ...). */
export const SCOPE_LABELS = { source: 'source_address_scope', destination: 'destination_address_scope' } as const;

/**
 * Adds ECS `geo` and `as` to `source` and `destination` of each event whose address is public;
 * an address in a private, loopback, link-local, documentation or reserved range is not looked up
 * and its scope goes to `labels.{source,destination}_address_scope`. A batch stage
 * (`EventEnricher`), run before the scorer so its features can read the country.
 */
export class GeoEnricher {
  readonly name = 'geoip';

  /** The last address and its answer: logs repeat an address line after line (a brute force, a crawler). */
  private lastIp = '';
  private lastAnswer: GeoAnswer | undefined;

  constructor(private readonly geoIp: GeoIp) {}

  enrich(events: readonly EcsEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.source?.ip !== undefined) this.endpoint(event, event.source, SCOPE_LABELS.source);
      if (event.destination?.ip !== undefined) this.endpoint(event, event.destination, SCOPE_LABELS.destination);
    }
  }

  private endpoint(event: EcsEvent, endpoint: EcsEndpoint, scopeLabel: string): void {
    const ip = endpoint.ip!;
    let answer = this.lastAnswer;
    if (ip !== this.lastIp || answer === undefined) {
      answer = this.geoIp.lookup(ip);
      this.lastIp = ip;
      this.lastAnswer = answer;
    }
    if (answer.scope !== 'public') {
      if (answer.scope === 'invalid') return;
      (event.labels ??= {})[scopeLabel] = answer.scope;
      return;
    }
    if (answer.geo !== undefined) endpoint.geo = answer.geo;
    if (answer.as !== undefined) endpoint.as = answer.as;
  }
}
