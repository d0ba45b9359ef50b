/**
 * Linux-PAM messages, whichever program logs them: `pam_unix(sshd:auth): ...` (any `pam_*`
 * module), the bare form under tags like `sshd(pam_unix)`, and libpam's own `PAM ...` lines.
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { addRelatedUser, classify, DATASETS, setDataset, setSource, setTargetUser, setUserName } from './fields.js';
import { indexOfSpaceBefore, skipDigits, trimEndSpaces } from './scan.js';

/** `pam_unix(sshd:auth): ` is far shorter; a longer prefix is not a PAM module tag. */
const MAX_MODULE_PREFIX = 80;

/** Reads `... ruser=R rhost=H[  user=U]` (the tail pam_unix writes on authentication failures). */
function failureDetails(body: string, pos: number, event: EcsEvent): void {
  const rhostAt = body.indexOf(' rhost=', pos);
  if (rhostAt >= 0) {
    const hostStart = rhostAt + 7;
    const hostEnd = indexOfSpaceBefore(body, hostStart, body.length);
    if (hostEnd > hostStart) setSource(event, body.slice(hostStart, hostEnd));
  }
  const userAt = body.indexOf(' user=', rhostAt >= 0 ? rhostAt : pos);
  const userEnd = trimEndSpaces(body).length;
  const user = userAt >= 0 && userAt + 6 < userEnd ? body.slice(userAt + 6, userEnd) : '';
  const ruserAt = body.indexOf(' ruser=', pos);
  const ruserEnd = ruserAt < 0 ? -1 : indexOfSpaceBefore(body, ruserAt + 7, body.length);
  const ruser = ruserEnd > ruserAt + 7 ? body.slice(ruserAt + 7, ruserEnd) : '';
  // The account whose credentials failed is `user`; vsftpd and some others only fill `ruser`.
  if (user.length > 0) setUserName(event, user);
  else if (ruser.length > 0) setUserName(event, ruser);
  if (ruser.length > 0) addRelatedUser(event, ruser);
}

/** `session opened for user X[(uid=N)] by [NAME](uid=N)` from `pos` = the user name. */
function sessionOpened(body: string, pos: number, event: EcsEvent): void {
  const byAt = body.indexOf(' by ', pos);
  const userEnd = byAt < 0 ? trimEndSpaces(body).length : byAt;
  const parenAt = body.indexOf('(', pos);
  setUserName(event, body.slice(pos, parenAt > pos && parenAt < userEnd ? parenAt : userEnd));
  if (byAt >= 0) {
    const nameEnd = body.indexOf('(', byAt + 4);
    // `by LOGIN(uid=0)` and `by (uid=0)` name no user.
    if (nameEnd > byAt + 4 && !body.startsWith('LOGIN(', byAt + 4)) addRelatedUser(event, body.slice(byAt + 4, nameEnd));
  }
}

/**
 * pam_succeed_if: `requirement "uid >= 1000" not met by user "root"` (RHEL's system-auth denies
 * system accounts a password login this way, before pam_unix is asked).
 */
function requirementNotMet(body: string, pos: number, event: EcsEvent): boolean {
  const byAt = body.indexOf(' not met by user "', pos);
  const end = trimEndSpaces(body).length;
  if (byAt < pos || body.charCodeAt(end - 1) !== 34 /* " */ || end - 1 <= byAt + 18) return false;
  classify(event, ACTIONS.pamRequirementNotMet, ['authentication'], ['info'], 'failure');
  setUserName(event, body.slice(byAt + 18, end - 1));
  event.event.reason = body.slice(pos - 12, byAt + 8);
  return true;
}

/** The module message proper, without any `pam_*(...): ` prefix. */
function decodeMessageAt(body: string, pos: number, event: EcsEvent): boolean {
  if (body.startsWith('authentication failure', pos)) {
    classify(event, ACTIONS.pamAuthenticationFailure, ['authentication'], ['info'], 'failure');
    failureDetails(body, pos + 22, event);
    return true;
  }
  if (body.startsWith('session opened for user ', pos)) {
    classify(event, ACTIONS.pamSessionOpened, ['session'], ['start'], 'success');
    sessionOpened(body, pos + 24, event);
    return true;
  }
  if (body.startsWith('session closed for user ', pos)) {
    classify(event, ACTIONS.pamSessionClosed, ['session'], ['end'], 'success');
    setUserName(event, trimEndSpaces(body.slice(pos + 24)));
    return true;
  }
  if (body.startsWith('check pass; user unknown', pos)) {
    // The first line pam_unix logs for a password tried on an account that does not exist.
    classify(event, ACTIONS.pamUserUnknown, ['authentication'], ['info'], 'failure');
    return true;
  }
  if (body.startsWith('requirement ', pos)) return requirementNotMet(body, pos + 12, event);
  if (body.startsWith('Consecutive login failures for user ', pos)) {
    // pam_faillock (RHEL 8+): `... for user root account temporarily locked`.
    const userEnd = body.indexOf(' account ', pos + 36);
    if (userEnd <= pos + 36) return false;
    classify(event, ACTIONS.pamAccountLocked, ['authentication'], ['info'], 'failure');
    setUserName(event, body.slice(pos + 36, userEnd));
    return true;
  }
  if (body.startsWith('password changed for ', pos)) {
    classify(event, ACTIONS.passwordChanged, ['iam'], ['user', 'change'], 'success');
    setTargetUser(event, trimEndSpaces(body.slice(pos + 21)));
    return true;
  }
  return false;
}

/** libpam: `PAM N more authentication failure[s]; ...` and `PAM service(S) ignoring max retries; N > M`. */
function decodeLibpam(body: string, event: EcsEvent): boolean {
  const countEnd = skipDigits(body, 4);
  if (countEnd > 4 && body.startsWith(' more authentication failure', countEnd)) {
    classify(event, ACTIONS.pamMoreAuthenticationFailures, ['authentication'], ['info'], 'failure');
    // The line stands for N failures beyond the one logged in full before it.
    event.event.count = Number(body.slice(4, countEnd));
    failureDetails(body, countEnd, event);
    return true;
  }
  if (body.startsWith('service(', 4) && body.includes(' ignoring max retries')) {
    classify(event, ACTIONS.pamMaxRetriesIgnored, ['authentication'], ['info']);
    return true;
  }
  return false;
}

/** Decoder for PAM lines; tried after each program's own decoder. */
export function decodePam(body: string, event: EcsEvent): boolean {
  let recognised: boolean;
  if (body.startsWith('pam_')) {
    const close = body.indexOf('): ', 4);
    recognised = close > 0 && close < MAX_MODULE_PREFIX && decodeMessageAt(body, close + 3, event);
  } else if (body.startsWith('PAM ')) recognised = decodeLibpam(body, event);
  else recognised = decodeMessageAt(body, 0, event);
  if (recognised) setDataset(event, DATASETS.systemAuth);
  return recognised;
}
