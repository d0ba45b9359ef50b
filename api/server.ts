import type { AddressInfo } from 'node:net';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { listenError } from '../collector/receivers/listen-error.js';
import type { ApiMetrics } from './metrics.js';
import { VERSION } from '../core/version.js';
import type { DatabaseService } from '../postgres/service.js';
import { authenticator } from './auth.js';
import { ApiDatabase } from './database.js';
import { API_ERRORS, ApiError, ERROR_SCHEMA, errorBody, type ApiErrorCode } from './errors.js';
import { alertRoutes } from './routes/alerts.js';
import { feedbackRoutes } from './routes/feedback.js';
import { suppressionRoutes } from './routes/suppressions.js';
import { SHARED_SCHEMAS } from './schemas.js';
import { formatValidationError } from './validation.js';
import { validatorCompiler } from './validator.js';

export interface ApiServerOptions {
  database: DatabaseService;
  logger: Logger;
  metrics?: ApiMetrics;
  /** Largest request body accepted, bytes (larger: 413). */
  bodyLimit: number;
  /** PEM certificate and key: the API speaks HTTPS. */
  tls?: { cert: Buffer; key: Buffer };
}

/**
 * The HTTP API on the collector: alerts, feedback and suppressions under /api/v1 (bearer tokens
 * with scopes), its OpenAPI document at /openapi.json and an interactive reference at /docs
 * (Swagger UI, served from the package, no CDN).
 */
export async function buildApi(options: ApiServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'api' }),
    // One line per request is logged by the onResponse hook below, with the token name.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit,
    ...(options.tls !== undefined ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    connectionTimeout: 30_000,
    requestTimeout: 60_000,
    keepAliveTimeout: 5_000,
    routerOptions: { maxParamLength: 64 },
    forceCloseConnections: 'idle',
    schemaErrorFormatter: formatValidationError,
  }) as unknown as FastifyInstance;

  app.setValidatorCompiler(validatorCompiler());
  const db = new ApiDatabase(options.database);
  app.decorateRequest('actor', '');
  app.addSchema(ERROR_SCHEMA);
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'siemad HTTP API',
        version: VERSION,
        description:
          'Alerts, analyst feedback and suppressions of the siemad collector. Every /api/v1 route needs `Authorization: Bearer <token>` (create one with `siemad token create`); the scope each route needs is in its description.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from siemad token create' } } },
      tags: [
        { name: 'alerts', description: 'grouped anomalies and their triage' },
        { name: 'feedback', description: 'analyst verdicts, exported as training labels' },
        { name: 'suppressions', description: 'rules that mute or lower matching anomalies in the scorer' },
      ],
    },
    // Shared schemas appear under their own names (components/schemas/Alert ...).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: false } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.addHook('onRequest', authenticator(db, options.metrics));
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    return payload;
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    options.metrics?.requests.labels(request.method, route, String(reply.statusCode)).inc();
    options.metrics?.duration.labels(route).observe(seconds);
    request.log.info(
      {
        method: request.method,
        path: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        actor: request.actor || undefined,
      },
      'api request',
    );
  });
  app.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply, options));
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .send(
        errorBody(
          API_ERRORS.NOT_FOUND,
          `no route ${request.method} ${request.url.split('?')[0]}: the routes are listed in /openapi.json and /docs`,
        ),
      );
  });

  await app.register(alertRoutes(db), { prefix: '/api/v1' });
  await app.register(feedbackRoutes(db), { prefix: '/api/v1' });
  await app.register(suppressionRoutes(db), { prefix: '/api/v1' });
  return app;
}

/** fastify's own errors of the request, by code, as the API reports them. */
const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: API_ERRORS.PAYLOAD_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: API_ERRORS.UNSUPPORTED_MEDIA_TYPE,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: API_ERRORS.BAD_REQUEST,
  FST_ERR_CTP_EMPTY_JSON_BODY: API_ERRORS.BAD_REQUEST,
  FST_ERR_CTP_INVALID_JSON_BODY: API_ERRORS.BAD_REQUEST,
};

function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, options: ApiServerOptions): FastifyReply {
  if (error instanceof ApiError) {
    if (error.code === API_ERRORS.UNAVAILABLE) {
      options.metrics?.unavailable.inc();
      void reply.header('retry-after', '5');
    }
    return reply.code(error.statusCode).send(errorBody(error.code, error.message));
  }
  if (error.validation !== undefined) return reply.code(400).send(errorBody(API_ERRORS.BAD_REQUEST, error.message));
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply
      .code(413)
      .send(errorBody(API_ERRORS.PAYLOAD_TOO_LARGE, `the body is larger than the ${options.bodyLimit} bytes allowed (--api-body-limit)`));
  }
  const known = FASTIFY_CODES[error.code];
  if (known !== undefined) {
    const status = error.statusCode ?? 400;
    const message =
      error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? 'the body is not valid JSON' : error.message;
    return reply.code(status).send(errorBody(known, message));
  }
  // JSON.parse's own error, reported by fastify as a 400.
  if (error instanceof SyntaxError && error.statusCode === 400)
    return reply.code(400).send(errorBody(API_ERRORS.BAD_REQUEST, 'the body is not valid JSON'));
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return reply.code(error.statusCode).send(errorBody(API_ERRORS.BAD_REQUEST, error.message.split('\n')[0]!));
  }
  request.log.error({ err: error }, 'api request failed');
  return reply.code(500).send(errorBody(API_ERRORS.INTERNAL, `internal error; the collector log has the details (request ${request.id})`));
}

/** A started API: where it listens, and how to stop it (in-flight requests finish first). */
export class ApiServer {
  private constructor(
    private readonly app: FastifyInstance,
    readonly host: string,
    readonly port: number,
  ) {}

  static async start(options: ApiServerOptions, host: string, port: number): Promise<ApiServer> {
    const app = await buildApi(options);
    try {
      await app.listen({ host, port });
    } catch (err) {
      await app.close().catch(() => undefined);
      throw listenError(err as NodeJS.ErrnoException, '--api-port', `api ${host}:${port}`);
    }
    return new ApiServer(app, host, (app.server.address() as AddressInfo).port);
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
