/**
 * Cheap IP address validation, so nothing but an address reaches `source.ip` (mapped as `ip`:
 * OpenSearch rejects the whole document for a bad value). Follows what OpenSearch's parser
 * accepts: dotted-quad IPv4 without leading zeros, IPv6 with at most one `::` and an optional
 * trailing dotted quad. Zone ids (`fe80::1%eth0`) are refused.
 */

import ipaddr from 'ipaddr.js';

const MAX_IPV6_LENGTH = 45;

function isIpv4Range(text: string, start: number, end: number): boolean {
  if (end - start < 7 || end - start > 15) return false;
  let octets = 0;
  let value = 0;
  let digits = 0;
  for (let i = start; i <= end; i++) {
    const code = i < end ? text.charCodeAt(i) : 46; // a virtual '.' closes the last octet
    if (code === 46) {
      if (digits === 0 || value > 255) return false;
      octets++;
      value = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57) {
      if (digits === 1 && value === 0) return false; // leading zero: octal or decimal is ambiguous
      value = value * 10 + (code - 48);
      digits++;
      if (digits > 3) return false;
    } else return false;
  }
  return octets === 4;
}

function isHexDigit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70);
}

function isIpv6Range(text: string, start: number, end: number): boolean {
  if (end - start < 2 || end - start > MAX_IPV6_LENGTH) return false;
  let groups = 0;
  let sawDoubleColon = false;
  let i = start;
  if (text.charCodeAt(i) === 58) {
    if (text.charCodeAt(i + 1) !== 58) return false;
    sawDoubleColon = true;
    i += 2;
    if (i === end) return true; // "::"
  }
  while (i < end) {
    const groupStart = i;
    while (i < end && isHexDigit(text.charCodeAt(i))) i++;
    const groupLength = i - groupStart;
    if (i < end && text.charCodeAt(i) === 46) {
      // Embedded IPv4 must be the last part and stands for two groups.
      if (!isIpv4Range(text, groupStart, end)) return false;
      groups += 2;
      return sawDoubleColon ? groups <= 6 : groups === 8;
    }
    if (groupLength === 0 || groupLength > 4) return false;
    groups++;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (sawDoubleColon) return false;
      sawDoubleColon = true;
      i++;
      if (i === end) break;
    } else if (i === end) return false; // trailing single ':'
  }
  return sawDoubleColon ? groups <= 7 : groups === 8;
}

/** True when `text[start, end)` is an IPv4 or IPv6 address. */
export function isIpRange(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end && i < start + 5; i++) {
    const code = text.charCodeAt(i);
    if (code === 58) return isIpv6Range(text, start, end);
    if (code === 46) return isIpv4Range(text, start, end);
  }
  return isIpv6Range(text, start, end);
}

/** True when `text` is an IPv4 or IPv6 address. */
export function isIp(text: string): boolean {
  return isIpRange(text, 0, text.length);
}

/**
 * An address (already validated by isIp) in one spelling per address, so the kernel's
 * `2001:0db8:0000:...:0001` and sshd's `2001:db8::1` are one entity: IPv6 in RFC 5952 form.
 * IPv4 and IPv6 with an embedded dotted quad (`::ffff:192.0.2.1`, as sshd writes it) stay as they are.
 */
export function canonicalIp(address: string): string {
  if (!address.includes(':') || address.includes('.')) return address;
  try {
    return ipaddr.IPv6.parse(address).toRFC5952String();
  } catch {
    return address;
  }
}

/**
 * True when `text` can be a DNS host name (letters, digits, `-`, `_`, `.`; at most 253 chars),
 * so free text never lands in `source.domain`.
 */
export function isHostName(text: string): boolean {
  const length = text.length;
  if (length === 0 || length > 253) return false;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    const ok =
      (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45 || code === 46 || code === 95;
    if (!ok) return false;
  }
  return true;
}
