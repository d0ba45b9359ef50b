import { ERROR_CODES, SiemadError } from '../../core/errors.js';

/** Turns a bind/listen failure into the one-line start-up error naming the setting at fault. */
export function listenError(err: NodeJS.ErrnoException, setting: string, what: string): SiemadError {
  if (err.code === 'EADDRINUSE') {
    return new SiemadError(ERROR_CODES.PORT_IN_USE, `${setting}: ${what} is already in use`, setting, { cause: err });
  }
  if (err.code === 'EACCES') {
    return new SiemadError(
      ERROR_CODES.LISTEN_FAILED,
      `${setting}: permission denied for ${what} (ports below 1024 need root or CAP_NET_BIND_SERVICE)`,
      setting,
      { cause: err },
    );
  }
  return new SiemadError(ERROR_CODES.LISTEN_FAILED, `${setting}: cannot listen on ${what}: ${err.message}`, setting, {
    cause: err,
  });
}
