/**
 * Ordinary web traffic on the public web servers: people browsing (pages, then the assets they
 * load), search-engine and other crawlers, an uptime monitor, and the background probes every
 * public server receives.
 */
import type { GenerationContext, HostRuntime } from '../context.js';
import type { Random } from '../random.js';
import { BENIGN } from '../log-stream.js';
import { arrivals, humanTrafficFactor } from '../arrivals.js';
import { minutes, seconds } from '../clock.js';
import { addressInIpv4Block } from '../internet.js';
import { logRequest } from '../sequences/http.js';
import { SITE_ORIGIN, buildSite, type Page, type Site } from '../catalog/site.js';
import { BROWSER_USER_AGENTS, BROWSER_USER_AGENT_WEIGHTS, CRAWLERS, PROBE_USER_AGENTS, type Crawler } from '../catalog/user-agents.js';
import { PROBE_PATHS, TLS_HELLO_ON_HTTP } from '../catalog/web-probes.js';

const VISITS_PER_HOUR_AT_PEAK = 28;
const PROBES_PER_DAY_PER_HOST = 35;
const UPTIME_MONITOR = {
  userAgent: 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
  addresses: ['69.162.124.231', '63.143.42.246', '216.245.221.83'],
};
const LANDING_REFERERS = [
  '-',
  'https://www.google.com/',
  'https://www.bing.com/',
  'https://duckduckgo.com/',
  'https://www.linkedin.com/',
  'https://news.ycombinator.com/',
  'https://t.co/',
];
const LANDING_REFERER_WEIGHTS = [40, 38, 6, 5, 5, 3, 3];
class SiteTraffic {
  private readonly totalWeight: number;

  constructor(
    private readonly ctx: GenerationContext,
    private readonly site: Site,
    private readonly webHosts: HostRuntime[],
  ) {
    this.totalWeight = site.pages.reduce((sum, page) => sum + page.weight, 0);
  }

  private pickPage(rng: Random): Page {
    let point = rng.float() * this.totalWeight;
    for (const page of this.site.pages) {
      point -= page.weight;
      if (point < 0) return page;
    }
    return this.site.pages[0] as Page;
  }

  /** One person's visit: a landing page and a few more, each with the assets it loads. */
  visit(rng: Random, start: number): void {
    const host = rng.pick(this.webHosts);
    const clientIp = this.ctx.internet.visitor(rng);
    const userAgent = rng.weighted(BROWSER_USER_AGENTS, BROWSER_USER_AGENT_WEIGHTS);
    const protocol = rng.chance(0.85) ? 'HTTP/2.0' : 'HTTP/1.1';
    const isApple = /iPhone|iPad/.test(userAgent);
    const send = (time: number, method: string, path: string, status: number, bytes: number, referer: string): void =>
      logRequest(
        this.ctx,
        rng,
        host,
        time,
        { clientIp, request: `${method} ${path} ${protocol}`, status, bytes, referer, userAgent },
        BENIGN,
      );

    let time = start;
    let referer = rng.weighted(LANDING_REFERERS, LANDING_REFERER_WEIGHTS);
    let page = this.pickPage(rng);
    const pageviews = 1 + Math.min(8, Math.floor(rng.exponential(1.3)));
    for (let view = 0; view < pageviews; view++) {
      if (rng.chance(0.02)) {
        // A stale link or typed URL.
        send(time, 'GET', rng.pick(this.site.missing), 404, this.site.notFoundBytes, referer);
        time += seconds(rng.between(2, 15));
      } else if (rng.chance(0.03)) {
        send(time, 'GET', rng.pick(this.site.redirects), 301, 162, referer);
        time += seconds(rng.between(0.05, 0.3));
      }
      const query = view === 0 && referer !== '-' && rng.chance(0.15) ? '?utm_source=newsletter&utm_medium=email' : '';
      send(time, 'GET', page.path + query, rng.chance(0.003) ? 499 : 200, page.bytes + rng.int(-200, 200), referer);
      const pageUrl = `${SITE_ORIGIN}${page.path}`;
      let assetTime = time + seconds(rng.between(0.05, 0.4));
      const assets = view === 0 ? [...this.site.sharedAssets, ...page.images] : page.images;
      for (const asset of assets) {
        send(assetTime, 'GET', asset.path, 200, asset.bytes, pageUrl);
        assetTime += seconds(rng.between(0.005, 0.25));
      }
      if (view > 0 && rng.chance(0.1)) send(assetTime, 'GET', this.site.sharedAssets[0]?.path ?? '/', 304, 0, pageUrl);
      if (view === 0 && isApple) send(assetTime, 'GET', '/apple-touch-icon.png', 404, this.site.notFoundBytes, '-');
      if (page.path === '/contact' && rng.chance(0.15)) {
        const posted = assetTime + seconds(rng.between(20, 120));
        send(posted, 'POST', '/contact', 303, 0, pageUrl);
        send(posted + seconds(rng.between(0.05, 0.2)), 'GET', '/contact?sent=1', 200, page.bytes, pageUrl);
      }
      referer = pageUrl;
      page = this.pickPage(rng);
      time = assetTime + seconds(5 + rng.exponential(45));
    }
  }

  crawl(rng: Random, crawler: Crawler, host: HostRuntime, time: number): void {
    const networks = crawler.networks;
    const clientIp = networks === 'anywhere' ? this.ctx.internet.visitor(rng, 0) : addressInIpv4Block(rng, rng.pick(networks));
    const send = (path: string, status: number, bytes: number): void =>
      logRequest(
        this.ctx,
        rng,
        host,
        time,
        { clientIp, request: `GET ${path} HTTP/1.1`, status, bytes, userAgent: crawler.userAgent },
        BENIGN,
      );
    const roll = rng.float();
    if (crawler.fetchesRobots && roll < 0.06) send('/robots.txt', 200, this.site.robotsBytes);
    else if (crawler.fetchesRobots && roll < 0.09) send('/sitemap.xml', 200, this.site.sitemapBytes);
    else if (roll < 0.12) send(rng.pick(this.site.missing), 404, this.site.notFoundBytes);
    else if (roll < 0.14) send(rng.pick(this.site.redirects), 301, 162);
    else {
      const page = rng.pick(this.site.pages);
      // Crawlers revalidate pages they know.
      if (rng.chance(0.2)) send(page.path, 304, 0);
      else send(page.path, 200, page.bytes + rng.int(-200, 200));
    }
  }

  probe(rng: Random, host: HostRuntime, start: number): void {
    const clientIp = this.ctx.internet.scanner(rng, 0.1);
    const userAgent = rng.pick(PROBE_USER_AGENTS);
    let time = start;
    const requests = rng.weighted([1, 2, 3], [6, 3, 1]);
    for (let i = 0; i < requests; i++) {
      if (rng.chance(0.08)) {
        logRequest(this.ctx, rng, host, time, { clientIp, request: TLS_HELLO_ON_HTTP, status: 400, bytes: 150, userAgent: '-' }, BENIGN);
      } else {
        const path = rng.pick(PROBE_PATHS);
        const found = path === '/' || path === '/robots.txt' || path === '/favicon.ico';
        const status = found ? 200 : 404;
        const bytes = path === '/' ? (this.site.pages[0]?.bytes ?? 0) : found ? this.site.robotsBytes : this.site.notFoundBytes;
        logRequest(this.ctx, rng, host, time, { clientIp, request: `GET ${path} HTTP/1.1`, status, bytes, userAgent }, BENIGN);
      }
      time += seconds(rng.between(0.1, 4));
    }
  }
}

export function generateWebTraffic(ctx: GenerationContext, rng: Random): void {
  const webHosts = ctx.hostsWhere((spec) => spec.nginx);
  if (webHosts.length === 0) return;
  const traffic = new SiteTraffic(ctx, buildSite(rng.fork('site')), webHosts);
  const { startTime, endTime } = ctx;

  const visitRng = rng.fork('visits');
  for (const time of arrivals(
    visitRng,
    startTime,
    endTime,
    VISITS_PER_HOUR_AT_PEAK,
    (t) => VISITS_PER_HOUR_AT_PEAK * humanTrafficFactor(t),
  )) {
    traffic.visit(visitRng, time);
  }

  for (const host of webHosts) {
    for (const crawler of CRAWLERS) {
      const crawlRng = rng.fork(`crawl/${host.name}/${crawler.userAgent}`);
      const perHour = crawler.requestsPerDay / 24;
      for (const time of arrivals(crawlRng, startTime, endTime, perHour, () => perHour)) traffic.crawl(crawlRng, crawler, host, time);
    }
    const probeRng = rng.fork(`probes/${host.name}`);
    const probesPerHour = PROBES_PER_DAY_PER_HOST / 24;
    for (const time of arrivals(probeRng, startTime, endTime, probesPerHour, () => probesPerHour)) traffic.probe(probeRng, host, time);
  }

  const monitorRng = rng.fork('uptime');
  for (
    let time = startTime + seconds(monitorRng.between(0, 300));
    time < endTime;
    time += minutes(5) + seconds(monitorRng.between(-2, 2))
  ) {
    const host = monitorRng.pick(webHosts);
    const clientIp = monitorRng.pick(UPTIME_MONITOR.addresses);
    logRequest(
      ctx,
      monitorRng,
      host,
      time,
      { clientIp, request: 'HEAD / HTTP/1.1', status: 200, bytes: 0, userAgent: UPTIME_MONITOR.userAgent },
      BENIGN,
    );
  }
}
