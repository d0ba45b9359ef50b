/** Reading loghub's corpus files: log lines without CR, structured CSVs, template parameters. */
import { readFileSync } from 'node:fs';

/** The shared corpus (see its README); SIEMAD_CORPUS points elsewhere, as for the parser's corpus test. */
export { CORPUS_DIR as CORPUS } from '../../helpers/corpus.js';

/** Lines of a log file, CR (CRLF and lone CR at line ends) removed, empty last line dropped. */
export function readLines(path: string): string[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line) => line.replace(/\r+$/, ''));
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface StructuredRow {
  lineId: number;
  content: string;
  eventId: string;
  template: string;
}

/** Rows of a loghub `_structured.csv`, by header name. */
export function readStructured(path: string): StructuredRow[] {
  const [header, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (header === undefined) return [];
  const column = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`${path}: no column ${name}`);
    return index;
  };
  const lineId = column('LineId');
  const content = column('Content');
  const eventId = column('EventId');
  const template = column('EventTemplate');
  return rows.map((row) => ({
    lineId: Number(row[lineId]),
    content: row[content] ?? '',
    eventId: row[eventId] ?? '',
    template: row[template] ?? '',
  }));
}

const templateCache = new Map<string, RegExp>();

/**
 * The values standing at the template's `<*>` positions in `content`, or undefined when the
 * template does not align. Where loghub's template has one space and the content two, the
 * extra space ends up in the value before it.
 */
export function templateParameters(template: string, content: string): string[] | undefined {
  let pattern = templateCache.get(template);
  if (pattern === undefined) {
    const source = template
      .split('<*>')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('(.*?)');
    pattern = new RegExp(`^${source} *$`, 's');
    templateCache.set(template, pattern);
  }
  const match = pattern.exec(content);
  return match === null ? undefined : match.slice(1);
}
