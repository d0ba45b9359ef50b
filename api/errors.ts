/**
 * The API's error responses: one JSON shape, a stable code per kind of failure, a one-line
 * message, never a stack trace or a database message (those go to the log with the request id).
 */
export const API_ERRORS = {
  BAD_REQUEST: 'SIEMAD_API_BAD_REQUEST',
  UNAUTHORIZED: 'SIEMAD_API_UNAUTHORIZED',
  FORBIDDEN: 'SIEMAD_API_FORBIDDEN',
  NOT_FOUND: 'SIEMAD_API_NOT_FOUND',
  CONFLICT: 'SIEMAD_API_CONFLICT',
  PAYLOAD_TOO_LARGE: 'SIEMAD_API_PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'SIEMAD_API_UNSUPPORTED_MEDIA_TYPE',
  UNAVAILABLE: 'SIEMAD_API_DATABASE_UNAVAILABLE',
  RATE_LIMITED: 'SIEMAD_API_RATE_LIMITED',
  NOT_AVAILABLE: 'SIEMAD_API_NOT_AVAILABLE',
  BACKEND_UNAVAILABLE: 'SIEMAD_API_BACKEND_UNAVAILABLE',
  INTERNAL: 'SIEMAD_API_INTERNAL',
} as const;

export type ApiErrorCode = (typeof API_ERRORS)[keyof typeof API_ERRORS];

const STATUS_OF: Record<ApiErrorCode, number> = {
  [API_ERRORS.BAD_REQUEST]: 400,
  [API_ERRORS.UNAUTHORIZED]: 401,
  [API_ERRORS.FORBIDDEN]: 403,
  [API_ERRORS.NOT_FOUND]: 404,
  [API_ERRORS.CONFLICT]: 409,
  [API_ERRORS.PAYLOAD_TOO_LARGE]: 413,
  [API_ERRORS.UNSUPPORTED_MEDIA_TYPE]: 415,
  [API_ERRORS.UNAVAILABLE]: 503,
  [API_ERRORS.RATE_LIMITED]: 429,
  [API_ERRORS.NOT_AVAILABLE]: 501,
  [API_ERRORS.BACKEND_UNAVAILABLE]: 503,
  [API_ERRORS.INTERNAL]: 500,
};

/** Thrown by handlers for an expected failure; the error handler turns it into its response. */
export class ApiError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Seconds to wait (429, 503): sent as Retry-After. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = STATUS_OF[code];
  }
}

export interface ErrorBody {
  statusCode: number;
  code: ApiErrorCode;
  message: string;
}

export function errorBody(code: ApiErrorCode, message: string): ErrorBody {
  return { statusCode: STATUS_OF[code], code, message };
}

/** The JSON schema of every error response (named in the OpenAPI document). */
export const ERROR_SCHEMA = {
  $id: 'Error',
  type: 'object',
  description: 'Every error: the HTTP status, a stable code and a one-line message',
  required: ['statusCode', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', enum: Object.values(API_ERRORS) },
    message: { type: 'string' },
  },
} as const;
