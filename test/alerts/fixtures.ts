/**
 * Anomalies for the alert tests, written by hand with documentation addresses (RFC 5737) and
 * invented names: `anomaly(...)` builds what the writer queues, `anomalousEvent(...)` the scorer's
 * output it is built from.
 */
import type { AlertAnomaly, AlertLevel } from '../../alerts/anomaly.js';
import { ACTIONS } from '../../collector/decoders/actions.js';
import type { EcsEvent } from '../../collector/ecs/event.js';

export const T0 = Date.parse('2026-11-02T03:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

let serial = 0;

export function anomaly(overrides: Partial<AlertAnomaly> & { minute?: number } = {}): AlertAnomaly {
  const { minute, ...rest } = overrides;
  serial++;
  return {
    eventId: `ev-${serial}`,
    time: T0 + (minute ?? 0) * MINUTE,
    entity: 'source.ip=203.0.113.9',
    kind: 'brute_force',
    level: 'high',
    score: Math.fround(0.8),
    reason: `${serial} failed login attempts from 203.0.113.9 in 10 min (normal: ≤ 2)`,
    action: 'Block 203.0.113.9 and check for a successful login from it',
    host: 'gate-01',
    modelVersion: 'test-model',
    features: [1, 0.5, 12],
    ...rest,
    ...(rest.score !== undefined ? { score: Math.fround(rest.score) } : {}),
  };
}

/** An event as the scorer leaves it: flagged at `level`, about `entity`, of `kind`. */
export function anomalousEvent(
  id: string,
  minute: number,
  level: AlertLevel | 'none',
  entity = 'source.ip=198.51.100.23',
  kind = 'port_scan',
): EcsEvent {
  return {
    '@timestamp': new Date(T0 + minute * MINUTE).toISOString(),
    ecs: { version: '8.11.0' },
    event: {
      id,
      created: new Date(T0).toISOString(),
      kind: 'event',
      original: 'kernel: [UFW BLOCK] ...',
      dataset: 'iptables',
      action: ACTIONS.firewallPacket,
    },
    log: {},
    host: { hostname: 'edge-fw' },
    anomaly: {
      is_anomaly: level !== 'none',
      score: level === 'none' ? 0.1 : 0.9,
      level,
      model_scores: {},
      reasons: level === 'none' ? [] : [`${minute + 5} different ports probed by 198.51.100.23 in 1 min (normal: ≤ 3)`],
      recommended_action: 'Port scan: block 198.51.100.23 at the edge',
      model_version: 'test-model',
      entity,
      kind: kind as NonNullable<EcsEvent['anomaly']>['kind'],
    },
  };
}
