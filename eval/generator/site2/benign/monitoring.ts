/**
 * The studio's monitor (an uptime checker on a small server elsewhere, one fixed address): every
 * 60 s it fetches the webmail's front page and the application's health endpoint, and checks
 * that each sshd answers: on mx1 every minute, on app1 and the CRM every five. An SSH check opens
 * the TCP connection, reads the banner and hangs up: OpenSSH 8+ logs `Connection closed by ...
 * [preauth]`; CentOS 7's 7.4 logs `Did not receive identification string`.
 */
import type { GenerationContext, HostRuntime } from '../../context.js';
import type { Random } from '../../random.js';
import { BENIGN } from '../../log-stream.js';
import { seconds } from '../../clock.js';
import { logApacheRequest, logRequest } from '../../sequences/http.js';
import { clientPort, probeConnection } from '../../sequences/ssh.js';
import { noIdentificationString } from '../../messages/sshd.js';
import type { Agency } from '../organization.js';
import { PROJECT_APP } from '../catalog/project-app.js';

type Context = GenerationContext<Agency>;

/** Calls `check` every `everySeconds` (with the scheduler's jitter) over the whole stream. */
function every(ctx: Context, rng: Random, everySeconds: number, check: (time: number) => void): void {
  for (
    let time = ctx.startTime + seconds(rng.between(0, everySeconds));
    time < ctx.endTime;
    time += seconds(everySeconds + rng.between(-0.2, 0.3))
  )
    check(time);
}

function sshCheck(ctx: Context, rng: Random, host: HostRuntime, ip: string, time: number): void {
  if (host.sshd.namesUsers) {
    probeConnection(ctx, rng, { host, ip, origin: BENIGN }, time, 'closed');
    return;
  }
  ctx.log(
    time + seconds(rng.between(0.005, 0.05)),
    host,
    host.sshd.program,
    host.pids.at(time),
    noIdentificationString(ip, clientPort(rng)),
    BENIGN,
  );
}

export function generateMonitoring(ctx: Context, rng: Random): void {
  const { monitor, webmail } = ctx.org;
  for (const host of ctx.hostsWhere(() => true)) {
    const spec = host.spec;
    const hostRng = rng.fork(host.name);
    if (spec.role === 'mail') {
      const vhost = { host, name: webmail.vhost, port: webmail.port };
      every(ctx, hostRng.fork('http'), 60, (time) =>
        logApacheRequest(
          ctx,
          hostRng,
          vhost,
          time,
          { clientIp: monitor.ip, request: 'GET / HTTP/1.1', status: 200, bytes: 5_912, userAgent: monitor.userAgent },
          BENIGN,
        ),
      );
    } else if (spec.role === 'apps') {
      every(ctx, hostRng.fork('http'), 60, (time) =>
        logRequest(
          ctx,
          hostRng,
          host,
          time,
          { clientIp: monitor.ip, request: `GET ${PROJECT_APP.health} HTTP/1.1`, status: 200, bytes: 15, userAgent: monitor.userAgent },
          BENIGN,
        ),
      );
    }
    every(ctx, hostRng.fork('ssh'), spec.role === 'mail' ? 60 : 300, (time) => sshCheck(ctx, hostRng, host, monitor.ip, time));
  }
}
