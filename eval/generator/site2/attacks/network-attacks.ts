/**
 * Scans of site 2's servers: port scans as each VPS's own UFW logs them (printk times, the
 * host's own open ports), and web vulnerability scans of the webmail (Apache) or the project
 * application (nginx).
 */
import type { GenerationContext } from '../../context.js';
import type { Random } from '../../random.js';
import type { AttackGenerator, EpisodePlan, EpisodeSummary } from '../../attacks/episode.js';
import { fastScan, slowScan } from '../../attacks/port-scan.js';
import { logApacheRequest, logRequest } from '../../sequences/http.js';
import { WEB_SCAN_VARIANTS, runWebScan, type ScanRequestWriter, type ScannedApp } from '../../sequences/web-scan.js';
import type { Agency } from '../organization.js';
import { hostFirewall } from '../benign/firewall.js';

type Context = GenerationContext<Agency>;

/** Apache's `%O` adds the response headers to the body. */
const APACHE_HEADER_BYTES = 270;

const WEBMAIL_APP: ScannedApp = {
  injectable: [
    { path: '/', parameter: '_uid', value: '4521' },
    { path: '/', parameter: '_mbox', value: 'INBOX' },
  ],
  redirects: ['/roundcube', '/mail'],
  pageBytes: 5_642,
  notFoundBytes: 222,
};

const PROJECT_APP_SCANNED: ScannedApp = {
  injectable: [
    { path: '/api/v1/items', parameter: 'page', value: '2' },
    { path: '/login', parameter: 'next', value: '%2Fdashboard' },
  ],
  redirects: ['/app', '/admin'],
  pageBytes: 2_310,
  notFoundBytes: 162,
};

function guardedHost(ctx: Context, rng: Random) {
  const host = rng.pick(ctx.hostsWhere((spec) => spec.ufw));
  return { host, firewall: hostFirewall(host) };
}

export const portScanFast: AttackGenerator<Agency> = (ctx, rng, plan) => {
  const { host, firewall } = guardedHost(ctx, rng);
  return fastScan(ctx, rng, firewall, host.spec.openPorts, plan);
};

export const portScanSlow: AttackGenerator<Agency> = (ctx, rng, plan) => {
  const { host, firewall } = guardedHost(ctx, rng);
  return slowScan(ctx, rng, firewall, host.spec.openPorts, plan);
};

function scanWriter(
  ctx: Context,
  rng: Random,
  plan: EpisodePlan,
  clientIp: string,
  webmail: boolean,
): { writer: ScanRequestWriter; target: string } {
  const role = webmail ? 'mail' : 'apps';
  const host = ctx.hostsWhere((spec) => spec.role === role)[0];
  if (!host) throw new Error(`site 2 has no ${role} host`);
  const vhost = { host, name: ctx.org.webmail.vhost, port: ctx.org.webmail.port };
  const writer: ScanRequestWriter = (time, method, target, status, bytes, userAgent) => {
    const request = { clientIp, request: `${method} ${target} HTTP/1.1`, status, bytes, userAgent };
    if (webmail) logApacheRequest(ctx, rng, vhost, time, { ...request, bytes: bytes + APACHE_HEADER_BYTES }, plan);
    else logRequest(ctx, rng, host, time, request, plan);
  };
  return { writer, target: webmail ? vhost.name : host.name };
}

export const webScan: AttackGenerator<Agency> = (ctx, rng, plan): EpisodeSummary => {
  const webmail = rng.chance(0.6);
  const clientIp = ctx.internet.scanner(rng, 0.1);
  const variant = rng.pick(WEB_SCAN_VARIANTS);
  const { writer, target } = scanWriter(ctx, rng, plan, clientIp, webmail);
  const requests = runWebScan(rng, variant, webmail ? WEBMAIL_APP : PROJECT_APP_SCANNED, writer, plan.start);
  return { source: clientIp, target, detail: `${variant}, ${requests} requests` };
};
