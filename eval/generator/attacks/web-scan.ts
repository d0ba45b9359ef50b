/**
 * Web vulnerability scans of the company's public site (nginx on the web hosts) from one address.
 */
import type { AttackGenerator, EpisodeSummary } from './episode.js';
import { logRequest } from '../sequences/http.js';
import { WEB_SCAN_VARIANTS, runWebScan, type ScannedApp } from '../sequences/web-scan.js';

/** The public site's endpoints that take a parameter, its redirects and page sizes. */
const PUBLIC_SITE: ScannedApp = {
  injectable: [
    { path: '/search', parameter: 'q', value: 'pricing' },
    { path: '/blog/', parameter: 'p', value: '42' },
    { path: '/download', parameter: 'file', value: 'whitepaper.pdf' },
    { path: '/docs/', parameter: 'lang', value: 'en' },
  ],
  redirects: ['/blog', '/docs'],
  pageBytes: 18_342,
  notFoundBytes: 4_218,
};

export const webScan: AttackGenerator = (ctx, rng, plan): EpisodeSummary => {
  const host = rng.pick(ctx.hostsWhere((spec) => spec.nginx));
  const clientIp = ctx.internet.scanner(rng, 0.1);
  const variant = rng.pick(WEB_SCAN_VARIANTS);
  const requests = runWebScan(
    rng,
    variant,
    PUBLIC_SITE,
    (time, method, target, status, bytes, userAgent) => {
      logRequest(ctx, rng, host, time, { clientIp, request: `${method} ${target} HTTP/1.1`, status, bytes, userAgent }, plan);
    },
    plan.start,
  );
  return { source: clientIp, target: host.name, detail: `${variant}, ${requests} requests` };
};
