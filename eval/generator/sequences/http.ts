/**
 * One access-log line, forwarded to syslog a moment after the server finished the request: nginx
 * (`combined`, tag `nginx`) or Apache (`vhost_combined`, tag `apache2`).
 */
import type { AnyContext, HostRuntime } from '../context.js';
import type { Origin } from '../log-stream.js';
import type { Random } from '../random.js';
import { MICROS_PER_SECOND, seconds } from '../clock.js';
import { accessLogLine } from '../messages/nginx.js';
import { vhostCombinedLine } from '../messages/apache.js';

export interface HttpRequest {
  clientIp: string;
  request: string;
  status: number;
  bytes: number;
  referer?: string;
  userAgent: string;
}

export function logRequest(ctx: AnyContext, rng: Random, host: HostRuntime, time: number, request: HttpRequest, origin: Origin): void {
  const message = accessLogLine({
    clientIp: request.clientIp,
    time: Math.floor(time / MICROS_PER_SECOND),
    request: request.request,
    status: request.status,
    bytes: request.bytes,
    referer: request.referer ?? '-',
    userAgent: request.userAgent,
    utcOffsetMinutes: ctx.utcOffsetMinutes,
  });
  ctx.log(time + seconds(rng.between(0.0002, 0.003)), host, 'nginx', undefined, message, origin);
}

/** An Apache virtual host: its name and port, as `%v:%p` writes them. */
export interface VirtualHost {
  host: HostRuntime;
  name: string;
  port: number;
}

export function logApacheRequest(
  ctx: AnyContext,
  rng: Random,
  vhost: VirtualHost,
  time: number,
  request: HttpRequest,
  origin: Origin,
): void {
  const message = vhostCombinedLine({
    vhost: vhost.name,
    port: vhost.port,
    clientIp: request.clientIp,
    time: Math.floor(time / MICROS_PER_SECOND),
    utcOffsetMinutes: ctx.utcOffsetMinutes,
    request: request.request,
    status: request.status,
    bytes: request.bytes,
    referer: request.referer ?? '-',
    userAgent: request.userAgent,
  });
  ctx.log(time + seconds(rng.between(0.0002, 0.003)), vhost.host, 'apache2', undefined, message, origin);
}
