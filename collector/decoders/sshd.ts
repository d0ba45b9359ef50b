/**
 * OpenSSH server messages (every template of loghub's OpenSSH sample and the wording of OpenSSH
 * 6.6 to 9.x on Debian/Ubuntu and RHEL/CentOS). Dispatch on the first character, then
 * `startsWith`; user/address tails are read from the right (user-address.ts). PAM lines that sshd
 * logs are left to pam.ts.
 *
 * Every line that reports a failed authentication carries category authentication and outcome
 * failure, whatever else it is (a notice, a disconnect): one attempt logs several such lines, each
 * with its own event.action, and the scorer counts the attempt once per sshd process (README.md,
 * "Counting, for the scorer").
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setDestination, setLabel, setSource, setSourceDomain, setUserName } from './fields.js';
import { endsWithAt, readUint, skipDigits, trimEndSpaces } from './scan.js';
import { found, readAddressPort, readUserAddressPort, readUserFromAddress } from './user-address.js';

const PREAUTH = ' [preauth]';
const MAX_METHOD_LENGTH = 40;
/** pam_strerror texts are shorter; a longer run before ` for ` is not one. */
const MAX_PAM_REASON_LENGTH = 80;

/** End of the meaningful text: without trailing spaces, ` [preauth]`, then ` ssh2`. */
function tailEnd(body: string, end: number): number {
  while (end > 0 && body.charCodeAt(end - 1) === 32) end--;
  if (endsWithAt(body, PREAUTH, end)) end -= PREAUTH.length;
  if (endsWithAt(body, ' ssh2', end) || endsWithAt(body, ' ssh1', end)) end -= 5;
  return end;
}

function endsWithPort(body: string, end: number): boolean {
  const digitsStart = body.lastIndexOf(' port ', end - 1) + 6;
  return digitsStart > 5 && readUint(body, digitsStart, end) >= 0;
}

function applyFound(event: EcsEvent): void {
  setSource(event, found.address, found.port);
  if (found.user.length > 0) setUserName(event, found.user);
  if (found.invalidUser) setLabel(event, 'invalid_user', 'true');
}

/** `Accepted|Failed|Postponed METHOD for [invalid user ]USER from ADDR port N ssh2[: KEY]`. */
function login(body: string, pos: number, event: EcsEvent, verb: 'Accepted' | 'Failed' | 'Postponed'): boolean {
  const methodEnd = body.indexOf(' for ', pos);
  if (methodEnd <= pos || methodEnd - pos > MAX_METHOD_LENGTH) return false;
  // Key details may follow `ssh2: `; they come from the key, never from the client's user name.
  let end = tailEnd(body, body.length);
  if (!endsWithPort(body, end)) {
    const keyAt = body.lastIndexOf(' ssh2: ');
    if (keyAt < 0 || !endsWithPort(body, keyAt)) return false;
    end = keyAt;
  }
  if (!readUserFromAddress(body, methodEnd + 5, end)) return false;
  if (verb === 'Accepted') classify(event, ACTIONS.sshLogin, ['authentication'], ['start'], 'success');
  else if (verb === 'Failed') classify(event, ACTIONS.sshLogin, ['authentication'], ['info'], 'failure');
  else classify(event, ACTIONS.sshLoginPostponed, ['authentication'], ['info']);
  applyFound(event);
  setLabel(event, 'auth_method', body.slice(pos, methodEnd));
  return true;
}

/** A line about a failed authentication that is not the `Failed METHOD` line itself. */
function authFailure(event: EcsEvent, action: string): void {
  classify(event, action, ['authentication'], ['info'], 'failure');
}

/** Lines `PREFIX [invalid user ]USER from ADDR[ port N]`, all of them failures. */
function userFrom(body: string, pos: number, event: EcsEvent, action: string): boolean {
  if (!readUserFromAddress(body, pos, tailEnd(body, body.length))) return false;
  authFailure(event, action);
  applyFound(event);
  return true;
}

/**
 * Connection lines `PREFIX [authenticating |invalid ]user USER ADDR port N` or `PREFIX ADDR[ port N]`.
 * Closed while authenticating or as an invalid user means the client gave up or was cut off after
 * failing: an authentication failure too. `user USER` (after a session) and a bare address are not.
 */
function connectionEnd(body: string, pos: number, event: EcsEvent, action: string): boolean {
  if (!readUserAddressPort(body, pos, tailEnd(body, body.length))) return false;
  if (found.invalidUser || found.authenticating) classify(event, action, ['authentication', 'network'], ['connection', 'end'], 'failure');
  else classify(event, action, ['network'], ['connection', 'end']);
  applyFound(event);
  return true;
}

/** Lines `PREFIX ADDR[ port N]`. */
function addressOnly(
  body: string,
  pos: number,
  end: number,
  event: EcsEvent,
  action: string,
  category: 'network' | 'authentication',
): boolean {
  if (!readAddressPort(body, pos, end)) return false;
  classify(event, action, [category], ['info']);
  setSource(event, found.address, found.port);
  return true;
}

/** `Received disconnect from ADDR[ port N]:CODE: TEXT` (the older form has `ADDR: CODE: TEXT`). */
function receivedDisconnect(body: string, pos: number, event: EcsEvent): boolean {
  const end = tailEnd(body, body.length);
  // An IPv6 address holds ':' but never ': ', so the first ': ' or ' port ' ends the address.
  const portAt = body.indexOf(' port ', pos);
  const colonAt = body.indexOf(': ', pos);
  let codeStart: number;
  if (portAt > pos && portAt < end && (colonAt < 0 || portAt < colonAt)) {
    if (!readAddressPort(body, pos, skipDigits(body, portAt + 6))) return false;
    codeStart = skipDigits(body, portAt + 6) + 1;
  } else {
    if (colonAt <= pos || !readAddressPort(body, pos, colonAt)) return false;
    codeStart = colonAt + 2;
  }
  classify(event, ACTIONS.sshDisconnectReceived, ['network'], ['connection', 'end']);
  setSource(event, found.address, found.port);
  const codeEnd = skipDigits(body, codeStart);
  if (codeEnd > codeStart && body.startsWith(': ', codeEnd) && codeEnd + 2 < end) {
    event.event.reason = body.slice(codeEnd + 2, end);
  }
  return true;
}

/** `Disconnecting: Too many authentication failures [for [invalid user ]USER]` and the 7.5+ form. */
function disconnecting(body: string, pos: number, event: EcsEvent): boolean {
  const end = tailEnd(body, body.length);
  if (body.startsWith(': ', pos)) {
    if (!body.startsWith('Too many authentication failures', pos + 2)) return false;
    authFailure(event, ACTIONS.sshTooManyAuthFailures);
    let userStart = pos + 2 + 32;
    if (body.startsWith(' for ', userStart)) {
      userStart += 5;
      if (body.startsWith('invalid user ', userStart)) {
        userStart += 13;
        setLabel(event, 'invalid_user', 'true');
      }
      if (end > userStart) setUserName(event, body.slice(userStart, end));
    }
    return true;
  }
  // `Disconnecting authenticating user root 1.2.3.4 port 22: Too many authentication failures`
  const reasonAt = body.indexOf(': Too many authentication failures', pos);
  if (reasonAt < 0 || !readUserAddressPort(body, pos + 1, reasonAt)) return false;
  authFailure(event, ACTIONS.sshTooManyAuthFailures);
  applyFound(event);
  return true;
}

/** `reverse mapping checking getaddrinfo for HOST [IP] failed - POSSIBLE BREAK-IN ATTEMPT!` */
function reverseMapping(body: string, pos: number, event: EcsEvent): boolean {
  const open = body.indexOf(' [', pos);
  const close = open < 0 ? -1 : body.indexOf(']', open);
  if (close < 0 || !setSource(event, body.slice(open + 2, close))) return false;
  setSourceDomain(event, body.slice(pos, open));
  classify(event, ACTIONS.sshReverseMappingFailed, ['network'], ['info']);
  return true;
}

/** `Address IP maps to HOST, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!` */
function addressMapsTo(body: string, pos: number, event: EcsEvent): boolean {
  const mapsAt = body.indexOf(' maps to ', pos);
  const commaAt = mapsAt < 0 ? -1 : body.indexOf(', but this does not map back', mapsAt);
  if (commaAt < 0 || !setSource(event, body.slice(pos, mapsAt))) return false;
  setSourceDomain(event, body.slice(mapsAt + 9, commaAt));
  classify(event, ACTIONS.sshReverseMappingMismatch, ['network'], ['info']);
  return true;
}

/** `User USER from ADDR not allowed because ...` */
function userNotAllowed(body: string, pos: number, event: EcsEvent): boolean {
  const reasonAt = body.lastIndexOf(' not allowed because ');
  if (reasonAt < pos || !readUserFromAddress(body, pos, reasonAt)) return false;
  authFailure(event, ACTIONS.sshUserNotAllowed);
  applyFound(event);
  return true;
}

/** `Bad protocol version identification 'TEXT' from ADDR[ port N]` */
function badVersion(body: string, pos: number, event: EcsEvent): boolean {
  const fromAt = body.lastIndexOf("' from ");
  if (fromAt < pos) {
    classify(event, ACTIONS.sshBadProtocolVersion, ['network'], ['info']);
    return true;
  }
  return addressOnly(body, fromAt + 7, tailEnd(body, body.length), event, ACTIONS.sshBadProtocolVersion, 'network');
}

/** `Connection from ADDR port N on ADDR port N[ rdomain ""]` */
function connectionFrom(body: string, pos: number, event: EcsEvent): boolean {
  const onAt = body.indexOf(' on ', pos);
  if (onAt < 0 || !readAddressPort(body, pos, onAt)) return false;
  setSource(event, found.address, found.port);
  let end = body.indexOf(' rdomain ', onAt);
  if (end < 0) end = body.length;
  if (readAddressPort(body, onAt + 4, end)) setDestination(event, found.address, found.port);
  classify(event, ACTIONS.sshConnectionOpened, ['network'], ['connection', 'start']);
  return true;
}

/** `drop connection #N from [ADDR]:PORT on [ADDR]:PORT (past MaxStartups|penalty: ...)` */
function dropConnection(body: string, pos: number, event: EcsEvent): boolean {
  const open = body.indexOf(' from [', pos);
  const close = open < 0 ? -1 : body.indexOf(']:', open);
  if (close < 0) return false;
  const portEnd = skipDigits(body, close + 2);
  setSource(event, body.slice(open + 7, close), readUint(body, close + 2, portEnd));
  classify(event, ACTIONS.sshConnectionDropped, ['network'], ['connection', 'denied']);
  return true;
}

function connectionError(body: string, pos: number, end: number, event: EcsEvent): boolean {
  classify(event, ACTIONS.sshConnectionError, ['network'], ['error']);
  event.error = { message: body.slice(pos, end) };
  return true;
}

/** `fatal: ...` and `error: ...` bodies: known ones only. */
function prefixed(body: string, pos: number, event: EcsEvent): boolean {
  if (body.startsWith('Read from socket failed', pos) || body.startsWith('Write failed', pos)) {
    return connectionError(body, pos, tailEnd(body, body.length), event);
  }
  if (body.startsWith('Could not load host key: ', pos)) {
    // Logged on every connection when a configured host key file is missing (e.g. no ed25519 key).
    classify(event, ACTIONS.sshHostKeyUnavailable, ['configuration'], ['info']);
    event.file = { path: trimEndSpaces(body).slice(pos + 25) };
    return true;
  }
  return decodeAt(body, pos, event);
}

/**
 * `PAM: REASON for [illegal user ]USER from ADDR` (with or without sshd's `error: `): REASON is a
 * pam_strerror text (`Authentication failure`, `User not known to the underlying authentication
 * module`, ...), which never holds ` for `; the user and address are read from the right.
 */
function pamFailure(body: string, pos: number, event: EcsEvent): boolean {
  const forAt = body.indexOf(' for ', pos);
  if (forAt <= pos || forAt - pos > MAX_PAM_REASON_LENGTH || !userFrom(body, forAt + 5, event, ACTIONS.sshPamAuthenticationFailure)) {
    return false;
  }
  event.event.reason = body.slice(pos, forAt);
  return true;
}

/** `ssh_dispatch_run_fatal: Connection from ADDR port N: REASON [preauth]` (OpenSSH 7.4+). */
function dispatchFatal(body: string, pos: number, event: EcsEvent): boolean {
  const addressAt = pos + 40;
  const colonAt = body.indexOf(': ', addressAt);
  if (colonAt < 0 || !readAddressPort(body, addressAt, colonAt)) return false;
  connectionError(body, pos, tailEnd(body, body.length), event);
  setSource(event, found.address, found.port);
  return true;
}

function unableToNegotiate(body: string, pos: number, event: EcsEvent): boolean {
  const colonAt = body.indexOf(': ', pos);
  if (colonAt < 0 || !readAddressPort(body, pos, colonAt)) return false;
  classify(event, ACTIONS.sshNegotiationFailed, ['network'], ['error']);
  setSource(event, found.address, found.port);
  return true;
}

function decodeAt(body: string, pos: number, event: EcsEvent): boolean {
  switch (body.charCodeAt(pos)) {
    case 65: // A
      if (body.startsWith('Accepted ', pos)) return login(body, pos + 9, event, 'Accepted');
      if (body.startsWith('Address ', pos)) return addressMapsTo(body, pos + 8, event);
      return false;
    case 70: // F
      return body.startsWith('Failed ', pos) && login(body, pos + 7, event, 'Failed');
    case 80: // P
      if (body.startsWith('Postponed ', pos)) return login(body, pos + 10, event, 'Postponed');
      return body.startsWith('PAM: ', pos) && pamFailure(body, pos + 5, event);
    case 73: // I
      if (body.startsWith('Invalid user ', pos) || body.startsWith('Illegal user ', pos)) {
        return userFrom(body, pos + 13, event, ACTIONS.sshInvalidUser);
      }
      return false;
    case 67: // C
      if (body.startsWith('Connection closed by ', pos)) return connectionEnd(body, pos + 21, event, ACTIONS.sshConnectionClosed);
      if (body.startsWith('Connection reset by ', pos)) return connectionEnd(body, pos + 20, event, ACTIONS.sshConnectionReset);
      if (body.startsWith('Connection from ', pos)) return connectionFrom(body, pos + 16, event);
      return false;
    case 68: // D
      if (body.startsWith('Disconnected from ', pos)) return connectionEnd(body, pos + 18, event, ACTIONS.sshDisconnected);
      if (body.startsWith('Disconnecting', pos)) return disconnecting(body, pos + 13, event);
      if (body.startsWith('Did not receive identification string from ', pos)) {
        return addressOnly(body, pos + 43, tailEnd(body, body.length), event, ACTIONS.sshNoIdentification, 'network');
      }
      return false;
    case 82: // R
      if (body.startsWith('Received disconnect from ', pos)) return receivedDisconnect(body, pos + 25, event);
      if (body.startsWith('Received signal ', pos)) {
        classify(event, ACTIONS.sshServerStopping, ['process'], ['end']);
        return true;
      }
      if (body.startsWith('ROOT LOGIN REFUSED FROM ', pos)) {
        if (!addressOnly(body, pos + 24, tailEnd(body, body.length), event, ACTIONS.sshRootLoginRefused, 'authentication')) return false;
        event.event.outcome = 'failure';
        setUserName(event, 'root');
        return true;
      }
      return false;
    case 114: // r
      return body.startsWith('reverse mapping checking getaddrinfo for ', pos) && reverseMapping(body, pos + 41, event);
    case 101: // e
      return body.startsWith('error: ', pos) && prefixed(body, pos + 7, event);
    case 102: // f
      return body.startsWith('fatal: ', pos) && prefixed(body, pos + 7, event);
    case 105: // i
      if (body.startsWith('input_userauth_request: invalid user ', pos)) {
        authFailure(event, ACTIONS.sshInvalidUserRequest);
        setUserName(event, body.slice(pos + 37, tailEnd(body, body.length)));
        setLabel(event, 'invalid_user', 'true');
        return true;
      }
      return false;
    case 109: // m
      return (
        body.startsWith('maximum authentication attempts exceeded for ', pos) &&
        userFrom(body, pos + 45, event, ACTIONS.sshMaxAuthAttemptsExceeded)
      );
    case 83: // S
      if (body.startsWith('Server listening on ', pos)) {
        classify(event, ACTIONS.sshServerListening, ['process'], ['start']);
        return true;
      }
      return false;
    case 84: // T
      if (body.startsWith('Timeout before authentication for ', pos)) {
        if (!readUserAddressPort(body, pos + 34, tailEnd(body, body.length))) return false;
        classify(event, ACTIONS.sshAuthTimeout, ['network'], ['connection', 'end']);
        applyFound(event);
        return true;
      }
      return false;
    case 85: // U
      if (body.startsWith('User ', pos)) return userNotAllowed(body, pos + 5, event);
      if (body.startsWith('Unable to negotiate with ', pos)) return unableToNegotiate(body, pos + 25, event);
      return false;
    case 66: // B
      return body.startsWith('Bad protocol version identification ', pos) && badVersion(body, pos, event);
    case 98: // b
      if (body.startsWith('banner exchange: Connection from ', pos)) {
        const colonAt = body.indexOf(': ', pos + 33);
        return colonAt > 0 && addressOnly(body, pos + 33, colonAt, event, ACTIONS.sshBadProtocolVersion, 'network');
      }
      return false;
    case 100: // d
      return body.startsWith('drop connection #', pos) && dropConnection(body, pos + 17, event);
    case 107: // k
      return body.startsWith('kex_exchange_identification: ', pos) && connectionError(body, pos, trimEndSpaces(body).length, event);
    case 115: // s
      return body.startsWith('ssh_dispatch_run_fatal: Connection from ', pos) && dispatchFatal(body, pos, event);
    default:
      return false;
  }
}

/** Decoder for `sshd` (and OpenSSH 9.8+'s `sshd-session`). */
export function decodeSshd(body: string, event: EcsEvent): boolean {
  if (!decodeAt(body, 0, event)) return false;
  setDataset(event, DATASETS.systemAuth);
  return true;
}
