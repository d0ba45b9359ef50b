/**
 * Log lines submitted over HTTP (analyze, batch) as the pipeline's RawMessages, and its scored
 * events as the API's verdicts. A `source` hint gives a bare line (no syslog header) the program
 * its decoders expect: `auth` sshd (or the line's own `prog[pid]:`), `nginx`, `apache`, `firewall`
 * the kernel's netfilter; `auto` and `syslog` take the line as it is, as the syslog receivers do.
 * Metadata supplies or overrides decoded fields after decoding, before scoring.
 */
import type { AnomalyLevel, EcsEvent } from '../collector/ecs/event.js';
import { newConnectionId, type RawMessage } from '../collector/raw-message.js';

export const LOG_SOURCES = ['auto', 'syslog', 'auth', 'nginx', 'apache', 'firewall'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];

export interface LogMetadata {
  source_ip?: string;
  username?: string;
  status_code?: number;
  hostname?: string;
  timestamp?: string;
}

export interface LogInput {
  log_line: string;
  source?: LogSource;
  metadata?: LogMetadata;
}

/** Program and PRI (facility*8 + severity info) of the header given to a bare line, by hint. */
const HEADER_OF: Partial<Record<LogSource, { app: string; pri: number }>> = {
  auth: { app: 'sshd', pri: 4 * 8 + 6 },
  nginx: { app: 'nginx', pri: 23 * 8 + 6 },
  apache: { app: 'apache2', pri: 23 * 8 + 6 },
  firewall: { app: 'kernel', pri: 0 * 8 + 4 },
};

/** A syslog header already there: a PRI, an RFC 3164 date or an ISO 8601 time at the start. */
const HAS_HEADER = /^(?:<\d{1,3}>|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d |\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)/;
/** `prog[pid]: message` or `prog: message` of a bare line. */
const PROGRAM = /^([A-Za-z0-9_./-]{1,48})(?:\[(\d{1,10})\])?: /;

/** The text the pipeline receives for one submitted line. */
export function syslogText(input: LogInput, fallback: LogSource): string {
  const line = input.log_line;
  const source = input.source ?? fallback;
  const header = HEADER_OF[source];
  if (header === undefined || HAS_HEADER.test(line)) return line;
  let app = header.app;
  let procId = '-';
  let message = line;
  const program = source === 'auth' ? PROGRAM.exec(line) : null;
  if (program !== null) {
    app = program[1]!;
    procId = program[2] ?? '-';
    message = line.slice(program[0].length);
  }
  const time = input.metadata?.timestamp ?? '-';
  const host = input.metadata?.hostname ?? '-';
  return `<${header.pri}>1 ${time} ${host} ${app} ${procId} - - ${message}`;
}

/** One RawMessage per input, as a connection of its own from the HTTP client. */
export function rawMessages(
  inputs: readonly LogInput[],
  fallback: LogSource,
  peerAddress: string,
  peerPort: number,
  now: number,
): RawMessage[] {
  const connectionId = newConnectionId();
  const raws: RawMessage[] = new Array(inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const text = syslogText(inputs[i]!, fallback);
    raws[i] = {
      text,
      transport: 'http',
      peerAddress,
      peerPort,
      receivedAt: now,
      connectionId,
      seq: i,
      truncated: false,
      size: Buffer.byteLength(text),
    };
  }
  return raws;
}

/** Fields the caller supplied, over what the decoders found (validated by the route's schema). */
export function applyMetadata(event: EcsEvent, metadata: LogMetadata | undefined): void {
  if (metadata === undefined) return;
  if (metadata.source_ip !== undefined) event.source = { ...event.source, ip: metadata.source_ip };
  if (metadata.username !== undefined) event.user = { ...event.user, name: metadata.username };
  if (metadata.hostname !== undefined) event.host = { ...event.host, hostname: metadata.hostname };
  if (metadata.status_code !== undefined)
    event.http = { ...event.http, response: { ...event.http?.response, status_code: metadata.status_code } };
  if (metadata.timestamp !== undefined) event['@timestamp'] = new Date(metadata.timestamp).toISOString();
}

export interface Verdict {
  event_id: string;
  is_anomaly: boolean;
  risk_score: number;
  risk_level: AnomalyLevel;
  recommended_action: string | null;
  reasons: string[];
  model_scores: Record<string, number>;
  kind: string | null;
  entity: string | null;
  dataset: string;
  action: string | null;
  event?: EcsEvent;
}

export function verdictOf(event: EcsEvent, includeEvent: boolean): Verdict {
  const anomaly = event.anomaly;
  const verdict: Verdict = {
    event_id: event.event.id ?? '',
    is_anomaly: anomaly?.is_anomaly === true,
    risk_score: anomaly?.score ?? 0,
    risk_level: anomaly?.level ?? 'none',
    recommended_action: anomaly?.recommended_action ?? null,
    reasons: anomaly?.reasons ?? [],
    model_scores: anomaly?.model_scores ?? {},
    kind: anomaly?.kind ?? null,
    entity: anomaly?.entity ?? null,
    dataset: event.event.dataset,
    action: event.event.action ?? null,
  };
  if (includeEvent) verdict.event = event;
  return verdict;
}
