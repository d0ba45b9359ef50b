/**
 * Readers for the `user ... address port N` tails of sshd-style lines. They read from the right:
 * the address and port are what the daemon appended after a client-chosen user name, so a name
 * like `x from 6.6.6.6 port 1` cannot pose as the source. Results go to `found`, reused between
 * calls so that these hot paths allocate only the substrings they return.
 */
import { hasSpace, readUint } from './scan.js';

/** `invalidUser`: `invalid|illegal user USER`; `authenticating`: `authenticating user USER`. */
export const found = { user: '', address: '', port: -1, invalidUser: false, authenticating: false };

const PORT = ' port ';
const FROM = ' from ';

function reset(): void {
  found.user = '';
  found.address = '';
  found.port = -1;
  found.invalidUser = false;
  found.authenticating = false;
}

/** Index where the address ends: before ` port N` ending at `end` (sets found.port), else `end`. */
function addressEnd(text: string, start: number, end: number): number {
  const portAt = text.lastIndexOf(PORT, end - 1);
  if (portAt < start) return end;
  const port = readUint(text, portAt + PORT.length, end);
  if (port < 0 || port > 65535) return end;
  found.port = port;
  return portAt;
}

/** Strips `invalid user ` / `illegal user ` at `start`; returns the index after it. */
function skipInvalidUser(text: string, start: number): number {
  if (text.startsWith('invalid user ', start) || text.startsWith('illegal user ', start)) {
    found.invalidUser = true;
    return start + 13;
  }
  return start;
}

/** `ADDRESS[ port N]` filling `text[start, end)`. */
export function readAddressPort(text: string, start: number, end: number): boolean {
  reset();
  const addrEnd = addressEnd(text, start, end);
  if (addrEnd <= start || hasSpace(text, start, addrEnd)) return false;
  found.address = text.slice(start, addrEnd);
  return true;
}

/** `[invalid user ]USER from ADDRESS[ port N]` filling `text[start, end)`; USER may be empty. */
export function readUserFromAddress(text: string, start: number, end: number): boolean {
  reset();
  const userStart = skipInvalidUser(text, start);
  const addrEnd = addressEnd(text, userStart, end);
  // The user may be empty (`Invalid user  from ...`), so ` from ` may begin one before userStart.
  const fromAt = text.lastIndexOf(FROM, addrEnd - 1);
  if (fromAt < userStart - 1) return false;
  const addrStart = fromAt + FROM.length;
  if (addrEnd <= addrStart || hasSpace(text, addrStart, addrEnd)) return false;
  found.address = text.slice(addrStart, addrEnd);
  found.user = fromAt > userStart ? text.slice(userStart, fromAt) : '';
  return true;
}

/**
 * `[authenticating user USER |invalid user USER |user USER ]ADDRESS port N` filling
 * `text[start, end)` (OpenSSH 7.5+ connection lines); without a user the port may be missing.
 */
export function readUserAddressPort(text: string, start: number, end: number): boolean {
  reset();
  const addrEnd = addressEnd(text, start, end);
  if (addrEnd === end) return readAddressPort(text, start, end);
  const spaceBefore = text.lastIndexOf(' ', addrEnd - 1);
  const addrStart = spaceBefore < start ? start : spaceBefore + 1;
  if (addrEnd <= addrStart) return false;
  found.address = text.slice(addrStart, addrEnd);
  if (addrStart === start) return true;
  let userStart = skipInvalidUser(text, start);
  if (userStart === start) {
    if (text.startsWith('authenticating user ', start)) {
      userStart = start + 20;
      found.authenticating = true;
    } else if (text.startsWith('user ', start)) userStart = start + 5;
    else return false;
  }
  if (spaceBefore > userStart) found.user = text.slice(userStart, spaceBefore);
  return true;
}
