import type { FastifyInstance } from 'fastify';
import type { ApiDatabase } from '../database.js';
import { EXPORT_CONTENT_TYPE, exportFeedback, type ExportFormat } from '../feedback-export.js';
import { parseInstant } from '../instant.js';
import { cursor, entity, instant, kind, ref, suppressionInputProperties, VERDICTS } from '../schemas.js';
import { API_ERRORS, ApiError } from '../errors.js';
import { createFeedback, listFeedback, type FeedbackFilter, type FeedbackInput } from '../store/feedback.js';
import { TOKEN_NAME_PATTERN } from '../tokens.js';
import { errorResponses } from './responses.js';

interface ListQuery extends Omit<FeedbackFilter, 'since' | 'until' | 'limit'> {
  since?: string;
  until?: string;
  format: 'json' | ExportFormat;
  limit?: number;
}

const PAGE_LIMIT = { fallback: 50, max: 500 };
const EXPORT_LIMIT = { fallback: 10_000, max: 100_000 };
const eventId = { type: 'string', minLength: 1, maxLength: 200, description: 'event.id of an anomaly' } as const;

/** POST /feedback, GET /feedback (a page as JSON, or an NDJSON / CSV export). */
export function feedbackRoutes(db: ApiDatabase) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.post<{ Body: FeedbackInput }>('/feedback', {
      config: { scope: 'write' },
      schema: {
        tags: ['feedback'],
        summary: 'Give a verdict on an alert or an anomaly',
        description:
          'Scope: write. Name alert_id, event_id or both. A false_positive or benign verdict may create a suppression; ' +
          'without entity, kind or reason_contains of its own it matches the entity and kind of the alert.',
        security: [{ bearer: [] }],
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['verdict'],
          properties: {
            alert_id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            event_id: eventId,
            verdict: { type: 'string', enum: [...VERDICTS] },
            comment: { type: 'string', maxLength: 4000 },
            suppression: { type: 'object', additionalProperties: false, properties: suppressionInputProperties },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['feedback', 'suppression'],
            properties: { feedback: ref('Feedback'), suppression: { anyOf: [ref('Suppression'), { type: 'null' }] } },
          },
          ...errorResponses(400, 401, 403, 404, 413, 415, 503),
        },
      },
      handler: async (request, reply) => {
        const created = await createFeedback(db, request.body, request.actor);
        return reply.code(201).send(created);
      },
    });

    app.get<{ Querystring: ListQuery }>('/feedback', {
      config: { scope: 'read' },
      schema: {
        tags: ['feedback'],
        summary: 'List or export feedback',
        description:
          `Scope: read. Newest first. format=json: a page (limit at most ${PAGE_LIMIT.max}, default ${PAGE_LIMIT.fallback}) with next_cursor. ` +
          `format=ndjson or csv: a streamed export of at most limit rows (default ${EXPORT_LIMIT.fallback}, at most ${EXPORT_LIMIT.max}) ` +
          'with the anomalies each verdict is about: their model_version and features by name (NDJSON: one line per feedback row, ' +
          'its anomalies in events; CSV: one row per feedback row and anomaly, one column per feature).',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            verdict: { type: 'array', items: { type: 'string', enum: [...VERDICTS] }, maxItems: VERDICTS.length },
            alert_id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            event_id: eventId,
            entity,
            kind,
            created_by: { type: 'string', pattern: TOKEN_NAME_PATTERN, description: 'the token name that gave it' },
            since: { ...instant, description: `given at or after; ${instant.description}` },
            until: { ...instant, description: `given before; ${instant.description}` },
            format: { type: 'string', enum: ['json', 'ndjson', 'csv'], default: 'json' },
            limit: { type: 'integer', minimum: 1, maximum: EXPORT_LIMIT.max },
            cursor: { ...cursor, description: `${cursor.description} (format=json)` },
          },
        },
        response: {
          200: {
            description: 'format=json; ndjson and csv stream application/x-ndjson or text/csv',
            type: 'object',
            required: ['feedback', 'next_cursor'],
            properties: { feedback: { type: 'array', items: ref('Feedback') }, next_cursor: { type: ['string', 'null'] } },
          },
          ...errorResponses(400, 401, 403, 503),
        },
      },
      handler: async (request, reply) => {
        const { format, limit: rows, cursor: after, since, until, ...q } = request.query;
        const now = Date.now();
        const filter: Omit<FeedbackFilter, 'limit' | 'cursor'> = {
          ...q,
          since: since === undefined ? undefined : parseInstant(since, now),
          until: until === undefined ? undefined : parseInstant(until, now),
        };
        if (format === 'json') {
          if (rows !== undefined && rows > PAGE_LIMIT.max) {
            throw new ApiError(
              API_ERRORS.BAD_REQUEST,
              `querystring.limit must be <= ${PAGE_LIMIT.max} with format=json (exports take up to ${EXPORT_LIMIT.max})`,
            );
          }
          return listFeedback(db, { ...filter, limit: rows ?? PAGE_LIMIT.fallback, cursor: after });
        }
        if (after !== undefined)
          throw new ApiError(API_ERRORS.BAD_REQUEST, 'querystring.cursor pages format=json; an export streams every row up to limit');
        const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
        return reply
          .type(EXPORT_CONTENT_TYPE[format])
          .header('content-disposition', `attachment; filename="siemad-feedback-${stamp}.${format}"`)
          .send(exportFeedback(db, filter, rows ?? EXPORT_LIMIT.fallback, format));
      },
    });
  };
}
