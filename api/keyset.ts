import { API_ERRORS, ApiError } from './errors.js';

/**
 * Keyset pagination: a page ends with the sort key of its last row, encoded in an opaque cursor,
 * and the next page starts strictly after it. Unlike an offset, rows inserted or updated meanwhile
 * neither repeat nor shift the pages. Every key sorts in the same direction, so one row comparison
 * `(k1, k2, id) < ($1, $2, $3)` selects the rest; timestamps travel as microseconds since the
 * epoch, so no precision is lost between pages.
 */
export type KeyType = 'timestamp' | 'integer' | 'real' | 'bigint';

export interface SortKey {
  /** SQL expression of the key (trusted: from the route's table of sorts, never from input). */
  expr: string;
  type: KeyType;
}

export interface Sort {
  name: string;
  keys: readonly SortKey[];
}

const SELECT_AS_TEXT: Record<KeyType, (expr: string) => string> = {
  timestamp: (expr) => `(extract(epoch from ${expr}) * 1000000)::bigint::text`,
  integer: (expr) => `(${expr})::text`,
  real: (expr) => `(${expr})::text`,
  bigint: (expr) => `(${expr})::text`,
};

const PARAMETER: Record<KeyType, (n: number) => string> = {
  timestamp: (n) => `(timestamptz 'epoch' + $${n}::bigint * interval '1 microsecond')`,
  integer: (n) => `$${n}::integer`,
  real: (n) => `$${n}::real`,
  bigint: (n) => `$${n}::bigint`,
};

const VALUE_PATTERN: Record<KeyType, RegExp> = {
  timestamp: /^-?\d{1,19}$/,
  integer: /^-?\d{1,10}$/,
  real: /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$|^-?Infinity$|^NaN$/i,
  bigint: /^-?\d{1,19}$/,
};

export interface Page {
  /** Select-list items giving the cursor values (`k0`, `k1` ...). */
  selectKeys: string;
  /** `AND (...) < (...)` for the rows after the cursor, or ''. */
  after: string;
  orderBy: string;
}

/**
 * The pieces of a paged query. `params` gets the cursor's values appended; `cursor` is the text of
 * the previous page's next_cursor (or undefined for the first page).
 */
export function pageClauses(sort: Sort, descending: boolean, cursor: string | undefined, params: unknown[]): Page {
  const selectKeys = sort.keys.map((key, i) => `${SELECT_AS_TEXT[key.type](key.expr)} AS k${i}`).join(', ');
  const direction = descending ? 'DESC' : 'ASC';
  const orderBy = sort.keys.map((key) => `${key.expr} ${direction}`).join(', ');
  if (cursor === undefined) return { selectKeys, after: '', orderBy };
  const values = decodeCursor(cursor, sort, descending);
  const placeholders = values.map((value, i) => {
    params.push(value);
    return PARAMETER[sort.keys[i]!.type](params.length);
  });
  const after = `AND (${sort.keys.map((key) => key.expr).join(', ')}) ${descending ? '<' : '>'} (${placeholders.join(', ')})`;
  return { selectKeys, after, orderBy };
}

/** The cursor after `row` (which carries k0, k1 ... from `selectKeys`). */
export function encodeCursor(sort: Sort, descending: boolean, row: Record<string, unknown>): string {
  const values = sort.keys.map((_, i) => String(row[`k${i}`]));
  return Buffer.from(JSON.stringify([sort.name, descending ? 'desc' : 'asc', ...values])).toString('base64url');
}

function decodeCursor(cursor: string, sort: Sort, descending: boolean): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const invalid = new ApiError(
    API_ERRORS.BAD_REQUEST,
    `querystring.cursor is not a cursor of this listing sorted by ${sort.name} ${descending ? 'desc' : 'asc'}: pass next_cursor unchanged, with the same sort and order`,
  );
  if (!Array.isArray(parsed) || parsed.length !== sort.keys.length + 2) throw invalid;
  if (parsed[0] !== sort.name || parsed[1] !== (descending ? 'desc' : 'asc')) throw invalid;
  const values = parsed.slice(2);
  values.forEach((value, i) => {
    if (typeof value !== 'string' || !VALUE_PATTERN[sort.keys[i]!.type].test(value)) throw invalid;
  });
  return values as string[];
}

/** Runs with limit + 1 rows: the extra row only says whether there is a next page. */
export function splitPage<Row extends Record<string, unknown>>(
  rows: Row[],
  limit: number,
  sort: Sort,
  descending: boolean,
): { rows: Row[]; next_cursor: string | null } {
  if (rows.length <= limit) return { rows, next_cursor: null };
  const page = rows.slice(0, limit);
  return { rows: page, next_cursor: encodeCursor(sort, descending, page[page.length - 1]!) };
}
