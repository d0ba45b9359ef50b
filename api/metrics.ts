import { Counter, Histogram, type Registry } from 'prom-client';

export type ApiAuthFailure = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'scope';

/**
 * The HTTP API's metrics, registered when the API is on. `route` is the route's template
 * (`/api/v1/alerts/:id`) or "unmatched", `status` an HTTP status the API answers with: bounded sets.
 */
export class ApiMetrics {
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly duration: Histogram<'route'>;
  readonly authFailures: Counter<'reason'>;
  readonly unavailable: Counter;
  readonly rateLimited: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.requests = new Counter({
      name: 'siemad_api_requests_total',
      help: 'HTTP API requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'siemad_api_request_duration_seconds',
      help: 'Time the HTTP API took to answer, by route template',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    });
    this.authFailures = new Counter({
      name: 'siemad_api_auth_failures_total',
      help: 'HTTP API requests refused by authentication (missing, malformed, unknown or revoked token: 401) or for a missing scope (403)',
      labelNames: ['reason'],
      registers,
    });
    this.unavailable = new Counter({
      name: 'siemad_api_unavailable_total',
      help: 'HTTP API requests answered 503 because the database was unavailable',
      registers,
    });
    this.rateLimited = new Counter({
      name: 'siemad_api_rate_limited_total',
      help: 'HTTP API requests answered 429: the token was over --api-rate (requests) or --api-ingest-rate (lines)',
      registers,
    });
  }
}
