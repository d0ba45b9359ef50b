/**
 * Per-request content signals for web logs: SQL injection patterns, path traversal and sensitive
 * file probes, scanner user agents, and path folding for distinct-path counts. Inputs are attacker
 * controlled: everything here is bounded (URLs are cut to MAX_URL before matching) and regexes
 * are anchored on literal tokens so they cannot backtrack badly.
 */
const MAX_URL = 4096;

/** Percent-decodes (twice, as double-encoding is a common evasion) and lower-cases; never throws. */
export function normaliseUrl(url: string): string {
  let text = url.length > MAX_URL ? url.slice(0, MAX_URL) : url;
  for (let round = 0; round < 2 && text.includes('%'); round++) text = percentDecode(text);
  return text.replace(/\+/g, ' ').toLowerCase();
}

function percentDecode(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const SQLI_PATTERNS: readonly RegExp[] = [
  /\bunion\b[\s(/*]+(?:all\s+)?select\b/,
  /\bselect\b[\s\S]{0,100}?\bfrom\b/,
  /['"`)]\s*(?:or|and)\s+['"`]?\w+['"`]?\s*(?:=|like|>|<)/,
  /\b(?:or|and)\s+\d+\s*=\s*\d+/,
  /(?:--|#|\/\*)\s*$/,
  /\b(?:sleep|benchmark|pg_sleep|waitfor\s+delay)\s*\(/,
  /\b(?:information_schema|sysobjects|pg_catalog|sqlite_master)\b/,
  /\b(?:concat|char|group_concat|load_file|extractvalue|updatexml)\s*\(/,
  /;\s*(?:drop|insert|update|delete|exec|shutdown)\b/,
  /'\s*;/,
];

/** Number of distinct SQL injection patterns in the (normalised) URL. */
export function sqlInjectionScore(normalisedUrl: string): number {
  let score = 0;
  for (const pattern of SQLI_PATTERNS) if (pattern.test(normalisedUrl)) score++;
  return score;
}

/**
 * Traversal, system files, and what secret hunters and exploit kits ask every web server for:
 * environment and VCS files, credentials, framework debug and admin endpoints, router exploits.
 */
const TRAVERSAL =
  /(?:\.\.[/\\]|[/\\]\.\.(?:[/\\]|$)|\/etc\/(?:passwd|shadow|hosts)|\/proc\/self\/|boot\.ini|win\.ini|c:\\windows|\/\.env\b|\/\.(?:git|svn|hg|aws|ssh|docker|vscode)\/|\/\.(?:htpasswd|htaccess|ds_store|npmrc|git-credentials)\b|\/wp-config\.php|\/id_rsa\b|phpinfo|\/_profiler\/|\/actuator\/|\/server-status\b|\/phpunit\/|\/cgi-bin\/|\/boaform\/|\/hnap1\b|\/(?:wp-)?admin\/setup-config\.php|\/(?:backup|dump|database|db)\.(?:sql|zip|tar\.gz)\b)/;

export function isPathTraversal(normalisedUrl: string): boolean {
  return TRAVERSAL.test(normalisedUrl);
}

/** A payload that climbs out of the web root or names a system file (not a mere `.env` probe). */
const TRAVERSAL_PAYLOAD = /(?:\.\.[/\\]|[/\\]\.\.(?:[/\\]|$)|\/etc\/(?:passwd|shadow)|\/proc\/self\/|boot\.ini|win\.ini|c:\\windows)/;

export function isTraversalPayload(normalisedUrl: string): boolean {
  return TRAVERSAL_PAYLOAD.test(normalisedUrl);
}

const SCANNER_AGENTS =
  /(?:sqlmap|nikto|nuclei|nmap|masscan|zgrab|dirbuster|dirb\/|gobuster|feroxbuster|wpscan|acunetix|nessus|openvas|w3af|arachni|havij|hydra|zmeu|jorgee|netsparker|burp|wfuzz|ffuf|skipfish|whatweb|commix|xsstrike|httpx|l9explore|censysinspect)/i;

export function isScannerUserAgent(userAgent: string): boolean {
  return SCANNER_AGENTS.test(userAgent.length > 512 ? userAgent.slice(0, 512) : userAgent);
}

/** A path segment that names one object rather than a resource: a number, hex id, UUID or token. */
const ID_SEGMENT =
  /^(?:\d+|[0-9a-f]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_-]{20,}|[^/]*\d[^/]*\d[^/]*\d[^/]{4,})$/i;

/**
 * The path with its query removed and every segment that identifies an object folded to `*`:
 * `/api/v1/items/8812/notes` and `/api/v1/items/8813/notes` are one resource. Distinct-path
 * counts then measure how widely a client explores, not how many records an application user opens.
 */
export function foldPath(path: string): string {
  const q = path.indexOf('?');
  const bare = q < 0 ? path : path.slice(0, q);
  if (bare.length > MAX_URL) return bare.slice(0, MAX_URL);
  let folded = '';
  let start = 0;
  while (start <= bare.length) {
    let end = bare.indexOf('/', start);
    if (end < 0) end = bare.length;
    const segment = bare.slice(start, end);
    folded += segment.length > 0 && ID_SEGMENT.test(segment) ? '*' : segment;
    if (end < bare.length) folded += '/';
    start = end + 1;
  }
  return folded;
}
