/**
 * Ground truth of fail2ban's own log (`... fail2ban.filter [PID]: INFO [jail] Found ADDR`,
 * `fail2ban.actions ... NOTICE [jail] Ban ADDR`), bare or behind a syslog header: fail2ban has
 * already judged each address; an address it banned, or found often, is an attacker. Rules:
 * eval/real/README.md.
 */
import { ipActor, type TypeTruth, type Verdict } from './ground-truth.js';

export interface Fail2banRecord {
  jail: string;
  verb: 'found' | 'ban' | 'unban' | 'ignore' | 'other';
  address: string | undefined;
}

/** `Found` lines that make an address an attacker even if it was never banned. */
export const FOUND_TIMES = 10;
/** Jails about scanning rather than guessing credentials. */
const SCAN_JAIL = /scan|probe|bot|404|nohome|noscript|badreq/i;

/** A bare fail2ban.log line: `DATE TIME,ms fail2ban.MODULE [PID]: REST`. */
const BARE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:,\d+)? fail2ban\.\S+\s*\[\d+\]: (?<rest>.*)$/;
/** `LEVEL [jail] VERB ADDR ...` */
const REST = /^[A-Z]+\s+\[(?<jail>[^\]]+)\]\s+(?<verb>Restore Ban|Found|Ban|Unban|Ignore)\s+(?<addr>[0-9A-Fa-f.:]+)/;
const VERBS: Record<string, Fail2banRecord['verb']> = {
  Found: 'found',
  Ban: 'ban',
  'Restore Ban': 'ban',
  Unban: 'unban',
  Ignore: 'ignore',
};

/** A fail2ban line: a bare fail2ban.log line, or a syslog message whose program is fail2ban's. */
export function parseFail2ban(line: string, syslogProgram: string | undefined): Fail2banRecord | undefined {
  const rest = syslogProgram === undefined ? BARE.exec(line)?.groups?.rest : syslogProgram.startsWith('fail2ban') ? line : undefined;
  if (rest === undefined) return undefined;
  const groups = REST.exec(rest)?.groups;
  return { jail: groups?.jail ?? '', verb: VERBS[groups?.verb ?? ''] ?? 'other', address: groups?.addr };
}

interface Offender {
  found: number;
  banned: boolean;
  ignored: boolean;
  jails: Set<string>;
}

export function offenderVerdict({ found, banned, ignored, jails }: Offender): Verdict {
  const attack = [...jails].some((jail) => SCAN_JAIL.test(jail)) ? 'scanner' : 'brute-forcer';
  if (banned) return { class: 'attacker', attack, why: `banned by ${[...jails].join(', ')}` };
  if (found >= FOUND_TIMES) return { class: 'attacker', attack, why: `found ${found} times` };
  if (ignored && found === 0) return { class: 'legitimate', why: 'on fail2ban ignoreip' };
  return { class: 'gray', why: `found ${found} times` };
}

/** Ground truth of the fail2ban lines of one file; lines without an address belong to no actor. */
export function fail2banTruth(lines: readonly { index: number; record: Fail2banRecord }[]): TypeTruth {
  const truth: TypeTruth = { actors: new Map(), lineActor: new Map() };
  const offenders = new Map<string, Offender>();
  for (const { index, record } of lines) {
    if (record.address === undefined || record.verb === 'other') continue;
    let offender = offenders.get(record.address);
    if (offender === undefined) offenders.set(record.address, (offender = { found: 0, banned: false, ignored: false, jails: new Set() }));
    if (record.verb === 'found') offender.found++;
    if (record.verb === 'ban') offender.banned = true;
    if (record.verb === 'ignore') offender.ignored = true;
    if (record.verb !== 'ignore') offender.jails.add(record.jail);
    truth.lineActor.set(index, ipActor(record.address));
  }
  for (const [address, offender] of offenders) truth.actors.set(ipActor(address), offenderVerdict(offender));
  return truth;
}
