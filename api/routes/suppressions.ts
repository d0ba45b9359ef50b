import type { FastifyInstance } from 'fastify';
import type { ApiDatabase } from '../database.js';
import { cursor, entity, idParams, kind, limit, ref, suppressionInputProperties } from '../schemas.js';
import {
  checkSuppression,
  deleteSuppression,
  insertSuppression,
  listSuppressions,
  type SuppressionFilter,
  type SuppressionInput,
} from '../store/suppressions.js';
import { errorResponses } from './responses.js';

/** GET /suppressions, POST /suppressions, DELETE /suppressions/{id}. */
export function suppressionRoutes(db: ApiDatabase) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: SuppressionFilter }>('/suppressions', {
      config: { scope: 'read' },
      schema: {
        tags: ['suppressions'],
        summary: 'List suppressions',
        description: 'Scope: read. Active ones (neither deleted nor expired) unless state says otherwise; newest first.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { type: 'string', enum: ['active', 'expired', 'deleted', 'all'], default: 'active' },
            entity,
            kind,
            limit: limit(100, 500),
            cursor,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['suppressions', 'next_cursor'],
            properties: { suppressions: { type: 'array', items: ref('Suppression') }, next_cursor: { type: ['string', 'null'] } },
          },
          ...errorResponses(400, 401, 403, 503),
        },
      },
      handler: async (request) => listSuppressions(db, request.query),
    });

    app.post<{ Body: SuppressionInput }>('/suppressions', {
      config: { scope: 'write' },
      schema: {
        tags: ['suppressions'],
        summary: 'Add a suppression',
        description:
          'Scope: write. Give at least one of entity, kind, reason_contains; all that are given must match. Running collectors apply it within seconds.',
        security: [{ bearer: [] }],
        body: { type: 'object', additionalProperties: false, properties: suppressionInputProperties },
        response: { 201: ref('Suppression'), ...errorResponses(400, 401, 403, 413, 415, 503) },
      },
      handler: async (request, reply) => {
        checkSuppression(request.body, 'body');
        return reply.code(201).send(await insertSuppression(db, request.body, request.actor));
      },
    });

    app.delete<{ Params: { id: number } }>('/suppressions/:id', {
      config: { scope: 'admin' },
      schema: {
        tags: ['suppressions'],
        summary: 'Remove a suppression',
        description:
          'Scope: admin. A soft delete (deleted_at, deleted_by; updated_at moves, so collectors drop it); removing a removed one changes nothing.',
        security: [{ bearer: [] }],
        params: idParams,
        response: { 200: ref('Suppression'), ...errorResponses(400, 401, 403, 404, 503) },
      },
      handler: async (request) => deleteSuppression(db, request.params.id, request.actor),
    });
  };
}
