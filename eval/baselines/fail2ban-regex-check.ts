/**
 * Checks the baseline's sshd filter against the real thing: runs fail2ban's own `fail2ban-regex`
 * with its `sshd` filter over a log file and compares the failures it reports (address and second)
 * with the ones `findSshdFailures` finds in the same lines.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import ipaddr from 'ipaddr.js';
import { findSshdFailures } from './fail2ban.js';

const run = promisify(execFile);

export const FAIL2BAN_REGEX_BINARY = '/usr/bin/fail2ban-regex';

/** fail2ban datepattern for rsyslog's RFC 3339 timestamps at the start of the line. */
export const RSYSLOG_DATE_PATTERN = '{^LN-BEG}%ExY-%m-%dT%H:%M:%S(?:\\.%f)?%z';

/** One failure as `fail2ban-regex -o row` prints it: `['ADDRESS',\tEPOCH_SECONDS,\t{...}],`. */
const ROW = /^\['([^']+)',\s*(\d+)(?:\.\d+)?,/;

export interface Fail2banRegexOptions {
  binary?: string;
  filter?: string;
}

/** `ADDRESS SECOND` keys of the failures fail2ban-regex finds in `logFile`. */
export async function runFail2banRegex(logFile: string, options: Fail2banRegexOptions = {}): Promise<string[]> {
  const { stdout } = await run(
    options.binary ?? FAIL2BAN_REGEX_BINARY,
    ['--raw', '--datepattern', RSYSLOG_DATE_PATTERN, '--out', 'row', logFile, options.filter ?? 'sshd'],
    { maxBuffer: 1 << 30 },
  );
  const keys: string[] = [];
  for (const row of stdout.split('\n')) {
    const match = ROW.exec(row);
    if (match) keys.push(failureKey(match[1] ?? '', Number(match[2])));
  }
  return keys;
}

function failureKey(ip: string, seconds: number): string {
  const address = ipaddr.isValid(ip) ? ipaddr.parse(ip).toString() : ip;
  return `${address} ${Math.floor(seconds)}`;
}

export interface FailureAgreement {
  ours: number;
  fail2ban: number;
  /** Failures (`ADDRESS SECOND`) one side found and the other did not, each at most 20. */
  onlyOurs: string[];
  onlyFail2ban: string[];
}

function missingFrom(keys: readonly string[], other: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const key of other) remaining.set(key, (remaining.get(key) ?? 0) + 1);
  const missing: string[] = [];
  for (const key of keys) {
    const count = remaining.get(key) ?? 0;
    if (count > 0) remaining.set(key, count - 1);
    else if (missing.length < 20) missing.push(key);
  }
  return missing;
}

/** Compares, as multisets, our failures in `lines` with fail2ban-regex's in the file holding them. */
export async function checkAgainstFail2banRegex(
  logFile: string,
  lines: readonly string[],
  options: Fail2banRegexOptions = {},
): Promise<FailureAgreement> {
  const ours = findSshdFailures(lines).map((failure) => failureKey(failure.ip, failure.time));
  const theirs = await runFail2banRegex(logFile, options);
  return { ours: ours.length, fail2ban: theirs.length, onlyOurs: missingFrom(ours, theirs), onlyFail2ban: missingFrom(theirs, ours) };
}
