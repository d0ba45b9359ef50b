/**
 * The `_bulk` request body: per action `{"create":{"_index":<stream>,"_id":<id>}}` and the event
 * JSON as it was buffered (never parsed again). `create` with the event's deterministic id makes a
 * replay harmless: a copy is refused with 409 instead of being indexed twice.
 */

export interface BulkAction {
  /** Data stream the document goes to. */
  readonly index: string;
  readonly id: string;
  /** The document, JSON, without a trailing newline. */
  readonly json: Buffer;
}

const NEWLINE = 0x0a;

/** The action line of every document of `index`, up to the id. */
const prefixes = new Map<string, string>();

function actionPrefix(index: string): string {
  let prefix = prefixes.get(index);
  if (prefix === undefined) {
    prefix = `{"create":{"_index":${JSON.stringify(index)},"_id":`;
    // Streams are few (two per layout); the bound only guards against misuse.
    if (prefixes.size < 64) prefixes.set(index, prefix);
  }
  return prefix;
}

/** Encodes the actions as one NDJSON body (one allocation). */
export function encodeBulkBody(actions: readonly BulkAction[]): Buffer {
  const lines = new Array<string>(actions.length);
  let total = 0;
  for (let i = 0; i < actions.length; i++) {
    const action = actions[i]!;
    const line = `${actionPrefix(action.index)}${JSON.stringify(action.id)}}}\n`;
    lines[i] = line;
    total += Buffer.byteLength(line) + action.json.length + 1;
  }
  const body = Buffer.allocUnsafe(total);
  let offset = 0;
  for (let i = 0; i < actions.length; i++) {
    offset += body.write(lines[i]!, offset, 'utf8');
    offset += actions[i]!.json.copy(body, offset);
    body[offset++] = NEWLINE;
  }
  return body;
}
