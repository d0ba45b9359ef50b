/**
 * Message texts of the shadow-utils account tools (useradd, groupadd, usermod, chage, chfn) as in
 * shadow 4.8–4.16; shadow 4.6 (RHEL/CentOS 7) writes `new user` without `from=`.
 */

export interface NewUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** The terminal it was run from, `none` from scripts; undefined for shadow 4.6, which omits it. */
  from?: string;
}

export const newGroup = (name: string, gid: number): string => `new group: name=${name}, GID=${gid}`;

export function newUser({ name, uid, gid, home, shell, from }: NewUser): string {
  return `new user: name=${name}, UID=${uid}, GID=${gid}, home=${home}, shell=${shell}${from === undefined ? '' : `, from=${from}`}`;
}

export const addedToGroup = (user: string, group: string): string => `add '${user}' to group '${group}'`;

export const addedToShadowGroup = (user: string, group: string): string => `add '${user}' to shadow group '${group}'`;

/** groupadd's two database updates, logged before its `new group` line. */
export const groupAddedToGroupFile = (name: string, gid: number): string => `group added to /etc/group: name=${name}, GID=${gid}`;

export const groupAddedToGshadow = (name: string): string => `group added to /etc/gshadow: name=${name}`;

/** chage, as Debian's adduser runs it for a new system account. */
export const passwordExpiryChanged = (user: string): string => `changed password expiry for ${user}`;

/** chfn, as adduser runs it to set an account's GECOS field. */
export const userInformationChanged = (user: string): string => `changed user '${user}' information`;
