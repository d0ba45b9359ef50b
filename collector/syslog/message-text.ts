/** Where a message's text ends and its MSG begins: trailing CR/LF and a leading BOM are not content. */

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

/** `text` from `pos` to `end`, without a leading BOM. */
export function stripBom(text: string, pos: number, end: number): string {
  return text.slice(skipBom(text, pos, end), end);
}
