/**
 * fail2ban's messages, from its own log file (collector/syslog/fail2ban.ts makes those look like
 * syslog) or through syslog, in the three shapes fail2ban writes them:
 * - `LEVEL [JAIL] TEXT` under the tag `fail2ban.MODULE[PID]` (log file, `logtarget = SYSLOG`);
 * - `[JAIL] TEXT` under the tag `fail2ban` (`logtarget = SYSTEMD-JOURNAL`);
 * - `fail2ban.MODULE [PID]: LEVEL [JAIL] TEXT` under `fail2ban-server` (`logtarget = SYSOUT`, as the
 *   systemd unit runs it, and old releases' padded syslog format).
 * TEXT: `Found IP[ - TIME]`, `Ban IP`, `Restore Ban IP`, `Reban IP`, `Increase Ban IP (...)`,
 * `Unban IP`, `IP already banned`, `Ignore IP by ...`. The jail becomes `rule.name`, the module
 * `log.logger`, the level `log.level`.
 */
import type { EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setSource } from './fields.js';
import { hasSpace, indexOfSpaceBefore, readUint, skipSpaces } from './scan.js';

const MODULE_PREFIX = 'fail2ban.';
/** Jail and logger names and levels are short; longer runs are not them. */
const MAX_NAME_LENGTH = 64;
const MAX_LEVEL_LENGTH = 12;
/** The jail that watches fail2ban's own bans: its matches are earlier bans, not failed logins. */
const RECIDIVE_JAIL = 'recidive';

/**
 * `fail2ban.MODULE SP* [PID]: ` at the start: log.logger set (and process.* when the header named
 * no program: a syslog parser cannot take the padded tag for one), index after it; else 0.
 */
function skipModulePrefix(body: string, event: EcsEvent): number {
  if (!body.startsWith(MODULE_PREFIX)) return 0;
  let nameEnd = MODULE_PREFIX.length;
  while (nameEnd < body.length && nameEnd <= MAX_NAME_LENGTH) {
    const code = body.charCodeAt(nameEnd);
    if (code === 32 || code === 91 /* [ */) break;
    nameEnd++;
  }
  const open = skipSpaces(body, nameEnd);
  const close = body.indexOf(']: ', open);
  if (body.charCodeAt(open) !== 91 || close < 0 || close - open > 12) return 0;
  const pid = readUint(body, open + 1, close);
  if (pid < 0) return 0;
  event.log.logger = body.slice(0, nameEnd);
  if (event.process === undefined) event.process = { name: event.log.logger, pid };
  return close + 3;
}

/** An upper-case LEVEL word followed by spaces at `pos`: log.level set, index after it; else `pos`. */
function skipLevel(body: string, pos: number, event: EcsEvent): number {
  let end = pos;
  while (end < body.length && end - pos <= MAX_LEVEL_LENGTH) {
    const code = body.charCodeAt(end);
    if (code < 65 || code > 90) break;
    end++;
  }
  if (end === pos || end - pos > MAX_LEVEL_LENGTH || body.charCodeAt(end) !== 32) return pos;
  event.log.level = body.slice(pos, end).toLowerCase();
  return skipSpaces(body, end);
}

/** The IP (or host) at `pos`, ending at a space, a comma or the end, into source.*. */
function readSource(body: string, pos: number, event: EcsEvent): void {
  let end = indexOfSpaceBefore(body, pos, body.length);
  if (body.charCodeAt(end - 1) === 44 /* , */) end--;
  if (end > pos) setSource(event, body.slice(pos, end));
}

type Classifier = (event: EcsEvent, jail: string) => void;

function ban(action: string): Classifier {
  return (event) => classify(event, action, ['intrusion_detection', 'network'], ['denied'], 'success');
}

/** Texts after `[JAIL] ` that start with a verb, each followed by the address. */
const VERBS: ReadonlyArray<readonly [prefix: string, classifier: Classifier]> = [
  [
    'Found ',
    (event, jail) => {
      if (jail === RECIDIVE_JAIL) classify(event, ACTIONS.fail2banMatch, ['intrusion_detection'], ['info']);
      else classify(event, ACTIONS.fail2banMatch, ['authentication', 'intrusion_detection'], ['info'], 'failure');
    },
  ],
  ['Ban ', ban(ACTIONS.fail2banBan)],
  ['Increase Ban ', ban(ACTIONS.fail2banBan)],
  ['Restore Ban ', ban(ACTIONS.fail2banBanRestored)],
  ['Reban ', ban(ACTIONS.fail2banBanRestored)],
  ['Unban ', (event) => classify(event, ACTIONS.fail2banUnban, ['intrusion_detection', 'network'], ['allowed'], 'success')],
  ['Ignore ', (event) => classify(event, ACTIONS.fail2banIgnored, ['intrusion_detection'], ['allowed'])],
];

/** TEXT after `[JAIL] ` at `pos`; false for texts that carry no action. */
function decodeJailText(body: string, pos: number, jail: string, event: EcsEvent): boolean {
  let addressAt = -1;
  for (const [prefix, classifier] of VERBS) {
    if (!body.startsWith(prefix, pos)) continue;
    classifier(event, jail);
    addressAt = pos + prefix.length;
    break;
  }
  if (addressAt < 0) {
    if (!body.endsWith(' already banned')) return false;
    classify(event, ACTIONS.fail2banAlreadyBanned, ['intrusion_detection'], ['info']);
    addressAt = pos;
  }
  readSource(body, addressAt, event);
  (event.rule ??= {}).name = jail;
  return true;
}

/**
 * Decoder for fail2ban's programs (their profile sets the dataset). Every fail2ban line is
 * recognised; only the jail messages above get an action.
 */
export function decodeFail2ban(body: string, event: EcsEvent, msg: SyslogMessage): boolean {
  if (msg.appName?.startsWith(MODULE_PREFIX)) event.log.logger = msg.appName;
  return decodeFail2banBody(body, event);
}

/** A body that starts with fail2ban's padded `fail2ban.MODULE [PID]: ` prefix, from any program. */
export function decodeFail2banPrefixed(body: string, event: EcsEvent): boolean {
  if (skipModulePrefix(body, event) === 0 || !decodeFail2banBody(body, event)) return false;
  setDataset(event, DATASETS.fail2ban);
  return true;
}

function decodeFail2banBody(body: string, event: EcsEvent): boolean {
  const levelAt = skipModulePrefix(body, event);
  const pos = skipLevel(body, levelAt, event);
  if (body.charCodeAt(pos) !== 91 /* [ */) return pos > levelAt;
  const close = body.indexOf('] ', pos);
  if (close < 0 || close - pos > MAX_NAME_LENGTH || hasSpace(body, pos, close)) return pos > levelAt;
  return decodeJailText(body, close + 2, body.slice(pos + 1, close), event) || pos > levelAt;
}
