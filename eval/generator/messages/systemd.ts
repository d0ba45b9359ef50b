/** Message texts systemd (PID 1, v252+) writes when a unit runs, as `systemd[1]: ...`. */

export const unitStarting = (unit: string, description: string): string => `Starting ${unit} - ${description}...`;

export const unitDeactivated = (unit: string): string => `${unit}: Deactivated successfully.`;

export const unitFinished = (unit: string, description: string): string => `Finished ${unit} - ${description}.`;

export const unitReloaded = (unit: string, description: string): string => `Reloaded ${unit} - ${description}.`;

/** systemd-sysusers creating a package's account (`systemd-sysusers[pid]: ...`). */
export const sysusersGroupCreated = (group: string, gid: number): string => `Creating group '${group}' with GID ${gid}.`;

export const sysusersUserCreated = (user: string, description: string, uid: number, gid: number): string =>
  `Creating user '${user}' (${description}) with UID ${uid} and GID ${gid}.`;
