import type { FastifyInstance } from 'fastify';
import { optionalActor } from '../auth.js';
import type { ApiDatabase } from '../database.js';
import type { ApiServices, ReadinessCheck } from '../services.js';

type Overall = 'ok' | 'degraded' | 'unavailable';

/**
 * GET /health (readiness) and GET /health/live (liveness), public so load balancers need no
 * token. Readiness answers 503 when a required part is down (receivers not listening, models not
 * loaded, the database unreachable: no token can be checked), 200 otherwise, with status
 * `degraded` when an optional part is (OpenSearch unreachable, the disk buffer filling, Redis).
 * Anonymous callers get the status and the names of the checks only; a read token adds details.
 */
export function healthRoutes(db: ApiDatabase, services: ApiServices) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/health/live', {
      schema: {
        tags: ['status'],
        summary: 'Liveness',
        description: "Public. 200 while the process answers HTTP at all (a load balancer's or orchestrator's liveness probe).",
        response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['alive'] } } } },
      },
      handler: async () => ({ status: 'alive' }),
    });

    app.get('/health', {
      schema: {
        tags: ['status'],
        summary: 'Readiness',
        description:
          "Public: 200 (status ok or degraded) or 503 (unavailable), with each check's name and status. With a read token the checks carry details (addresses, fill levels, errors), never shown to anonymous callers.",
        response: {
          '2xx': { $ref: 'Readiness#' },
          503: { $ref: 'Readiness#' },
        },
      },
      handler: async (request, reply) => {
        const checks: ReadinessCheck[] = [...((await services.readiness?.()) ?? [])];
        checks.push({ name: 'postgresql', status: db.ready ? 'up' : 'down', required: true, detail: { database: db.name } });
        let status: Overall = 'ok';
        for (const check of checks) {
          if (check.status === 'down' && check.required) status = 'unavailable';
          else if ((check.status === 'down' || check.status === 'degraded') && status === 'ok') status = 'degraded';
        }
        const detailed = (await optionalActor(db, request, 'read')) !== undefined;
        void reply.code(status === 'unavailable' ? 503 : 200);
        return {
          status,
          checks: checks.map((check) => ({
            name: check.name,
            status: check.status,
            ...(detailed && check.detail !== undefined ? { detail: check.detail } : {}),
          })),
        };
      },
    });
  };
}

export const READINESS_SCHEMA = {
  $id: 'Readiness',
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'unavailable'] },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'status'],
        properties: {
          name: { type: 'string', description: 'receivers, models, opensearch, buffer, redis, postgresql' },
          status: { type: 'string', enum: ['up', 'down', 'degraded', 'off'] },
          detail: { type: 'object', additionalProperties: true, description: 'with a read token only' },
        },
      },
    },
  },
} as const;
