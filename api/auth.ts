import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiAuthFailure, ApiMetrics } from './metrics.js';
import type { ApiDatabase } from './database.js';
import { API_ERRORS, ApiError } from './errors.js';
import { grants, TokenStore, type Scope } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one (docs, the OpenAPI document) are public. */
    scope?: Scope;
  }
  interface FastifyRequest {
    /** The name of the token that made the request ('' before authentication). */
    actor: string;
  }
}

/** last_used_at is written at most this often per token, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;
/** Tokens whose last write is remembered; beyond this the oldest entry goes (bounded). */
const MAX_REMEMBERED_TOKENS = 1000;

/**
 * The onRequest check of every protected route, before its body is read: the database must be
 * ready (503), the request must carry `Authorization: Bearer <token>` of a valid token (401) and
 * the token must hold the route's scope (403).
 */
export function authenticator(db: ApiDatabase, metrics: ApiMetrics | undefined) {
  const tokens = new TokenStore(db);
  const touched = new Map<number, number>();

  const refuse = (reason: ApiAuthFailure, error: ApiError, reply: FastifyReply): never => {
    metrics?.authFailures.labels(reason).inc();
    if (error.statusCode === 401) void reply.header('www-authenticate', 'Bearer realm="siemad"');
    throw error;
  };

  const touch = (id: number, request: FastifyRequest): void => {
    const now = Date.now();
    if (now - (touched.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    touched.delete(id);
    touched.set(id, now);
    if (touched.size > MAX_REMEMBERED_TOKENS) touched.delete(touched.keys().next().value!);
    tokens.touch(id).catch((err: unknown) => request.log.warn({ err: (err as Error).message }, 'could not record the token use'));
  };

  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const scope = request.routeOptions.config.scope;
    if (scope === undefined) return;
    if (!db.ready) throw new ApiError(API_ERRORS.UNAVAILABLE, 'the database is unavailable; retry later');
    const header = request.headers.authorization;
    if (header === undefined || header === '') {
      refuse(
        'missing',
        new ApiError(API_ERRORS.UNAUTHORIZED, 'missing Authorization: Bearer <token> (create one with siemad token create)'),
        reply,
      );
      return;
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (match === null) {
      refuse('malformed', new ApiError(API_ERRORS.UNAUTHORIZED, 'the Authorization header must be Bearer <token>'), reply);
      return;
    }
    const result = await tokens.authenticate(match[1]!);
    if (!result.ok) {
      refuse(
        result.reason,
        new ApiError(API_ERRORS.UNAUTHORIZED, result.reason === 'revoked' ? 'this token has been revoked' : 'invalid token'),
        reply,
      );
      return;
    }
    request.actor = result.name;
    if (!grants(result.scopes, scope)) {
      refuse('scope', new ApiError(API_ERRORS.FORBIDDEN, `token "${result.name}" lacks the ${scope} scope this request needs`), reply);
      return;
    }
    touch(result.id, request);
  };
}
