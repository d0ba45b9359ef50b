/**
 * Every error siemad reports to a user has a stable code and a one-line message (fastify style).
 * Start-up errors end the process with exit code 2 and no stack trace.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'SIEMAD_CONFIG_INVALID',
  CONFIG_FILE_UNREADABLE: 'SIEMAD_CONFIG_FILE_UNREADABLE',
  PORT_IN_USE: 'SIEMAD_PORT_IN_USE',
  LISTEN_FAILED: 'SIEMAD_LISTEN_FAILED',
  TLS_INVALID: 'SIEMAD_TLS_INVALID',
  INPUT_UNREADABLE: 'SIEMAD_INPUT_UNREADABLE',
  SEND_FAILED: 'SIEMAD_SEND_FAILED',
  OPENSEARCH_UNAVAILABLE: 'SIEMAD_OPENSEARCH_UNAVAILABLE',
  OPENSEARCH_SETUP_FAILED: 'SIEMAD_OPENSEARCH_SETUP_FAILED',
  REDIS_UNAVAILABLE: 'SIEMAD_REDIS_UNAVAILABLE',
  MODEL_INVALID: 'SIEMAD_MODEL_INVALID',
  BUFFER_FAILED: 'SIEMAD_BUFFER_FAILED',
  DATABASE_UNAVAILABLE: 'SIEMAD_DATABASE_UNAVAILABLE',
  MIGRATION_FAILED: 'SIEMAD_MIGRATION_FAILED',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class SiemadError extends Error {
  readonly code: ErrorCode;
  /** The setting (flag or variable) at fault, when there is one. */
  readonly setting: string | undefined;

  constructor(code: ErrorCode, message: string, setting?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SiemadError';
    this.code = code;
    this.setting = setting;
  }
}

/** The one line printed for a fatal error. */
export function formatFatal(err: unknown): string {
  if (err instanceof SiemadError) return `siemad: ${err.message} [${err.code}]`;
  const message = err instanceof Error ? err.message : String(err);
  return `siemad: ${message.split('\n')[0]}`;
}
