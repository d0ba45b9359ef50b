/** Generated text in a markdown file, between two HTML-comment markers (`<!-- eval:start -->`). */
import fs from 'node:fs';

/**
 * Replaces what lies between `start` and `end` in `file` with `body`. Markers that are missing
 * are an error, or with `appendIfMissing` are added, with the body, at the end of the file.
 */
export function replaceSection(file: string, start: string, end: string, body: string, appendIfMissing = false): void {
  const text = fs.readFileSync(file, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  if (from < 0 || to < 0) {
    if (!appendIfMissing) throw new Error(`${file} has no ${start} ... ${end} markers`);
    fs.writeFileSync(file, `${text.trimEnd()}\n\n${start}\n${body}\n${end}\n`);
    return;
  }
  fs.writeFileSync(file, text.slice(0, from + start.length) + '\n' + body + '\n' + text.slice(to));
}
