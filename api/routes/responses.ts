import { ref } from '../schemas.js';

const MEANING: Record<number, string> = {
  400: 'invalid input',
  401: 'no token, or a wrong or revoked one',
  403: 'the token lacks the scope',
  404: 'not found',
  413: 'body larger than --api-body-limit',
  415: 'body is not application/json',
  503: 'the database is unavailable',
};

/** The error responses a route documents, all in the Error shape. */
export function errorResponses(...codes: number[]): Record<number, { description: string } & ReturnType<typeof ref>> {
  return Object.fromEntries(codes.map((code) => [code, { description: MEANING[code] ?? 'error', ...ref('Error') }]));
}
