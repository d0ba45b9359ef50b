/**
 * Message texts sudo 1.9 writes. sudo logs without a PID and formats its own lines as
 * `%8s : %s` (user name right-aligned to 8 columns).
 */

export interface SudoInvocation {
  user: string;
  tty: string;
  pwd: string;
  runAs: string;
  command: string;
}

function details({ tty, pwd, runAs, command }: SudoInvocation): string {
  return `TTY=${tty} ; PWD=${pwd} ; USER=${runAs} ; COMMAND=${command}`;
}

const paddedUser = (user: string): string => user.padStart(8, ' ');

export const sudoCommand = (invocation: SudoInvocation): string => `${paddedUser(invocation.user)} : ${details(invocation)}`;

export const sudoNotInSudoers = (invocation: SudoInvocation): string =>
  `${paddedUser(invocation.user)} : user NOT in sudoers ; ${details(invocation)}`;

export function sudoIncorrectPasswords(invocation: SudoInvocation, attempts: number): string {
  return `${paddedUser(invocation.user)} : ${attempts} incorrect password attempt${attempts === 1 ? '' : 's'} ; ${details(invocation)}`;
}
