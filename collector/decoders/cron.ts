/** cron's job lines: `(root) CMD (command)` (Debian cron, cronie's crond). */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, setUserName } from './fields.js';
import { trimEndSpaces } from './scan.js';

export function decodeCron(body: string, event: EcsEvent): boolean {
  if (body.charCodeAt(0) !== 40 /* ( */) return false;
  const userEnd = body.indexOf(') CMD (', 1);
  if (userEnd < 1) return false;
  const commandStart = userEnd + 7;
  // The command may hold parentheses of its own: the last ')' closes it.
  const end = trimEndSpaces(body).length;
  const commandEnd = body.charCodeAt(end - 1) === 41 ? end - 1 : end;
  classify(event, ACTIONS.cronCommand, ['process'], ['start'], 'success');
  setUserName(event, body.slice(1, userEnd));
  if (commandEnd > commandStart) (event.process ??= {}).command_line = body.slice(commandStart, commandEnd);
  return true;
}
