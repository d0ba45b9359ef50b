/** Message texts of the shadow-utils account tools (useradd, usermod) as in shadow 4.8–4.13. */

export interface NewUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
  /** The terminal it was run from, `none` from scripts. */
  from: string;
}

export const newGroup = (name: string, gid: number): string => `new group: name=${name}, GID=${gid}`;

export function newUser({ name, uid, gid, home, shell, from }: NewUser): string {
  return `new user: name=${name}, UID=${uid}, GID=${gid}, home=${home}, shell=${shell}, from=${from}`;
}

export const addedToGroup = (user: string, group: string): string => `add '${user}' to group '${group}'`;

export const addedToShadowGroup = (user: string, group: string): string => `add '${user}' to shadow group '${group}'`;
