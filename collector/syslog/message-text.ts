/**
 * Where a message's text ends and its MSG begins: trailing CR/LF, a leading BOM and leading
 * whitespace are not content.
 */

const BOM = 0xfeff;

/** Length of `text` without its trailing CR and LF characters (any mix: LF, CRLF, lone CR). */
export function endWithoutLineBreak(text: string): number {
  let end = text.length;
  for (;;) {
    const code = text.charCodeAt(end - 1);
    if (code !== 10 && code !== 13) return end;
    end--;
  }
}

/** Index after a U+FEFF at `pos`, else `pos`. */
export function skipBom(text: string, pos: number, end: number): number {
  return pos < end && text.charCodeAt(pos) === BOM ? pos + 1 : pos;
}

/**
 * MSG/CONTENT: `text` from `pos` to `end` without a leading BOM and without the SP and HT around
 * it. Senders pad the start (rsyslog relays a BSD message's CONTENT with the SP that followed its
 * tag, so RFC 5424 output reads `- -  Failed ...`; sudo indents its lines); none of it is content,
 * and decoders match on the first word.
 */
export function messageText(text: string, pos: number, end: number): string {
  let p = skipBlanks(text, pos, end);
  p = skipBlanks(text, skipBom(text, p, end), end);
  return text.slice(p, end);
}

function skipBlanks(text: string, pos: number, end: number): number {
  while (pos < end) {
    const code = text.charCodeAt(pos);
    if (code !== 32 && code !== 9) return pos;
    pos++;
  }
  return pos;
}
