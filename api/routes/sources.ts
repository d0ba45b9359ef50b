import type { FastifyInstance } from 'fastify';
import { SOURCE_STATUSES, type SourceStatus } from '../../pipeline/sources.js';
import { API_ERRORS, ApiError } from '../errors.js';
import { limit } from '../schemas.js';
import type { SourceDirectory } from '../services.js';
import { errorResponses } from './responses.js';

const SOURCE_SCHEMA = {
  $id: 'LogSource',
  type: 'object',
  required: [
    'host',
    'address',
    'status',
    'first_seen',
    'last_seen',
    'messages_per_minute_5m',
    'messages_per_minute_1h',
    'parse_error_share',
    'decoded_share',
  ],
  properties: {
    host: { type: 'string', description: 'host name the messages carry (empty when none)' },
    address: { type: 'string', description: 'sending address' },
    status: {
      type: 'string',
      enum: [...SOURCE_STATUSES],
      description:
        'silent: nothing for --source-silent-after; new: first seen within the last hour; noisy: last 5 minutes at least --source-noisy-factor times its long-run rate; else up',
    },
    first_seen: { type: 'string', format: 'date-time' },
    last_seen: { type: 'string', format: 'date-time' },
    messages_per_minute_5m: { type: 'number' },
    messages_per_minute_1h: { type: 'number' },
    baseline_per_minute: { type: 'number', description: 'long-run rate (exponential average over about a day)' },
    parse_error_share: { type: 'number', description: "share of the last hour's messages whose syslog header did not parse" },
    decoded_share: { type: 'number', description: "share of the last hour's messages a decoder understood" },
    messages_total: { type: 'integer' },
  },
} as const;
export const SOURCE_SCHEMAS = [SOURCE_SCHEMA];

interface Query {
  q?: string;
  status?: SourceStatus;
  limit: number;
}

/** GET /sources: every sender with its rates and status. */
export function sourceRoutes(sources: SourceDirectory | undefined) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: Query }>('/sources', {
      config: { scope: 'read' },
      schema: {
        tags: ['status'],
        summary: 'Log sources and their status',
        description:
          'Scope: read. Every sender (host name and sending address) the collector tracks (at most --source-max, the least recently seen evicted), most recently seen first, with counts by status over all of them.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', minLength: 1, maxLength: 255, description: 'part of the host name or address (case-insensitive)' },
            status: { type: 'string', enum: [...SOURCE_STATUSES] },
            limit: limit(500, 10_000),
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['sources', 'total', 'by_status', 'silent_after_seconds'],
            properties: {
              sources: { type: 'array', items: { $ref: 'LogSource#' } },
              total: { type: 'integer', description: 'sources matching the filter (the list may be cut at limit)' },
              by_status: { type: 'object', additionalProperties: { type: 'integer' } },
              silent_after_seconds: { type: 'number' },
            },
          },
          ...errorResponses(400, 401, 403, 429, 501, 503),
        },
      },
      handler: async (request) => {
        if (sources === undefined)
          throw new ApiError(API_ERRORS.NOT_AVAILABLE, 'this API runs without a pipeline: log sources need siemad serve');
        const { q, status, limit: max } = request.query;
        const now = Date.now();
        const list = sources.list({ ...(q !== undefined ? { search: q } : {}), ...(status !== undefined ? { status } : {}) }, now);
        return {
          sources: list.slice(0, max),
          total: list.length,
          by_status: sources.counts(now),
          silent_after_seconds: sources.silentAfterMs / 1000,
        };
      },
    });
  };
}
