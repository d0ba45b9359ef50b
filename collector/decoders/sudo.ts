/**
 * sudo's own log lines: `USER : [MESSAGE ; ]TTY=... ; PWD=... ; USER=... ; COMMAND=...`.
 * COMMAND comes last and may itself hold ` ; `, so it takes the rest of the line.
 */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, DATASETS, setDataset, setEffectiveUserName, setUserName } from './fields.js';
import { readUint, skipDigits, skipSpaces } from './scan.js';

const MAX_SEGMENTS = 16;
const SEPARATOR = ' ; ';

/** Reused between calls: the parts of the line found by `readSegments`. */
const parts = { message: '', pwd: '', runAs: '', command: '' };

/** True for `KEY=value` with an upper-case KEY (TTY, ENV, TSID, ...). */
function isField(body: string, pos: number, end: number): boolean {
  let i = pos;
  while (i < end) {
    const code = body.charCodeAt(i);
    if (code < 65 || code > 90) break;
    i++;
  }
  return i > pos && i < end && body.charCodeAt(i) === 61;
}

function readSegments(body: string, pos: number): void {
  parts.message = '';
  parts.pwd = '';
  parts.runAs = '';
  parts.command = '';
  for (let segment = 0; segment < MAX_SEGMENTS && pos < body.length; segment++) {
    if (body.startsWith('COMMAND=', pos)) {
      parts.command = body.slice(pos + 8);
      return;
    }
    let end = body.indexOf(SEPARATOR, pos);
    if (end < 0) end = body.length;
    if (body.startsWith('PWD=', pos)) parts.pwd = body.slice(pos + 4, end);
    else if (body.startsWith('USER=', pos)) parts.runAs = body.slice(pos + 5, end);
    else if (segment === 0 && !isField(body, pos, end)) parts.message = body.slice(pos, end);
    pos = end + SEPARATOR.length;
  }
}

function classifyMessage(event: EcsEvent, message: string): void {
  if (message.length === 0) {
    classify(event, ACTIONS.sudoCommand, ['process'], ['start'], 'success');
    return;
  }
  const countEnd = skipDigits(message, 0);
  if (countEnd > 0 && message.startsWith(' incorrect password attempt', countEnd)) {
    classify(event, ACTIONS.sudoIncorrectPassword, ['authentication'], ['info'], 'failure');
    // One line reports all attempts of one sudo run; count says how many.
    const attempts = readUint(message, 0, countEnd);
    if (attempts > 0) event.event.count = attempts;
    return;
  }
  if (message === 'user NOT in sudoers') classify(event, ACTIONS.sudoNotInSudoers, ['process'], ['info'], 'failure');
  else if (message === 'command not allowed' || message === 'user NOT authorized on host') {
    classify(event, ACTIONS.sudoCommandNotAllowed, ['process'], ['info'], 'failure');
  } else classify(event, ACTIONS.sudoCommand, ['process'], ['info'], 'failure');
  event.event.reason = message;
}

export function decodeSudo(body: string, event: EcsEvent): boolean {
  const userStart = skipSpaces(body, 0);
  const separatorAt = body.indexOf(' : ', userStart);
  if (separatorAt <= userStart) return false;
  readSegments(body, separatorAt + 3);
  if (parts.command.length === 0 && parts.runAs.length === 0) return false;
  classifyMessage(event, parts.message);
  setUserName(event, body.slice(userStart, separatorAt));
  if (parts.runAs.length > 0) setEffectiveUserName(event, parts.runAs);
  if (parts.command.length > 0 || parts.pwd.length > 0) {
    const process = (event.process ??= {});
    if (parts.command.length > 0) process.command_line = parts.command;
    if (parts.pwd.length > 0) process.working_directory = parts.pwd;
  }
  setDataset(event, DATASETS.systemAuth);
  return true;
}
