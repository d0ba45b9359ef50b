/**
 * The internet's background at site 2's servers: SSH clients trying a password or two (written
 * in each server's sshd dialect; the legacy CRM gets more of them) or only grabbing the banner,
 * and web probes for the usual paths, plus webmail login pages, at both web servers. No crawling
 * to speak of: neither the webmail nor the application is meant for search engines.
 */
import type { GenerationContext, HostRuntime } from '../../context.js';
import type { Random } from '../../random.js';
import { BENIGN } from '../../log-stream.js';
import { arrivals } from '../../arrivals.js';
import { seconds } from '../../clock.js';
import { internetSshVisit, PROBES, type ProbeMix } from '../../benign/ssh-noise.js';
import { logApacheRequest, logRequest, type HttpRequest } from '../../sequences/http.js';
import { PROBE_PATHS, TLS_HELLO_ON_HTTP } from '../../catalog/web-probes.js';
import { PROBE_USER_AGENTS } from '../../catalog/user-agents.js';
import { hostKnows, type Agency, type Site2Host } from '../organization.js';

type Context = GenerationContext<Agency>;

/** OpenSSH 7.4 has no kex_exchange_identification forms; its banner grabbers leave these. */
const RHEL7_PROBES: ProbeMix = { kinds: ['closed', 'no-identification', 'negotiation'], weights: [30, 30, 8] };
const SSH_VISITS_PER_HOUR: Record<Site2Host['role'], number> = { mail: 6, apps: 5, crm: 9 };
const WEB_PROBES_PER_HOUR = 1.6;
const WEBMAIL_PROBE_PATHS = ['/roundcube/', '/webmail/', '/rcube/', '/mail/', '/SOGo/', '/horde/', '/squirrelmail/src/login.php', '/owa/'];

function webProbe(ctx: Context, rng: Random, host: HostRuntime<Site2Host>, start: number): void {
  const { webmail } = ctx.org;
  const clientIp = ctx.internet.scanner(rng, 0.1);
  const userAgent = rng.pick(PROBE_USER_AGENTS);
  // Port 80 on mx1 only redirects to https; TLS spoken to it is refused there.
  const port = rng.chance(0.3) ? 80 : 443;
  const send = (time: number, request: HttpRequest): void => {
    if (host.spec.role === 'mail') logApacheRequest(ctx, rng, { host, name: webmail.vhost, port }, time, request, BENIGN);
    else logRequest(ctx, rng, host, time, request, BENIGN);
  };
  let time = start;
  for (let i = rng.weighted([1, 2, 3], [6, 3, 1]); i > 0; i--) {
    if (port === 80 && rng.chance(0.2)) {
      send(time, { clientIp, request: TLS_HELLO_ON_HTTP, status: 400, bytes: 301, userAgent: '-' });
    } else {
      const path = rng.chance(0.2) ? rng.pick(WEBMAIL_PROBE_PATHS) : rng.pick(PROBE_PATHS);
      const found = path === '/' || path === '/favicon.ico';
      send(time, { clientIp, request: `GET ${path} HTTP/1.1`, status: found ? 200 : 404, bytes: found ? 5_912 : 492, userAgent });
    }
    time += seconds(rng.between(0.1, 4));
  }
}

export function generateSite2InternetNoise(ctx: Context, rng: Random): void {
  for (const host of ctx.hostsWhere(() => true)) {
    const sshRng = rng.fork(`ssh/${host.name}`);
    const rate = SSH_VISITS_PER_HOUR[host.spec.role];
    const probes = host.sshd.namesUsers ? PROBES : RHEL7_PROBES;
    const knows = (user: string): boolean => hostKnows(host.spec, user);
    const ipv6Share = host.spec.ipv6 ? 0.05 : 0;
    for (const time of arrivals(sshRng, ctx.startTime, ctx.endTime, rate, () => rate))
      internetSshVisit(ctx, sshRng, host, time, knows, probes, ipv6Share);
    if (host.spec.role === 'crm') continue;
    const webRng = rng.fork(`web/${host.name}`);
    for (const time of arrivals(webRng, ctx.startTime, ctx.endTime, WEB_PROBES_PER_HOUR, () => WEB_PROBES_PER_HOUR))
      webProbe(ctx, webRng, host, time);
  }
}
