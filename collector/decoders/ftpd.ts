/**
 * FTP servers: the BSD/wu-ftpd style `ftpd` of Red Hat era systems (`connection from IP (HOST) at
 * DATE`, `ANONYMOUS FTP LOGIN FROM IP,  (pass)`, `FTP LOGIN FROM HOST [IP], USER`) and vsftpd's
 * syslog lines (`[alice] OK LOGIN: Client "1.2.3.4"`, `CONNECT: Client "1.2.3.4"`).
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setSource, setSourceDomain, setUserName } from './fields.js';
import { indexOfSpaceBefore, trimEndSpaces } from './scan.js';

function done(event: EcsEvent): true {
  setDataset(event, DATASETS.systemAuth);
  return true;
}

/** `connection from IP (HOST) at DATE` */
function connectionFrom(body: string, event: EcsEvent): boolean {
  const ipEnd = indexOfSpaceBefore(body, 16, body.length);
  if (!setSource(event, body.slice(16, ipEnd))) return false;
  if (body.charCodeAt(ipEnd + 1) === 40) {
    const close = body.indexOf(')', ipEnd + 2);
    if (close > ipEnd + 2) setSourceDomain(event, body.slice(ipEnd + 2, close));
  }
  classify(event, ACTIONS.ftpConnection, ['network'], ['connection', 'start']);
  return done(event);
}

/** `[ANONYMOUS ]FTP LOGIN FROM HOST [IP], USER` (wu-ftpd) or `... FROM IP,  (PASSWORD)` (BSD ftpd). */
function ftpLogin(body: string, pos: number, event: EcsEvent, anonymous: boolean): boolean {
  const commaAt = body.indexOf(',', pos);
  if (commaAt < 0) return false;
  const bracketAt = body.indexOf(' [', pos);
  if (bracketAt > 0 && bracketAt < commaAt && body.charCodeAt(commaAt - 1) === 93) {
    setSource(event, body.slice(bracketAt + 2, commaAt - 1));
    setSourceDomain(event, body.slice(pos, bracketAt));
  } else setSource(event, body.slice(pos, commaAt));
  classify(event, ACTIONS.ftpLogin, ['authentication'], ['start'], 'success');
  // For anonymous logins the text after the comma is the e-mail given as password, not a user.
  if (anonymous) setUserName(event, 'anonymous');
  else setUserName(event, trimEndSpaces(body.slice(commaAt + 1)).trimStart());
  return done(event);
}

/** vsftpd: `[USER] OK LOGIN: Client "IP"`, `[USER] FAIL LOGIN: Client "IP"`, `CONNECT: Client "IP"`. */
function vsftpd(body: string, event: EcsEvent): boolean {
  const clientAt = body.indexOf('Client "');
  const clientEnd = clientAt < 0 ? -1 : body.indexOf('"', clientAt + 8);
  if (clientEnd < 0) return false;
  let pos = 0;
  let user = '';
  if (body.charCodeAt(0) === 91) {
    const close = body.indexOf('] ');
    if (close < 0 || close > clientAt) return false;
    user = body.slice(1, close);
    pos = close + 2;
  }
  if (body.startsWith('CONNECT:', pos)) classify(event, ACTIONS.ftpConnection, ['network'], ['connection', 'start']);
  else if (body.startsWith('OK LOGIN:', pos)) classify(event, ACTIONS.ftpLogin, ['authentication'], ['start'], 'success');
  else if (body.startsWith('FAIL LOGIN:', pos)) classify(event, ACTIONS.ftpLogin, ['authentication'], ['info'], 'failure');
  else return false;
  setSource(event, body.slice(clientAt + 8, clientEnd));
  if (user.length > 0) setUserName(event, user);
  return done(event);
}

export function decodeFtpd(body: string, event: EcsEvent): boolean {
  if (body.startsWith('connection from ')) return connectionFrom(body, event);
  if (body.startsWith('ANONYMOUS FTP LOGIN FROM ')) return ftpLogin(body, 25, event, true);
  if (body.startsWith('FTP LOGIN FROM ')) return ftpLogin(body, 15, event, false);
  if (body.startsWith('User ') && body.includes(' timed out after ')) {
    classify(event, ACTIONS.ftpSessionTimeout, ['network'], ['connection', 'end']);
    return done(event);
  }
  if (body.startsWith('getpeername (')) {
    classify(event, ACTIONS.ftpConnectionError, ['network'], ['error']);
    return done(event);
  }
  return vsftpd(body, event);
}
