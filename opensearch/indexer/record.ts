/**
 * The payload of one disk-buffer record: one event, serialized once, with what the indexer needs
 * to route it without parsing the JSON again.
 *
 *   version u8 (1) | targets u8 | appendedAt f64le (epoch ms) | id length u16le | id (UTF-8) | event JSON (UTF-8)
 *
 * `targets` is a bit set: every event goes to the logs stream, an anomalous one also to the
 * anomalies stream; one record then yields two bulk actions and is done when both are.
 */
export const RECORD_VERSION = 1;
export const TARGET_LOGS = 1;
export const TARGET_ANOMALIES = 2;
const KNOWN_TARGETS = TARGET_LOGS | TARGET_ANOMALIES;

const HEADER_BYTES = 12;
/** OpenSearch refuses `_id`s longer than 512 bytes. */
export const MAX_ID_BYTES = 512;

export interface RecordInput {
  targets: number;
  id: string;
  /** The event as JSON text. */
  json: string;
}

export interface DecodedRecord {
  targets: number;
  appendedAt: number;
  id: string;
  /** A view of the event JSON inside the record. */
  json: Buffer;
}

/** Whether `id` can be a document `_id`: 1 to 512 bytes. */
export function isUsableId(id: unknown): id is string {
  return typeof id === 'string' && id.length > 0 && Buffer.byteLength(id) <= MAX_ID_BYTES;
}

/**
 * Encodes `inputs` into one allocation and returns a view per record (the buffer copies them into
 * its frames anyway, so one allocation per batch is enough).
 */
export function encodeRecords(inputs: readonly RecordInput[], appendedAt: number): Buffer[] {
  const idBytes = new Array<number>(inputs.length);
  const jsonBytes = new Array<number>(inputs.length);
  let total = 0;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    idBytes[i] = Buffer.byteLength(input.id);
    jsonBytes[i] = Buffer.byteLength(input.json);
    total += HEADER_BYTES + idBytes[i]! + jsonBytes[i]!;
  }
  const block = Buffer.allocUnsafe(total);
  const records = new Array<Buffer>(inputs.length);
  let offset = 0;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    const start = offset;
    block[offset] = RECORD_VERSION;
    block[offset + 1] = input.targets;
    block.writeDoubleLE(appendedAt, offset + 2);
    block.writeUInt16LE(idBytes[i]!, offset + 10);
    offset += HEADER_BYTES;
    offset += block.write(input.id, offset, 'utf8');
    offset += block.write(input.json, offset, 'utf8');
    records[i] = block.subarray(start, offset);
  }
  return records;
}

/** Decodes a record; a string says why it is not one (a foreign or damaged payload). */
export function decodeRecord(record: Buffer): DecodedRecord | string {
  if (record.length < HEADER_BYTES) return `record of ${record.length} bytes is shorter than its header`;
  if (record[0] !== RECORD_VERSION) return `unknown record version ${record[0]}`;
  const targets = record[1]!;
  if (targets === 0 || (targets & ~KNOWN_TARGETS) !== 0) return `unknown record targets ${targets}`;
  const idLength = record.readUInt16LE(10);
  if (idLength === 0 || idLength > MAX_ID_BYTES || HEADER_BYTES + idLength >= record.length) {
    return `record id length ${idLength} does not fit a ${record.length}-byte record`;
  }
  return {
    targets,
    appendedAt: record.readDoubleLE(2),
    id: record.toString('utf8', HEADER_BYTES, HEADER_BYTES + idLength),
    json: record.subarray(HEADER_BYTES + idLength),
  };
}
