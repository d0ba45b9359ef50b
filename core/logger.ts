import { pino, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SECRET_PATHS = ['password', '*.password', 'opensearch.password', 'auth', '*.auth', 'opensearchPassword', '*.opensearchPassword'];
/** URLs may carry `user:password@`; they are logged without it. */
const URL_PATHS = ['url', '*.url', 'opensearchUrl', '*.opensearchUrl'];

function censorSecret(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1];
  if ((key === 'url' || key === 'opensearchUrl') && typeof value === 'string') return withoutCredentials(value);
  return '[redacted]';
}

/** The URL without user info; text that does not parse as a URL is withheld whole. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '[redacted]';
  }
}

/**
 * pino JSON logs. `serve` logs to stdout (12-factor); commands whose stdout carries data
 * (`analyze`, `send`) log to stderr.
 */
export function createLogger(level: LogLevel, destination: 1 | 2 = 1): Logger {
  return pino(
    {
      name: 'siemad',
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...SECRET_PATHS, ...URL_PATHS], censor: censorSecret },
    },
    pino.destination({ dest: destination, sync: destination === 2 }),
  );
}
