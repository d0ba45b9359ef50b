import { pino, type Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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
      redact: { paths: ['password', '*.password', 'opensearch.password', 'auth', '*.auth'], censor: '[redacted]' },
    },
    pino.destination({ dest: destination, sync: destination === 2 }),
  );
}
