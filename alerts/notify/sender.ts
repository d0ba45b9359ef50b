/**
 * One HTTP POST of a notification, bounded by a timeout, and what its outcome means: delivered
 * (2xx), worth retrying (network error, timeout, 408, 429, 5xx) or rejected for good (any other
 * status: a wrong URL or a payload the receiver refuses does not heal by itself).
 */
import { VERSION } from '../../core/version.js';
import { parseRetryAfter } from './retry.js';

export type SendOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'retry'; error: string; retryAfterMs?: number }
  | { kind: 'rejected'; error: string };

/** Bytes of a failed response's body kept for last_error. */
const ERROR_BODY_BYTES = 300;

async function bodyStart(response: Response): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** POSTs `body`; `cancel` (the notifier's shutdown) ends the request early, as a failure to retry. */
export async function postWebhook(url: string, body: string, timeoutMs: number, cancel?: AbortSignal): Promise<SendOutcome> {
  const timeout = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `siemad/${VERSION}` },
      body,
      redirect: 'manual',
      signal: cancel !== undefined ? AbortSignal.any([timeout, cancel]) : timeout,
    });
  } catch (err) {
    const error = err as Error & { cause?: { code?: string; message?: string } };
    const reason = timeout.aborted
      ? `no answer within ${timeoutMs} ms`
      : cancel?.aborted === true
        ? 'cancelled at shutdown'
        : (error.cause?.code ?? error.cause?.message ?? error.message);
    return { kind: 'retry', error: `request failed: ${reason}` };
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'delivered', status: response.status };
  }
  const text = await bodyStart(response).catch(() => '');
  const error = `HTTP ${response.status}${text !== '' ? `: ${text}` : ''}`;
  if (!isRetryableStatus(response.status)) return { kind: 'rejected', error };
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return retryAfterMs !== undefined ? { kind: 'retry', error, retryAfterMs } : { kind: 'retry', error };
}
