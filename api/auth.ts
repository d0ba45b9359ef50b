import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiAuthFailure, ApiMetrics } from './metrics.js';
import type { ApiDatabase } from './database.js';
import { API_ERRORS, ApiError } from './errors.js';
import type { TokenRateLimiter } from './rate-limit.js';
import { grants, TokenStore, type Authentication, type Scope } from './tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs; routes without one (docs, the OpenAPI document) are public. */
    scope?: Scope;
    /** The setting that sets the route's body limit, named in its 413 (default --api-body-limit). */
    bodyLimitSetting?: string;
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
 * With the embedded database a valid token is taken on trust this long after it was checked. No
 * other process can revoke it meanwhile (the database is locked to this one), and without this
 * every request waited for its token query behind the alert writer's transactions on the embedded
 * database's single connection (bench:api: batches of 1,000 lines at 2,000 lines/s instead of
 * 13,600). A PostgreSQL server is asked every time: `siemad token revoke` elsewhere takes effect
 * at once.
 */
const EMBEDDED_VERIFIED_TTL_MS = 5_000;

/**
 * The onRequest check of every protected route, before its body is read: the database must be
 * ready (503), the request must carry `Authorization: Bearer <token>` of a valid token (401),
 * the token must hold the route's scope (403) and be within its request rate (429).
 */
/**
 * The name of the valid, unrevoked token of `request` holding `scope`, or undefined: for public
 * routes that tell more to a caller who shows one (GET /api/v1/health).
 */
export async function optionalActor(db: ApiDatabase, request: FastifyRequest, scope: Scope): Promise<string | undefined> {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  if (match === null || !db.ready) return undefined;
  const result = await new TokenStore(db).authenticate(match[1]!).catch(() => undefined);
  return result?.ok === true && grants(result.scopes, scope) ? result.name : undefined;
}

export function authenticator(db: ApiDatabase, metrics: ApiMetrics | undefined, requests?: TokenRateLimiter) {
  const tokens = new TokenStore(db);
  const touched = new Map<number, number>();
  const verified = new Map<string, { at: number; result: Authentication }>();

  const verify = async (token: string): Promise<Authentication> => {
    if (!db.exclusive) return tokens.authenticate(token);
    const key = createHash('sha256').update(token).digest('hex');
    const now = Date.now();
    const known = verified.get(key);
    if (known !== undefined && now - known.at < EMBEDDED_VERIFIED_TTL_MS) return known.result;
    const result = await tokens.authenticate(token);
    verified.delete(key);
    if (result.ok) {
      verified.set(key, { at: now, result });
      if (verified.size > MAX_REMEMBERED_TOKENS) verified.delete(verified.keys().next().value!);
    }
    return result;
  };

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
    const result = await verify(match[1]!);
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
    const wait = requests?.take(result.name, 1) ?? 0;
    if (wait > 0) {
      throw new ApiError(
        API_ERRORS.RATE_LIMITED,
        `token "${result.name}" is over its ${requests!.limit.rate} requests/s (--api-rate); retry in ${wait} s`,
        wait,
      );
    }
    touch(result.id, request);
  };
}
