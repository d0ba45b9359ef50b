import type { FastifyInstance } from 'fastify';
import type { ApiDatabase } from '../database.js';
import { API_ERRORS, ApiError } from '../errors.js';
import type { ApiServices } from '../services.js';
import { errorResponses } from './responses.js';

const counts = { type: 'object', additionalProperties: { type: 'integer' } } as const;
const window = {
  type: 'object',
  properties: { events: { type: 'integer' }, anomalies: { type: 'integer' }, events_per_minute: { type: 'number' } },
} as const;

/** GET /stats: the pipeline's figures since start, and alerts by status from the database. */
export function statsRoutes(db: ApiDatabase, services: ApiServices) {
  return async function routes(app: FastifyInstance): Promise<void> {
    app.get('/stats', {
      config: { scope: 'read' },
      schema: {
        tags: ['status'],
        summary: 'Statistics',
        description:
          'Scope: read. Events analysed and anomalies by level and kind since the collector started, events and anomalies over the last hour and day, the entities with the most serious anomalies of the last day, alerts by status (null while the database is unavailable) and log sources by status.',
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            required: [
              'since',
              'events_total',
              'anomalies_total',
              'anomalies_by_level',
              'anomalies_by_kind',
              'last_hour',
              'last_day',
              'top_entities',
              'alerts_by_status',
            ],
            properties: {
              since: { type: 'string', format: 'date-time', description: 'when the collector started (the figures are since then)' },
              events_total: { type: 'integer' },
              anomalies_total: { type: 'integer' },
              anomalies_by_level: counts,
              anomalies_by_kind: counts,
              last_hour: window,
              last_day: window,
              top_entities: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    entity: { type: 'string' },
                    kind: { type: 'string' },
                    level: { type: 'string' },
                    count: { type: 'integer' },
                  },
                },
              },
              alerts_by_status: { type: ['object', 'null'], additionalProperties: { type: 'integer' } },
              sources_by_status: { type: ['object', 'null'], additionalProperties: { type: 'integer' } },
            },
          },
          ...errorResponses(401, 403, 429, 501, 503),
        },
      },
      handler: async () => {
        if (services.activity === undefined)
          throw new ApiError(API_ERRORS.NOT_AVAILABLE, 'this API runs without a pipeline: statistics need siemad serve');
        const report = services.activity.report();
        let alerts: Record<string, number> | null = null;
        if (db.ready) {
          try {
            const { rows } = await db.query<{ status: string; n: string | number }>(
              'SELECT status, count(*) AS n FROM alerts GROUP BY status',
            );
            alerts = { open: 0, acknowledged: 0, resolved: 0, false_positive: 0 };
            for (const row of rows) alerts[row.status] = Number(row.n);
          } catch {
            alerts = null;
          }
        }
        return { ...report, alerts_by_status: alerts, sources_by_status: services.sources?.counts() ?? null };
      },
    });
  };
}
