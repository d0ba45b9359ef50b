/**
 * The dead-letter queue: documents OpenSearch will never accept (mapping errors, malformed values),
 * and events that could not even be buffered, as NDJSON files under `<data-dir>/dead-letter/`,
 * one line per document with the reason:
 *
 *   {"@timestamp":"…","kind":"rejected","index":"logs-siemad-default","id":"…","status":400,
 *    "error":{"type":"mapper_parsing_exception","reason":"…"},"event":{…the document…}}
 *
 * Files rotate at `fileMaxBytes`; the total stays under `maxTotalBytes` by deleting the oldest
 * files (counted, never silent). A write resolves once the lines are written and fsynced, so the
 * indexer may then acknowledge the buffer records they came from.
 */
import { mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** Why a document is here; a closed set, so it can be a metric label. */
export type DeadLetterKind =
  /** The cluster refused the document (per-item 4xx). */
  | 'rejected'
  /** The cluster refused a request holding only this document (e.g. 413). */
  | 'request_rejected'
  /** Larger than the disk buffer's record limit. */
  | 'too_large'
  /** A buffer record that is not a siemad event record. */
  | 'undecodable'
  /** A replayed line that is not a JSON event. */
  | 'invalid_input';

export const DEAD_LETTER_KINDS: readonly DeadLetterKind[] = ['rejected', 'request_rejected', 'too_large', 'undecodable', 'invalid_input'];

export interface DeadLetter {
  kind: DeadLetterKind;
  /** Target data stream, when there is one. */
  index?: string;
  id?: string;
  status?: number;
  errorType: string;
  reason: string;
  /** The document: JSON bytes when `eventIsJson`, else raw bytes kept as text. */
  event: Buffer;
  eventIsJson: boolean;
}

export interface DeadLetterQueueOptions {
  directory: string;
  /** Bound on the bytes of all dead-letter files; the oldest are deleted past it. Default 256 MiB. */
  maxTotalBytes?: number;
  /** A file is closed once it reaches this size. Default min(16 MiB, maxTotalBytes / 4). */
  fileMaxBytes?: number;
  /** fsync before a write resolves. Default true. */
  fsync?: boolean;
}

export interface DeadLetterStats {
  /** Dead letters written by this process, by kind. */
  readonly written: Readonly<Record<DeadLetterKind, number>>;
  readonly bytes: number;
  readonly files: number;
  readonly removedFiles: number;
  readonly removedBytes: number;
}

const FILE_PATTERN = /^dead-letter-[0-9TZ.-]+-\d{6}\.ndjson$/;
const MIB = 1024 * 1024;
/** A document larger than this is kept truncated in its dead letter (as text), so one never fills the queue. */
const MAX_EVENT_CHARS = 1024 * 1024;

interface FileEntry {
  name: string;
  size: number;
}

export class DeadLetterQueue {
  private readonly files: FileEntry[];
  private current: { entry: FileEntry; handle: FileHandle } | null = null;
  private totalBytes: number;
  private sequence = 0;
  private tail: Promise<void> = Promise.resolve();
  private readonly written: Record<DeadLetterKind, number> = {
    rejected: 0,
    request_rejected: 0,
    too_large: 0,
    undecodable: 0,
    invalid_input: 0,
  };
  private removedFiles = 0;
  private removedBytes = 0;
  private closed = false;

  private constructor(
    readonly directory: string,
    private readonly maxTotalBytes: number,
    private readonly fileMaxBytes: number,
    private readonly fsync: boolean,
    files: FileEntry[],
  ) {
    this.files = files;
    this.totalBytes = files.reduce((sum, file) => sum + file.size, 0);
  }

  /** Creates the directory when missing and takes stock of the files an earlier run left. */
  static async open(options: DeadLetterQueueOptions): Promise<DeadLetterQueue> {
    const maxTotalBytes = options.maxTotalBytes ?? 256 * MIB;
    const fileMaxBytes = options.fileMaxBytes ?? Math.min(16 * MIB, Math.floor(maxTotalBytes / 4));
    if (!Number.isSafeInteger(maxTotalBytes) || maxTotalBytes < MIB)
      throw new RangeError('dead-letter maxTotalBytes must be at least 1 MiB');
    if (!Number.isSafeInteger(fileMaxBytes) || fileMaxBytes < 64 * 1024 || fileMaxBytes * 2 > maxTotalBytes) {
      throw new RangeError('dead-letter fileMaxBytes must be at least 64 KiB and at most half of maxTotalBytes');
    }
    await mkdir(options.directory, { recursive: true });
    const names = (await readdir(options.directory)).filter((name) => FILE_PATTERN.test(name)).sort();
    const files: FileEntry[] = [];
    for (const name of names) {
      const size = await stat(join(options.directory, name)).then(
        (info) => info.size,
        () => -1,
      );
      if (size >= 0) files.push({ name, size });
    }
    return new DeadLetterQueue(options.directory, maxTotalBytes, fileMaxBytes, options.fsync ?? true, files);
  }

  /** Appends the letters (in order, after earlier writes); resolves once they are on disk. */
  write(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('the dead-letter queue is closed'));
    const lines = letters.map((letter) => formatLetter(letter, new Date().toISOString(), this.fileMaxBytes));
    const done = this.tail.then(() => this.writeLines(lines));
    this.tail = done.then(
      () => undefined,
      () => undefined,
    );
    for (const letter of letters) this.written[letter.kind]++;
    return done;
  }

  stats(): DeadLetterStats {
    return {
      written: { ...this.written },
      bytes: this.totalBytes,
      files: this.files.length,
      removedFiles: this.removedFiles,
      removedBytes: this.removedBytes,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    const current = this.current;
    this.current = null;
    if (current !== null) await current.handle.close().catch(() => undefined);
  }

  private async writeLines(lines: string[]): Promise<void> {
    let chunk = '';
    let chunkBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (chunkBytes > 0 && chunkBytes + bytes > this.fileMaxBytes) {
        await this.append(chunk, chunkBytes);
        chunk = '';
        chunkBytes = 0;
      }
      chunk += line;
      chunkBytes += bytes;
    }
    if (chunkBytes > 0) await this.append(chunk, chunkBytes);
  }

  private async append(text: string, bytes: number): Promise<void> {
    let current = this.current;
    if (current !== null && current.entry.size > 0 && current.entry.size + bytes > this.fileMaxBytes) {
      this.current = null;
      await current.handle.close().catch(() => undefined);
      current = null;
    }
    await this.makeRoom(bytes);
    if (current === null) current = await this.startFile();
    const { bytesWritten } = await current.handle.write(text);
    current.entry.size += bytesWritten;
    this.totalBytes += bytesWritten;
    if (this.fsync) await current.handle.datasync();
  }

  /** Deletes the oldest closed files until `bytes` more fit under the bound. */
  private async makeRoom(bytes: number): Promise<void> {
    while (this.totalBytes + bytes > this.maxTotalBytes && this.files.length > 0 && this.files[0] !== this.current?.entry) {
      const oldest = this.files.shift()!;
      this.totalBytes -= oldest.size;
      this.removedFiles++;
      this.removedBytes += oldest.size;
      await unlink(join(this.directory, oldest.name)).catch(() => undefined);
    }
  }

  private async startFile(): Promise<{ entry: FileEntry; handle: FileHandle }> {
    const stamp = new Date().toISOString().replace(/:/g, '-');
    for (;;) {
      const name = `dead-letter-${stamp}-${String(this.sequence++ % 1_000_000).padStart(6, '0')}.ndjson`;
      try {
        const handle = await open(join(this.directory, name), 'wx');
        const entry = { name, size: 0 };
        this.files.push(entry);
        this.current = { entry, handle };
        return this.current;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
  }
}

/** One NDJSON line; the event is embedded as it was (JSON) or as text when it is not JSON or too large. */
export function formatLetter(letter: DeadLetter, timestamp: string, maxLineBytes = Infinity): string {
  const head =
    `{"@timestamp":${JSON.stringify(timestamp)},"kind":${JSON.stringify(letter.kind)}` +
    (letter.index !== undefined ? `,"index":${JSON.stringify(letter.index)}` : '') +
    (letter.id !== undefined ? `,"id":${JSON.stringify(letter.id)}` : '') +
    (letter.status !== undefined ? `,"status":${letter.status}` : '') +
    `,"error":{"type":${JSON.stringify(letter.errorType)},"reason":${JSON.stringify(letter.reason)}}`;
  const limit = Math.min(MAX_EVENT_CHARS, maxLineBytes / 2);
  if (letter.eventIsJson && letter.event.length <= limit) return `${head},"event":${letter.event.toString('utf8')}}\n`;
  const text = letter.event.toString('utf8', 0, Math.min(letter.event.length, limit));
  const truncated = letter.event.length > limit ? `,"event_truncated_from_bytes":${letter.event.length}` : '';
  return `${head},"event_text":${JSON.stringify(text)}${truncated}}\n`;
}
