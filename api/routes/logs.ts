import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DryRunUnsupportedError } from '../../scorer/features/extract.js';
import { API_ERRORS, ApiError } from '../errors.js';
import { applyMetadata, LOG_SOURCES, rawMessages, verdictOf, type LogInput, type LogSource } from '../ingest.js';
import type { TokenRateLimiter } from '../rate-limit.js';
import type { ApiLimits, LogAnalyzer } from '../services.js';
import { errorResponses } from './responses.js';

const MAX_LINE = 64 * 1024;

const metadata = {
  type: 'object',
  additionalProperties: false,
  description: 'fields that supply or override what the decoders found',
  properties: {
    source_ip: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }], description: 'source.ip' },
    username: { type: 'string', minLength: 1, maxLength: 256, description: 'user.name' },
    status_code: { type: 'integer', minimum: 100, maximum: 599, description: 'http.response.status_code' },
    hostname: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$', description: 'host.hostname' },
    timestamp: { type: 'string', format: 'date-time', description: '@timestamp (RFC 3339 with zone): the event time the windows use' },
  },
} as const;
const source = {
  type: 'string',
  enum: [...LOG_SOURCES],
  description: 'what the line is: auth (sshd, PAM), nginx, apache, firewall (netfilter), syslog or auto (as the syslog receivers read it)',
} as const;
const logLine = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_LINE,
  description: 'one log line, with or without a syslog header',
} as const;
const logItem = {
  anyOf: [
    logLine,
    { type: 'object', additionalProperties: false, required: ['log_line'], properties: { log_line: logLine, source, metadata } },
  ],
} as const;

const VERDICT = {
  $id: 'Verdict',
  type: 'object',
  description: "The scorer's verdict on one line (risk 0 and level none for events no model scores, or with --scoring false)",
  required: ['event_id', 'is_anomaly', 'risk_score', 'risk_level', 'reasons', 'model_scores', 'dataset'],
  properties: {
    event_id: { type: 'string', description: 'event.id' },
    is_anomaly: { type: 'boolean' },
    risk_score: { type: 'number', description: 'anomaly.score, 0-1' },
    risk_level: { type: 'string', enum: ['none', 'low', 'medium', 'high', 'critical'] },
    recommended_action: { type: ['string', 'null'] },
    reasons: { type: 'array', items: { type: 'string' } },
    model_scores: { type: 'object', additionalProperties: { type: 'number' } },
    kind: { type: ['string', 'null'], description: 'anomaly.kind' },
    entity: { type: ['string', 'null'], description: 'anomaly.entity' },
    dataset: { type: 'string', description: 'event.dataset' },
    action: { type: ['string', 'null'], description: 'event.action' },
    event: { type: 'object', additionalProperties: true, description: 'the ECS event' },
  },
} as const;
export const LOG_SCHEMAS = [VERDICT];

interface AnalyzeBody {
  log_line: string;
  source?: LogSource;
  metadata?: LogInput['metadata'];
  dry_run?: boolean;
}

interface BatchBody {
  logs: (string | LogInput)[];
  source?: LogSource;
  dry_run?: boolean;
  include_events?: boolean;
}

interface BatchQuery {
  source?: LogSource;
  dry_run?: boolean;
  include_events?: boolean;
}

/**
 * POST /logs/analyze and /logs/batch: lines through the same pipeline as syslog input (decode,
 * score, store; with dry_run scored only). Scope ingest; lines count against --api-ingest-rate.
 */
export function logRoutes(analyzer: LogAnalyzer | undefined, limits: ApiLimits, lines: TokenRateLimiter) {
  const need = (): LogAnalyzer => {
    if (analyzer === undefined)
      throw new ApiError(API_ERRORS.NOT_AVAILABLE, 'this API runs without a pipeline: analyze and batch need siemad serve');
    return analyzer;
  };
  const charge = (request: FastifyRequest, count: number): void => {
    const wait = lines.take(request.actor, count);
    if (wait > 0)
      throw new ApiError(
        API_ERRORS.RATE_LIMITED,
        `token "${request.actor}" is over its ${limits.lineRate} lines/s (--api-ingest-rate); retry in ${wait} s`,
        wait,
      );
  };
  const submit = async (request: FastifyRequest, inputs: LogInput[], fallback: LogSource, dryRun: boolean) => {
    const pipeline = need();
    const raws = rawMessages(inputs, fallback, request.socket.remoteAddress ?? '', request.socket.remotePort ?? 0, Date.now());
    try {
      return await pipeline.submit(raws, { dryRun, keepAll: true, prepare: (event, i) => applyMetadata(event, inputs[i]!.metadata) });
    } catch (err) {
      if (err instanceof DryRunUnsupportedError) throw new ApiError(API_ERRORS.NOT_AVAILABLE, err.message);
      throw err;
    }
  };

  return async function routes(app: FastifyInstance): Promise<void> {
    // NDJSON batches: one item per line, read into the same shape as a JSON batch.
    app.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (_request, body, done) => {
      const logs: unknown[] = [];
      const text = body as string;
      let start = 0;
      let lineNumber = 0;
      while (start < text.length) {
        let end = text.indexOf('\n', start);
        if (end < 0) end = text.length;
        lineNumber++;
        const line = text.slice(start, end).trim();
        start = end + 1;
        if (line === '') continue;
        try {
          logs.push(JSON.parse(line));
        } catch {
          done(Object.assign(new Error(`line ${lineNumber} of the NDJSON body is not valid JSON`), { statusCode: 400 }), undefined);
          return;
        }
      }
      done(null, { logs });
    });

    app.post<{ Body: AnalyzeBody }>('/logs/analyze', {
      config: { scope: 'ingest' },
      schema: {
        tags: ['ingest'],
        summary: 'Analyze one log line',
        description:
          'Scope: ingest. The line goes through the same pipeline as syslog input and is answered at once. It updates the entity windows and is stored like syslog input, unless dry_run is true (scored against the current state, which it leaves as it was).',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['log_line'],
          properties: { log_line: logLine, source: { ...source, default: 'auto' }, metadata, dry_run: { type: 'boolean', default: false } },
        },
        response: {
          200: {
            type: 'object',
            required: [
              'event_id',
              'is_anomaly',
              'risk_score',
              'risk_level',
              'reasons',
              'model_scores',
              'dataset',
              'processing_time_ms',
              'dry_run',
              'event',
            ],
            properties: { ...VERDICT.properties, processing_time_ms: { type: 'number' }, dry_run: { type: 'boolean' } },
          },
          ...errorResponses(400, 401, 403, 413, 415, 429, 501, 503),
        },
      },
      handler: async (request) => {
        const started = performance.now();
        const body = request.body;
        charge(request, 1);
        const events = await submit(request, [body], body.source ?? 'auto', body.dry_run === true);
        return { ...verdictOf(events[0]!, true), processing_time_ms: round3(performance.now() - started), dry_run: body.dry_run === true };
      },
    });

    app.post<{ Body: BatchBody; Querystring: BatchQuery }>('/logs/batch', {
      config: { scope: 'ingest', bodyLimitSetting: '--api-batch-body-limit' },
      bodyLimit: limits.batchBodyLimit,
      schema: {
        tags: ['ingest'],
        summary: 'Analyze a batch of log lines',
        description: `Scope: ingest. Up to ${limits.batchMaxLines} lines (--api-batch-max-lines; more: 413), answered one verdict per line, in order. JSON ({"logs": [...]}, items a line or {log_line, source, metadata}) or NDJSON (Content-Type: application/x-ndjson, one item per line; options in the query string). The ECS events are included with include_events.`,
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { source, dry_run: { type: 'boolean' }, include_events: { type: 'boolean' } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['logs'],
          properties: {
            logs: { type: 'array', minItems: 1, items: logItem },
            source: { ...source, description: `default for items without one; ${source.description}` },
            dry_run: { type: 'boolean' },
            include_events: { type: 'boolean' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['results', 'count', 'anomalies', 'processing_time_ms', 'dry_run'],
            properties: {
              results: { type: 'array', items: { $ref: 'Verdict#' } },
              count: { type: 'integer' },
              anomalies: { type: 'integer' },
              processing_time_ms: { type: 'number' },
              dry_run: { type: 'boolean' },
            },
          },
          ...errorResponses(400, 401, 403, 413, 415, 429, 501, 503),
        },
      },
      // The line count is checked before the schema walks every item.
      preValidation: async (request) => {
        const logs = (request.body as { logs?: unknown } | undefined)?.logs;
        if (Array.isArray(logs) && logs.length > limits.batchMaxLines) {
          throw new ApiError(
            API_ERRORS.PAYLOAD_TOO_LARGE,
            `${logs.length} lines: a batch holds at most ${limits.batchMaxLines} (--api-batch-max-lines)`,
          );
        }
      },
      handler: async (request) => {
        const started = performance.now();
        const { body, query } = request;
        const dryRun = (query.dry_run ?? body.dry_run) === true;
        const includeEvents = (query.include_events ?? body.include_events) === true;
        const inputs = body.logs.map((item) => (typeof item === 'string' ? { log_line: item } : item));
        charge(request, inputs.length);
        const events = await submit(request, inputs, query.source ?? body.source ?? 'auto', dryRun);
        const results = new Array(events.length);
        let anomalies = 0;
        for (let i = 0; i < events.length; i++) {
          results[i] = verdictOf(events[i]!, includeEvents);
          if (results[i].is_anomaly) anomalies++;
        }
        return { results, count: results.length, anomalies, processing_time_ms: round3(performance.now() - started), dry_run: dryRun };
      },
    });
  };
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
