/**
 * One REST call through the client's transport, for APIs whose typed wrappers do not fit (ISM,
 * templates with our own body types). Failures become one-line SiemadErrors without credentials.
 */
import type { Client } from '@opensearch-project/opensearch';
import { ERROR_CODES, SiemadError } from '../core/errors.js';

export interface CallResult<Body> {
  statusCode: number;
  body: Body;
}

export interface CallOptions {
  body?: unknown;
  querystring?: Record<string, string | number | boolean>;
  /** Status codes returned instead of thrown (e.g. 404 for "does not exist"). */
  ignore?: number[];
}

function describeFailure(error: unknown): string {
  const failure = error as { meta?: { statusCode?: number; body?: unknown }; message?: string };
  const body = failure.meta?.body as { error?: { type?: string; reason?: string } | string } | undefined;
  const reason =
    typeof body?.error === 'object'
      ? `${body.error.type ?? 'error'}: ${body.error.reason ?? ''}`
      : typeof body?.error === 'string'
        ? body.error
        : failure.message;
  const status = failure.meta?.statusCode;
  return `${status ? `${status} ` : ''}${String(reason ?? 'request failed').split('\n')[0]}`;
}

export async function callOpenSearch<Body = Record<string, unknown>>(
  client: Client,
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'HEAD',
  path: string,
  options: CallOptions = {},
): Promise<CallResult<Body>> {
  try {
    const response = await client.transport.request(
      { method, path, body: options.body as Record<string, unknown> | undefined, querystring: options.querystring },
      { ignore: options.ignore },
    );
    return { statusCode: response.statusCode ?? 0, body: response.body as Body };
  } catch (error) {
    // No HTTP status (the client sets null): the cluster was not reached at all (refused, timed out, TLS failure).
    const reached = typeof (error as { meta?: { statusCode?: number | null } }).meta?.statusCode === 'number';
    throw new SiemadError(
      reached ? ERROR_CODES.OPENSEARCH_SETUP_FAILED : ERROR_CODES.OPENSEARCH_UNAVAILABLE,
      `OpenSearch ${method} ${path} failed: ${describeFailure(error)}`,
      undefined,
      { cause: error },
    );
  }
}
