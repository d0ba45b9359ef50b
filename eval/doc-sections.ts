/**
 * Where `npm run eval -- --update-docs` writes its tables in README.md and the model card. Site
 * 1's table sits between `<!-- eval:start -->` and `<!-- eval:end -->` (the markers the model
 * card generator, models/siem_training/model_card.py, keeps verbatim when it rewrites the card).
 * Site 2's sits in its own markers nested inside that block, at its end, so the card generator
 * keeps it too; it is added there the first time it is written.
 */
import fs from 'node:fs';
import type { SiteNumber } from './generator/generate-stream.js';

export const EVAL_START = '<!-- eval:start -->';
export const EVAL_END = '<!-- eval:end -->';
export const SITE2_START = '<!-- eval-site2:start -->';
export const SITE2_END = '<!-- eval-site2:end -->';

/** Replaces the text of `site`'s section of `text` with `body`; throws without site 1's markers. */
export function withEvalSection(text: string, site: SiteNumber, body: string, name = 'the document'): string {
  const start = text.indexOf(EVAL_START);
  const end = text.indexOf(EVAL_END, start + EVAL_START.length);
  if (start < 0 || end < 0) throw new Error(`${name} has no ${EVAL_START} ... ${EVAL_END} markers`);
  const nestedStart = text.indexOf(SITE2_START, start);
  const nestedEnd = text.indexOf(SITE2_END, nestedStart);
  const hasSite2 = nestedStart >= 0 && nestedStart < end && nestedEnd >= 0 && nestedEnd < end;
  if (site === 1) {
    const to = hasSite2 ? nestedStart : end;
    return `${text.slice(0, start + EVAL_START.length)}\n${body}\n${text.slice(to)}`;
  }
  if (!hasSite2) return `${text.slice(0, end)}${SITE2_START}\n${body}\n${SITE2_END}\n${text.slice(end)}`;
  return `${text.slice(0, nestedStart + SITE2_START.length)}\n${body}\n${text.slice(nestedEnd)}`;
}

export function writeEvalSection(file: string, site: SiteNumber, body: string): void {
  fs.writeFileSync(file, withEvalSection(fs.readFileSync(file, 'utf8'), site, body, file));
}
