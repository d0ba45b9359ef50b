/**
 * Per-request content signals for web logs: SQL injection patterns, path traversal and sensitive
 * file probes, scanner user agents, and the entropy of the query string. Inputs are attacker
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

const TRAVERSAL =
  /(?:\.\.[/\\]|[/\\]\.\.(?:[/\\]|$)|\/etc\/(?:passwd|shadow|hosts)|\/proc\/self\/|boot\.ini|win\.ini|\/\.env\b|\/\.git\/|\/wp-config\.php|\/\.htpasswd|\/\.aws\/|\/id_rsa\b|c:\\windows)/;

export function isPathTraversal(normalisedUrl: string): boolean {
  return TRAVERSAL.test(normalisedUrl);
}

const SCANNER_AGENTS =
  /(?:sqlmap|nikto|nuclei|nmap|masscan|zgrab|dirbuster|dirb\/|gobuster|feroxbuster|wpscan|acunetix|nessus|openvas|w3af|arachni|havij|hydra|zmeu|jorgee|netsparker|burp|wfuzz|ffuf|skipfish|whatweb|commix|xsstrike|httpx|l9explore|censysinspect)/i;

export function isScannerUserAgent(userAgent: string): boolean {
  return SCANNER_AGENTS.test(userAgent.length > 512 ? userAgent.slice(0, 512) : userAgent);
}

/** Shannon entropy in bits per character of the query part (0 without a query). */
export function queryEntropy(url: string): number {
  const q = url.indexOf('?');
  if (q < 0 || q === url.length - 1) return 0;
  const end = Math.min(url.length, q + 1 + MAX_URL);
  const counts = new Map<number, number>();
  for (let i = q + 1; i < end; i++) {
    const c = url.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const n = end - q - 1;
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / n;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}
