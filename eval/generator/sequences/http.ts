/** One nginx access-log line, forwarded to syslog a moment after nginx finished the request. */
import type { GenerationContext, HostRuntime } from '../context.js';
import type { Origin } from '../log-stream.js';
import type { Random } from '../random.js';
import { MICROS_PER_SECOND, seconds } from '../clock.js';
import { accessLogLine } from '../messages/nginx.js';

export interface HttpRequest {
  clientIp: string;
  request: string;
  status: number;
  bytes: number;
  referer?: string;
  userAgent: string;
}

export function logRequest(ctx: GenerationContext, rng: Random, host: HostRuntime, time: number, request: HttpRequest, origin: Origin): void {
  const message = accessLogLine({
    clientIp: request.clientIp,
    time: Math.floor(time / MICROS_PER_SECOND),
    request: request.request,
    status: request.status,
    bytes: request.bytes,
    referer: request.referer ?? '-',
    userAgent: request.userAgent,
  });
  ctx.log(time + seconds(rng.between(0.0002, 0.003)), host, 'nginx', undefined, message, origin);
}
