/**
 * Account and group management by shadow-utils (useradd, userdel, usermod, groupadd, groupdel,
 * passwd, gpasswd, chage). The account acted on goes to `user.target.*`, the group to `group.*`,
 * new values to `user.changes.*`; `user.name` is set only when the line names the actor.
 */
import type { EcsEvent, EventType } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setGroup, setLabel, setTargetUser, setUserName } from './fields.js';
import { trimEndSpaces } from './scan.js';

/** Paths and tty names are far shorter; a longer value is not kept as a label. */
const MAX_LABEL_LENGTH = 256;
/** Reused between calls: up to three quoted names read by `readQuotedNames`. */
const names = ['', '', ''];

/**
 * Reads `'A'`, `'B'`, `'C'` quoted names from `pos` on (anything between them is skipped);
 * returns how many were found.
 */
function readQuotedNames(body: string, pos: number): number {
  let count = 0;
  while (count < names.length) {
    const open = body.indexOf("'", pos);
    if (open < 0) break;
    const close = body.indexOf("'", open + 1);
    if (close < 0) break;
    names[count++] = body.slice(open + 1, close);
    pos = close + 1;
  }
  return count;
}

/** Value of `key=` in a `key=value, key=value` list, or '' (`key` includes the `=`). */
function listValue(body: string, key: string, from: number): string {
  let at = body.indexOf(key, from);
  while (at > from && body.charCodeAt(at - 1) !== 32) at = body.indexOf(key, at + 1);
  if (at < 0) return '';
  const start = at + key.length;
  let end = body.indexOf(',', start);
  if (end < 0) end = trimEndSpaces(body).length;
  return body.slice(start, end);
}

function iam(event: EcsEvent, action: string, type: EventType[]): true {
  classify(event, action, ['iam'], type, 'success');
  setDataset(event, DATASETS.systemAuth);
  return true;
}

function labelFromList(body: string, key: string, label: string, event: EcsEvent): void {
  const value = listValue(body, key, 10);
  if (value.length > 0 && value.length <= MAX_LABEL_LENGTH) setLabel(event, label, value);
}

/** `new user: name=bob, UID=0, GID=0, home=/home/bob, shell=/bin/bash[, from=/dev/pts/0]` */
function newUser(body: string, event: EcsEvent): boolean {
  const name = listValue(body, 'name=', 10);
  if (name.length === 0) return false;
  const uid = listValue(body, 'UID=', 10);
  const gid = listValue(body, 'GID=', 10);
  setTargetUser(event, name, uid.length > 0 ? uid : undefined, gid.length > 0 ? gid : undefined);
  // Home, shell and the terminal useradd ran from (`none` for package maintainer scripts) tell a
  // system account (nologin shell, system UID) from a human one.
  labelFromList(body, 'home=', 'home', event);
  labelFromList(body, 'shell=', 'shell', event);
  labelFromList(body, 'from=', 'tty', event);
  return iam(event, ACTIONS.userCreated, ['user', 'creation']);
}

/** `new group: name=..., GID=...` and `group added to FILE: name=...[, GID=...]`. */
function groupLine(body: string, from: number, event: EcsEvent, action: string, type: EventType[]): boolean {
  const name = listValue(body, 'name=', from);
  if (name.length === 0) return false;
  const gid = listValue(body, 'GID=', from);
  setGroup(event, name, gid.length > 0 ? gid : undefined);
  return iam(event, action, type);
}

/** `add 'USER' to [shadow ]group 'GROUP'`, `delete 'USER' from [shadow ]group 'GROUP'`. */
function membership(body: string, pos: number, event: EcsEvent, added: boolean): boolean {
  if (readQuotedNames(body, pos) < 2) return false;
  setTargetUser(event, names[0] as string);
  setGroup(event, names[1] as string);
  const shadow = body.includes(' shadow group ');
  // The gshadow line repeats the /etc/group change; it is an entry update, not a second membership.
  if (shadow) {
    event.file = { path: '/etc/gshadow' };
    return iam(event, added ? ACTIONS.groupEntryAdded : ACTIONS.groupEntryRemoved, ['group', 'change']);
  }
  return iam(event, added ? ACTIONS.userAddedToGroup : ACTIONS.userRemovedFromGroup, ['group', 'change']);
}

/** usermod's `change user ...` lines from `pos` (just after `change user `). */
function changeUser(body: string, pos: number, event: EcsEvent): boolean {
  if (body.startsWith('name ', pos)) {
    if (readQuotedNames(body, pos) < 2) return false;
    setTargetUser(event, names[0] as string);
    ((event.user ??= {}).changes ??= {}).name = names[1] as string;
    return iam(event, ACTIONS.userRenamed, ['user', 'change']);
  }
  const count = readQuotedNames(body, pos);
  if (count === 0) return false;
  const account = names[0] as string;
  const close = body.indexOf("'", pos + 1);
  if (body.startsWith(' password', close + 1)) {
    setTargetUser(event, account);
    return iam(event, ACTIONS.passwordChanged, ['user', 'change']);
  }
  if (count === 3 && body.startsWith(' UID from ', close + 1)) {
    setTargetUser(event, account, names[1]);
    ((event.user ??= {}).changes ??= {}).id = names[2] as string;
  } else if (count === 3 && body.startsWith(' GID from ', close + 1)) {
    setTargetUser(event, account, undefined, names[1]);
    ((event.user ??= {}).changes ??= {}).group = { id: names[2] as string };
  } else setTargetUser(event, account);
  return iam(event, ACTIONS.userChanged, ['user', 'change']);
}

function quotedTarget(body: string, pos: number, event: EcsEvent, action: string, type: EventType[]): boolean {
  if (readQuotedNames(body, pos) < 1) return false;
  setTargetUser(event, names[0] as string);
  return iam(event, action, type);
}

function quotedGroup(body: string, pos: number, event: EcsEvent, action: string): boolean {
  if (readQuotedNames(body, pos) < 1) return false;
  setGroup(event, names[0] as string);
  if (action === ACTIONS.groupEntryRemoved) {
    const fromAt = body.indexOf(' from /', pos);
    if (fromAt > 0) event.file = { path: trimEndSpaces(body.slice(fromAt + 6)) };
  }
  return iam(event, action, ['group', 'deletion']);
}

/** gpasswd: `user USER added by ACTOR to group GROUP` / `user USER removed by ACTOR from group GROUP`. */
function gpasswd(body: string, event: EcsEvent): boolean {
  const userEnd = body.indexOf(' ', 5);
  const added = body.startsWith(' added by ', userEnd);
  if (!added && !body.startsWith(' removed by ', userEnd)) return false;
  const actorStart = userEnd + (added ? 10 : 12);
  const actorEnd = body.indexOf(' ', actorStart);
  const groupAt = body.indexOf(' group ', actorEnd);
  if (actorEnd < 0 || groupAt < 0) return false;
  setTargetUser(event, body.slice(5, userEnd));
  setUserName(event, body.slice(actorStart, actorEnd));
  setGroup(event, trimEndSpaces(body.slice(groupAt + 7)));
  return iam(event, added ? ACTIONS.userAddedToGroup : ACTIONS.userRemovedFromGroup, ['group', 'change']);
}

export function decodeAccounts(body: string, event: EcsEvent): boolean {
  switch (body.charCodeAt(0)) {
    case 110: // n
      if (body.startsWith('new user: ')) return newUser(body, event);
      if (body.startsWith('new group: ')) return groupLine(body, 11, event, ACTIONS.groupCreated, ['group', 'creation']);
      return false;
    case 97: // a
      return body.startsWith('add ') && membership(body, 4, event, true);
    case 100: // d
      if (body.startsWith('delete user ')) return quotedTarget(body, 12, event, ACTIONS.userDeleted, ['user', 'deletion']);
      return body.startsWith('delete ') && membership(body, 7, event, false);
    case 99: // c
      if (body.startsWith('change user ')) return changeUser(body, 12, event);
      if (body.startsWith('changed password expiry for ')) {
        setTargetUser(event, trimEndSpaces(body.slice(28)));
        return iam(event, ACTIONS.userChanged, ['user', 'change']);
      }
      return false;
    case 108: // l
      return body.startsWith('lock user ') && quotedTarget(body, 10, event, ACTIONS.userLocked, ['user', 'change']);
    case 117: // u
      if (body.startsWith('unlock user ')) return quotedTarget(body, 12, event, ACTIONS.userUnlocked, ['user', 'change']);
      return body.startsWith('user ') && gpasswd(body, event);
    case 103: // g
      if (body.startsWith('group added to ')) {
        const colon = body.indexOf(': ', 15);
        if (colon < 0) return false;
        event.file = { path: body.slice(15, colon) };
        return groupLine(body, colon, event, ACTIONS.groupEntryAdded, ['group', 'change']);
      }
      if (body.startsWith("group '")) {
        return quotedGroup(body, 6, event, body.includes("' removed from ") ? ACTIONS.groupEntryRemoved : ACTIONS.groupDeleted);
      }
      return false;
    case 114: // r
      if (body.startsWith('removed group ')) return quotedGroup(body, 14, event, ACTIONS.groupDeleted);
      if (body.startsWith('removed shadow group ')) return quotedGroup(body, 21, event, ACTIONS.groupEntryRemoved);
      return false;
    case 112: // p
      if (body.startsWith('password for ')) {
        if (readQuotedNames(body, 13) < 2) return false;
        setTargetUser(event, names[0] as string);
        setUserName(event, names[1] as string);
        return iam(event, ACTIONS.passwordChanged, ['user', 'change']);
      }
      return false;
    default:
      return false;
  }
}
