import type { FastifyInstance } from 'fastify';
import type { ApiDatabase } from '../database.js';
import { parseInstant } from '../instant.js';
import { ALERT_LEVELS, ALERT_STATUSES, cursor, entity, idParams, instant, kind, limit, ref } from '../schemas.js';
import { ALERT_SORTS, changeAlert, DETAIL_LIMIT, getAlert, listAlerts, type AlertChange, type AlertFilter } from '../store/alerts.js';
import { errorResponses } from './responses.js';

interface ListQuery extends Omit<AlertFilter, 'since' | 'until' | 'descending'> {
  since?: string;
  until?: string;
  order: 'asc' | 'desc';
}

/** GET /alerts, GET /alerts/{id}, PATCH /alerts/{id}. */
export function alertRoutes(db: ApiDatabase) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get<{ Querystring: ListQuery }>('/alerts', {
      config: { scope: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'List alerts',
        description: 'Scope: read. Newest activity first by default; pages follow next_cursor.',
        security: [{ bearer: [] }],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: {
              type: 'array',
              items: { type: 'string', enum: [...ALERT_STATUSES] },
              maxItems: ALERT_STATUSES.length,
              description: 'one or more (repeat the parameter)',
            },
            level: { type: 'string', enum: [...ALERT_LEVELS], description: 'this level or higher' },
            since: { ...instant, description: `alerts seen at or after this time (last_seen); ${instant.description}` },
            until: { ...instant, description: `alerts first seen before this time; ${instant.description}` },
            entity,
            kind,
            sort: {
              type: 'string',
              enum: Object.keys(ALERT_SORTS),
              default: 'last_seen',
              description: 'last_seen, first_seen, level (then last_seen) or score',
            },
            order: { type: 'string', enum: ['desc', 'asc'], default: 'desc' },
            limit: limit(50, 500),
            cursor,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['alerts', 'next_cursor'],
            properties: {
              alerts: { type: 'array', items: ref('Alert') },
              next_cursor: { type: ['string', 'null'], description: 'cursor of the next page; null on the last' },
            },
          },
          ...errorResponses(400, 401, 403, 503),
        },
      },
      handler: async (request) => {
        const { since, until, order, ...q } = request.query;
        const now = Date.now();
        return listAlerts(db, {
          ...q,
          since: since === undefined ? undefined : parseInstant(since, now),
          until: until === undefined ? undefined : parseInstant(until, now),
          descending: order === 'desc',
        });
      },
    });

    app.get<{ Params: { id: number } }>('/alerts/:id', {
      config: { scope: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'One alert with its anomalies, history and feedback',
        description: `Scope: read. Anomalies newest first, history and feedback oldest first, ${DETAIL_LIMIT} of each at most.`,
        security: [{ bearer: [] }],
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['alert', 'anomalies', 'history', 'feedback'],
            properties: {
              alert: ref('Alert'),
              anomalies: { type: 'array', items: ref('Anomaly') },
              history: { type: 'array', items: ref('HistoryEntry') },
              feedback: { type: 'array', items: ref('Feedback') },
            },
          },
          ...errorResponses(400, 401, 403, 404, 503),
        },
      },
      handler: async (request) => getAlert(db, request.params.id),
    });

    app.patch<{ Params: { id: number }; Body: AlertChange }>('/alerts/:id', {
      config: { scope: 'write' },
      schema: {
        tags: ['alerts'],
        summary: 'Triage an alert: status, assignee, note',
        description: 'Scope: write. Each change is recorded in the alert history with the token name as actor.',
        security: [{ bearer: [] }],
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            status: { type: 'string', enum: [...ALERT_STATUSES] },
            assignee: { type: ['string', 'null'], minLength: 1, maxLength: 200, description: 'null to unassign' },
            note: { type: 'string', minLength: 1, maxLength: 4000 },
          },
        },
        response: { 200: ref('Alert'), ...errorResponses(400, 401, 403, 404, 413, 415, 503) },
      },
      handler: async (request) => changeAlert(db, request.params.id, request.body, request.actor),
    });
  };
}
