/**
 * The OpenSearch client: basic auth, a private CA, client certificates. Credentials never appear
 * in errors or logs: user info in the URL is moved into `auth` and `redactUrl` is what to print.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { Client } from '@opensearch-project/opensearch';
import { ERROR_CODES, SiemadError } from '../core/errors.js';

export interface OpenSearchClientOptions {
  /** `http(s)://host:port`; user info in it is accepted and treated as basic-auth credentials. */
  url: string;
  username?: string;
  password?: string;
  /** PEM file with the CA(s) that signed the cluster's certificate. */
  caFile?: string;
  /** PEM client certificate and key for mutual TLS. */
  certFile?: string;
  keyFile?: string;
  /** Verify the certificate chain but not that it names the host (clusters addressed by IP). */
  skipHostnameVerification?: boolean;
  /** Accept any certificate: no chain and no hostname verification. For throw-away test clusters. */
  insecureSkipVerify?: boolean;
  requestTimeoutMs?: number;
}

/** The URL without user info, safe to print. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

function readPem(path: string, what: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new SiemadError(
      ERROR_CODES.TLS_INVALID,
      `cannot read OpenSearch ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      setting,
    );
  }
}

function tlsOptions(options: OpenSearchClientOptions): TlsConnectionOptions {
  if ((options.certFile === undefined) !== (options.keyFile === undefined)) {
    throw new SiemadError(
      ERROR_CODES.TLS_INVALID,
      'OpenSearch client certificate and key must be given together',
      options.certFile ? 'keyFile' : 'certFile',
    );
  }
  const tls: TlsConnectionOptions = {};
  if (options.caFile) tls.ca = readPem(options.caFile, 'CA file', 'caFile');
  if (options.certFile && options.keyFile) {
    tls.cert = readPem(options.certFile, 'client certificate', 'certFile');
    tls.key = readPem(options.keyFile, 'client key', 'keyFile');
  }
  if (options.insecureSkipVerify) tls.rejectUnauthorized = false;
  else if (options.skipHostnameVerification) tls.checkServerIdentity = () => undefined;
  return tls;
}

export function createOpenSearchClient(options: OpenSearchClientOptions): Client {
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `OpenSearch URL is not a URL: ${redactUrl(options.url)}`, 'url');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `OpenSearch URL must be http or https: ${redactUrl(options.url)}`, 'url');
  }
  const username = options.username ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
  const password = options.password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
  if (password !== undefined && username === undefined) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, 'an OpenSearch password was given without a username', 'username');
  }
  const tls = tlsOptions(options);
  return new Client({
    node: redactUrl(options.url),
    ...(username !== undefined ? { auth: { username, password: password ?? '' } } : {}),
    ...(parsed.protocol === 'https:' ? { ssl: tls } : {}),
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: 2,
  });
}
