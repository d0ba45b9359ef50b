/** Message texts systemd-logind writes for login sessions. */

export const newSession = (session: number, user: string): string => `New session ${session} of user ${user}.`;

export const sessionLoggedOut = (session: number): string => `Session ${session} logged out. Waiting for processes to exit.`;

export const sessionRemoved = (session: number): string => `Removed session ${session}.`;
