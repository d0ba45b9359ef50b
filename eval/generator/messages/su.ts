/** Message texts su (util-linux) writes. */

export const suStarted = (target: string, user: string, tty: string): string => `(to ${target}) ${user} on ${tty}`;

export const suFailed = (target: string, user: string, tty: string): string => `FAILED SU (to ${target}) ${user} on ${tty}`;
