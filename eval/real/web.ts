/**
 * Ground truth of web access logs (nginx/Apache `combined`, Debian `vhost_combined`, `common`):
 * scanners and login brute-forcers by their requests, legitimate monitors, crawlers and
 * application users by their behaviour. Rules: eval/real/README.md.
 */
import { ipActor, type TypeTruth, type Verdict } from './ground-truth.js';

export interface AccessRecord {
  /** Epoch seconds. */
  time: number;
  client: string;
  method: string | undefined;
  /** Request target, percent-decoded and lower-cased. */
  target: string;
  path: string;
  /** undefined when the server logged `-` (malformed request). */
  status: number | undefined;
  referer: string;
  agent: string;
  /** Not `METHOD TARGET HTTP/x`: TLS bytes on a plain port, garbage (`-`, a connection closed before any request, is not). */
  malformed: boolean;
}

/** Requests for attack or secret-hunting paths that make an address a scanner. */
export const ATTACK_PATH_REQUESTS = 3;
/** 4xx answers, on at least this many distinct paths, that make an address a scanner. */
export const SCAN_ERRORS = 20;
export const SCAN_ERROR_PATHS = 10;
/** POSTs to login forms that make an address a brute-forcer. */
export const LOGIN_POSTS = 10;
/** 4xx answers that make a visitor gray. */
const GRAY_ERRORS = 5;
/** A monitor without a known user agent: this many requests, nearly all for one path, evenly spaced. */
const MONITOR_REQUESTS = 20;

const ACCESS =
  /^(?:(?<vhost>\S+) )?(?<client>\S+) \S+ \S+ \[(?<time>[^\]]+)\] "(?<request>(?:[^"\\]|\\.)*)" (?<status>\d{3}|-) (?:\d+|-)(?: "(?<referer>(?:[^"\\]|\\.)*)" "(?<agent>(?:[^"\\]|\\.)*)")?/;
const REQUEST = /^(?<method>[A-Z]{3,10}) (?<target>\S+) HTTP\/\d(?:\.\d)?$/;
const CLF_TIME = /^(?<d>\d\d)\/(?<mon>[A-Z][a-z]{2})\/(?<y>\d{4}):(?<clock>\d\d:\d\d:\d\d) (?<zone>[+-]\d{4})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Paths no visitor of any site asks for: secrets, exploits, traversal, injection. */
const ATTACK_PATHS: readonly RegExp[] = [
  /\/\.env(?:[./?~]|$)/,
  /\/\.git(?:\/|$)/,
  /\/\.(?:svn|hg|aws|ssh|docker)(?:\/|$)/,
  /\/\.(?:htpasswd|ds_store|npmrc|bash_history)/,
  /wp-config\.php/,
  /\/id_[rd]sa/,
  /phpinfo/,
  /\/(?:info|php_info)\.php/,
  /eval-stdin\.php/,
  /\/vendor\/phpunit\//,
  /\/_profiler\//,
  /\.\.[/\\]/,
  /\/etc\/(?:passwd|shadow)/,
  /win\.ini/,
  /\/proc\/self\//,
  /union(?:\s|\+|\/\*.*?\*\/)+(?:all(?:\s|\+)+)?select/,
  /\b(?:sleep|benchmark)\s*\(\s*\d/,
  /\bwaitfor\s+delay\b/,
  /information_schema/,
  /'\s*(?:or|and)\s+'?\d+'?\s*=\s*'?\d+/,
  /\$\{jndi:/,
  /\$\{ifs\}/,
  /;\s*(?:wget|curl|chmod|rm|sh|bash)\b/,
  /\$\((?:wget|curl|sh|echo)\b/,
  /\/bin\/(?:sh|bash)\b/,
  /\/cgi-bin\//,
  /\/boaform\//,
  /\/hnap1/,
  /\/goform\//,
  /\/actuator(?:\/|$)/,
  /\/remote\/fgt_lang/,
  /\/solr\/admin/,
  /\/manager\/html/,
  /\/setup\.cgi/,
  /\/shell\?/,
];
/** WordPress paths: an attack path only on a site that is not WordPress. */
const WORDPRESS_PATH = /\/(?:wp-login\.php|xmlrpc\.php|wp-admin|wp-includes|wp-content|wp-json|wordpress\/|wp\/)/;
/** A site is WordPress when a browser (a request with a referer) got its assets. */
const WORDPRESS_ASSET = /\/wp-(?:content|includes)\//;
const LOGIN_PATH = /(?:wp-login\.php|xmlrpc\.php|\/(?:user\/|admin\/|account\/)?(?:login|signin|sign-in|logon|auth)(?:[/.?]|$))/;
const API_PATH = /^\/(?:[\w-]+\/)?api\/|\/graphql$/;
const MONITOR_AGENT =
  /uptime-kuma|uptimerobot|prtg network monitor|pingdom|statuscake|site24x7|zabbix|nagios|check_http|monitis|freshping|better ?uptime|hetrixtools|updown\.io|newrelicpinger|datadog|elb-healthchecker|kube-probe|googlehc|blackbox.exporter|gatus/i;
const CRAWLER_AGENT =
  /googlebot|bingbot|yandex(?:bot|images|mobilebot)|baiduspider|duckduckbot|applebot|slurp|seznambot|petalbot|qwantify|sogou web spider|exabot|naver|yeti\//i;

function decode(target: string): string {
  let text = target;
  for (let round = 0; round < 2 && text.includes('%'); round++) {
    try {
      text = decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      break;
    }
  }
  return text.toLowerCase();
}

function clfTime(text: string): number {
  const groups = CLF_TIME.exec(text)?.groups;
  if (groups === undefined) return Number.NaN;
  const [h, m, s] = (groups.clock ?? '').split(':').map(Number);
  const zone = groups.zone ?? '+0000';
  const offset = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(3)) * 60);
  return Date.UTC(Number(groups.y), MONTHS.indexOf(groups.mon ?? ''), Number(groups.d), h, m, s) / 1000 - offset;
}

/** An access-log line, or undefined when the text is not one. */
export function parseAccessLine(text: string): AccessRecord | undefined {
  const groups = ACCESS.exec(text)?.groups;
  if (groups === undefined) return undefined;
  const request = REQUEST.exec(groups.request ?? '')?.groups;
  const target = decode(request?.target ?? groups.request ?? '');
  const status = groups.status === '-' ? undefined : Number(groups.status);
  return {
    time: clfTime(groups.time ?? ''),
    client: groups.client ?? '',
    method: request?.method,
    target,
    path: target.split('?', 1)[0] ?? '',
    status,
    referer: groups.referer ?? '-',
    agent: groups.agent ?? '',
    malformed: request === undefined && (groups.request ?? '') !== '-' && (groups.request ?? '') !== '',
  };
}

interface Visitor {
  requests: number;
  ok: number;
  errors: number;
  errorPaths: Set<string>;
  attackRequests: number;
  wordpressRequests: number;
  malformed: number;
  /** GETs answered 400: a browser never sends a request its server cannot parse. */
  badGets: number;
  loginPosts: number;
  appCalls: number;
  browsed: number;
  monitorAgent: boolean;
  crawlerAgent: boolean;
  paths: Map<string, number[]>;
}

/** `times` nearly all for one path, evenly spaced (a monitor with an unknown user agent). */
function isRegularPoller(visitor: Visitor): boolean {
  if (visitor.requests < MONITOR_REQUESTS) return false;
  const [times] = [...visitor.paths.values()].sort((a, b) => b.length - a.length);
  if (times === undefined || times.length < 0.9 * visitor.requests) return false;
  const gaps = times
    .slice(1)
    .map((time, i) => time - (times[i] ?? time))
    .sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
  if (!(median >= 10)) return false;
  return gaps.filter((gap) => Math.abs(gap - median) <= 0.2 * median).length >= 0.7 * gaps.length;
}

export function visitorVerdict(visitor: Visitor, wordpressSite: boolean): Verdict {
  const attackRequests = visitor.attackRequests + (wordpressSite ? 0 : visitor.wordpressRequests);
  if (attackRequests >= ATTACK_PATH_REQUESTS)
    return { class: 'attacker', attack: 'scanner', why: `${attackRequests} requests for attack or secret paths` };
  if (visitor.errors >= SCAN_ERRORS && visitor.errorPaths.size >= SCAN_ERROR_PATHS) {
    return { class: 'attacker', attack: 'scanner', why: `${visitor.errors} 4xx answers on ${visitor.errorPaths.size} paths` };
  }
  if (visitor.loginPosts >= LOGIN_POSTS)
    return { class: 'attacker', attack: 'brute-forcer', why: `${visitor.loginPosts} POSTs to a login form` };
  if (attackRequests === 0 && visitor.malformed === 0) {
    if (visitor.monitorAgent) return { class: 'legitimate', why: 'monitoring agent (user agent)' };
    if (isRegularPoller(visitor)) return { class: 'legitimate', why: 'one path polled at a regular interval' };
    if (visitor.crawlerAgent) return { class: 'legitimate', why: 'search-engine crawler (user agent)' };
    if (visitor.appCalls > 0 && visitor.browsed > 0 && visitor.ok >= 3)
      return { class: 'legitimate', why: 'application user (successful POST or API calls, browsing)' };
  }
  if (attackRequests > 0) return { class: 'gray', why: `${attackRequests} requests for attack or secret paths` };
  if (visitor.malformed > 0) return { class: 'gray', why: `${visitor.malformed} malformed requests` };
  if (visitor.badGets > 0) return { class: 'gray', why: `${visitor.badGets} GETs answered 400` };
  if (visitor.errors >= GRAY_ERRORS) return { class: 'gray', why: `${visitor.errors} 4xx answers on ${visitor.errorPaths.size} paths` };
  return { class: 'background', why: 'ordinary visitor' };
}

function newVisitor(): Visitor {
  return {
    requests: 0,
    ok: 0,
    errors: 0,
    errorPaths: new Set(),
    attackRequests: 0,
    wordpressRequests: 0,
    malformed: 0,
    badGets: 0,
    loginPosts: 0,
    appCalls: 0,
    browsed: 0,
    monitorAgent: false,
    crawlerAgent: false,
    paths: new Map(),
  };
}

/** Ground truth of the web access lines of one file. */
export function webTruth(lines: readonly { index: number; record: AccessRecord }[]): TypeTruth {
  const truth: TypeTruth = { actors: new Map(), lineActor: new Map() };
  const visitors = new Map<string, Visitor>();
  let wordpressSite = false;
  for (const { index, record } of lines) {
    let visitor = visitors.get(record.client);
    if (visitor === undefined) visitors.set(record.client, (visitor = newVisitor()));
    truth.lineActor.set(index, ipActor(record.client));
    visitor.requests++;
    const status = record.status ?? 0;
    const ok = status >= 200 && status < 400;
    if (ok) visitor.ok++;
    // 408: the server closed a connection on which no request came (browsers' spare connections).
    if (status >= 400 && status < 500 && status !== 408) {
      visitor.errors++;
      visitor.errorPaths.add(record.path);
    }
    if (record.malformed) visitor.malformed++;
    if (status === 400 && (record.method === 'GET' || record.method === 'HEAD')) visitor.badGets++;
    if (ATTACK_PATHS.some((pattern) => pattern.test(record.target))) visitor.attackRequests++;
    else if (WORDPRESS_PATH.test(record.path)) visitor.wordpressRequests++;
    if (ok && record.referer !== '-' && WORDPRESS_ASSET.test(record.path)) wordpressSite = true;
    if (record.method === 'POST' && LOGIN_PATH.test(record.path)) visitor.loginPosts++;
    if (ok && (record.method === 'POST' || API_PATH.test(record.path))) visitor.appCalls++;
    // A browser rendering the site's pages sends referers for their assets; bots seldom do.
    if (ok && record.referer !== '-') visitor.browsed++;
    if (MONITOR_AGENT.test(record.agent)) visitor.monitorAgent = true;
    if (CRAWLER_AGENT.test(record.agent)) visitor.crawlerAgent = true;
    const times = visitor.paths.get(record.path);
    if (times === undefined) visitor.paths.set(record.path, [record.time]);
    else times.push(record.time);
  }
  for (const [client, visitor] of visitors) truth.actors.set(ipActor(client), visitorVerdict(visitor, wordpressSite));
  return truth;
}
