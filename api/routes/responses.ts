import { ref } from '../schemas.js';

const MEANING: Record<number, string> = {
  400: 'invalid input',
  401: 'no token, or a wrong or revoked one',
  403: 'the token lacks the scope',
  404: 'not found',
  413: 'body larger than --api-body-limit (batch: --api-batch-body-limit), or more lines than --api-batch-max-lines',
  415: 'body is not application/json',
  429: "over the token's rate limit (--api-rate, --api-ingest-rate); Retry-After says when to retry",
  501: 'this collector does not provide it (see the message)',
  503: 'the database (or the store the route reads) is unavailable',
};

/** The error responses a route documents, all in the Error shape. */
export function errorResponses(...codes: number[]): Record<number, { description: string } & ReturnType<typeof ref>> {
  return Object.fromEntries(codes.map((code) => [code, { description: MEANING[code] ?? 'error', ...ref('Error') }]));
}
