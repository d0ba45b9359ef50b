import type { FastifyInstance } from 'fastify';
import { API_ERRORS, ApiError } from '../errors.js';
import { parseInstant } from '../instant.js';
import { ALERT_LEVELS, cursor, instant, kind, limit } from '../schemas.js';
import { ANOMALY_SORTS, type AnomalyFilter, type AnomalyQuery, type AnomalySort } from '../store/anomalies.js';
import { errorResponses } from './responses.js';

interface Query {
  min_score?: number;
  level?: AnomalyFilter['level'];
  since?: string;
  until?: string;
  source_ip?: string;
  user?: string;
  host?: string;
  kind?: string;
  q?: string;
  sort: AnomalySort;
  limit: number;
  cursor?: string;
}

/** A page position as an opaque cursor: [sort, value, event id] in base64url JSON. */
function encodeKeyset(position: [string, number, string]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeKeyset(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** GET /anomalies: from OpenSearch when the collector indexes there, else the NDJSON store. */
export function anomalyRoutes(store: AnomalyQuery | undefined) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: Query }>('/anomalies', {
      config: { scope: 'read' },
      schema: {
        tags: ['anomalies'],
        summary: 'Search anomalies',
        description:
          'Scope: read. Newest first (sort=time) or highest score first (sort=score); pages follow next_cursor. Served from the OpenSearch anomalies data stream when the collector indexes into OpenSearch (search_after), else from the NDJSON files under the data directory, read newest first up to --api-anomaly-scan-bytes (scan.truncated says the scan stopped before the oldest file).',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            min_score: { type: 'number', minimum: 0, maximum: 1, description: 'anomaly.score at least this' },
            level: { type: 'string', enum: [...ALERT_LEVELS], description: 'this level or higher' },
            since: { ...instant, description: `events at or after this time; ${instant.description}` },
            until: { ...instant, description: `events before this time; ${instant.description}` },
            source_ip: { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] },
            user: { type: 'string', minLength: 1, maxLength: 256, description: 'user.name' },
            host: { type: 'string', minLength: 1, maxLength: 255, description: 'host.hostname' },
            kind,
            q: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description: 'words that must all appear in the reasons (case-insensitive)',
            },
            sort: { type: 'string', enum: [...ANOMALY_SORTS], default: 'time' },
            limit: limit(50, 500),
            cursor,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['anomalies', 'next_cursor', 'store'],
            properties: {
              anomalies: { type: 'array', items: { type: 'object', additionalProperties: true, description: 'the anomalous ECS event' } },
              next_cursor: { type: ['string', 'null'] },
              store: { type: 'string', enum: ['opensearch', 'ndjson'] },
              scan: { type: 'object', properties: { bytes: { type: 'integer' }, truncated: { type: 'boolean' } } },
            },
          },
          ...errorResponses(400, 401, 403, 429, 501, 503),
        },
      },
      handler: async (request) => {
        if (store === undefined)
          throw new ApiError(API_ERRORS.NOT_AVAILABLE, 'this API runs without an anomaly store: anomalies need siemad serve');
        const q = request.query;
        const now = Date.now();
        let after: [number, string] | undefined;
        if (q.cursor !== undefined) {
          const decoded = decodeKeyset(q.cursor);
          if (
            decoded === undefined ||
            decoded.length !== 3 ||
            decoded[0] !== q.sort ||
            typeof decoded[1] !== 'number' ||
            typeof decoded[2] !== 'string'
          ) {
            throw new ApiError(API_ERRORS.BAD_REQUEST, 'querystring.cursor is not a cursor of this sort (use next_cursor as given)');
          }
          after = [decoded[1], decoded[2]];
        }
        const filter: AnomalyFilter = {
          ...(q.min_score !== undefined ? { minScore: q.min_score } : {}),
          ...(q.level !== undefined ? { level: q.level } : {}),
          ...(q.since !== undefined ? { since: parseInstant(q.since, now) } : {}),
          ...(q.until !== undefined ? { until: parseInstant(q.until, now) } : {}),
          ...(q.source_ip !== undefined ? { sourceIp: q.source_ip } : {}),
          ...(q.user !== undefined ? { user: q.user } : {}),
          ...(q.host !== undefined ? { host: q.host } : {}),
          ...(q.kind !== undefined ? { kind: q.kind } : {}),
          ...(q.q !== undefined ? { text: q.q } : {}),
          ...(after !== undefined ? { after } : {}),
          sort: q.sort,
          limit: q.limit,
        };
        let page;
        try {
          page = await store.search(filter);
        } catch (err) {
          request.log.warn({ err: (err as Error).message }, 'anomaly search failed');
          throw new ApiError(API_ERRORS.BACKEND_UNAVAILABLE, `the ${store.name} anomaly store did not answer; retry later`, 5);
        }
        return {
          anomalies: page.anomalies,
          next_cursor: page.next === undefined ? null : encodeKeyset([q.sort, page.next[0], page.next[1]]),
          store: store.name,
          ...(page.scan !== undefined ? { scan: page.scan } : {}),
        };
      },
    });
  };
}
