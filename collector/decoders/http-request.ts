/** The HTTP request line `METHOD URI HTTP/x.y` as access and error logs quote it. */
import type { EcsEvent } from '../ecs/event.js';

/** Real methods are short upper-case words (`GET`, `PROPFIND`); anything else is not a request line. */
const MAX_METHOD_LENGTH = 20;

function isMethod(text: string, start: number, end: number): boolean {
  if (end <= start || end - start > MAX_METHOD_LENGTH) return false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code < 65 || code > 90) return false;
  }
  return true;
}

/** Fills url.original/path/query (and url.domain for absolute URIs) from `text[start, end)`. */
function setUrl(event: EcsEvent, text: string, start: number, end: number): void {
  const original = text.slice(start, end);
  const url = (event.url ??= {});
  url.original = original;
  let pathStart = 0;
  if (original.startsWith('http://') || original.startsWith('https://')) {
    const hostStart = original.indexOf('//') + 2;
    let hostEnd = hostStart;
    while (hostEnd < original.length) {
      const code = original.charCodeAt(hostEnd);
      if (code === 47 || code === 63 || code === 58) break; // '/', '?', ':'
      hostEnd++;
    }
    if (hostEnd > hostStart) url.domain = original.slice(hostStart, hostEnd);
    pathStart = original.indexOf('/', hostEnd);
    if (pathStart < 0) return;
  }
  const queryAt = original.indexOf('?', pathStart);
  if (queryAt < 0) url.path = pathStart === 0 ? original : original.slice(pathStart);
  else {
    url.path = original.slice(pathStart, queryAt);
    if (queryAt + 1 < original.length) url.query = original.slice(queryAt + 1);
  }
}

/**
 * Reads the request line in `text[start, end)`. Returns false (setting nothing) when it is not
 * `METHOD URI[ PROTOCOL]`, as for `-` or the binary junk scanners send.
 */
export function readRequestLine(event: EcsEvent, text: string, start: number, end: number): boolean {
  let methodEnd = start;
  while (methodEnd < end && text.charCodeAt(methodEnd) !== 32) methodEnd++;
  if (methodEnd >= end || !isMethod(text, start, methodEnd)) return false;
  let uriEnd = end;
  let version: string | undefined;
  const lastSpace = text.lastIndexOf(' ', end - 1);
  if (lastSpace > methodEnd && text.startsWith('HTTP/', lastSpace + 1)) {
    uriEnd = lastSpace;
    version = text.slice(lastSpace + 6, end);
  }
  if (uriEnd <= methodEnd + 1) return false;
  const http = (event.http ??= {});
  (http.request ??= {}).method = text.slice(start, methodEnd);
  if (version !== undefined && version.length > 0) http.version = version;
  setUrl(event, text, methodEnd + 1, uriEnd);
  return true;
}
