import fs from 'node:fs';
import path from 'node:path';
import type { EcsEvent } from '../../collector/ecs/event.js';
import type { EventSink } from '../sink.js';
import { asBuffer, encodeFor, type EncodedBatch } from '../encode.js';

export interface NdjsonSinkOptions {
  /** Directory for `events.ndjson` and `anomalies.ndjson`. */
  directory: string;
  /** Size at which a file is rotated (`events.ndjson` → `events.1.ndjson` ...). */
  rotateBytes: number;
  /** Rotated files kept per stream; older ones are deleted. */
  keepFiles: number;
}

/**
 * One append-only NDJSON file with size-based rotation. A write resolves once the file system has
 * taken it; a write error (disk full, file removed) rejects that write and the next write reopens
 * the file, so a full disk costs the batches written meanwhile, never the process.
 */
class RotatingFile {
  private stream: fs.WriteStream;
  private size: number;
  /** Set by the stream's error event: the stream is dead and is replaced at the next write. */
  private broken = false;

  constructor(
    private readonly file: string,
    private readonly rotateBytes: number,
    private readonly keepFiles: number,
  ) {
    this.size = fileSize(file);
    this.stream = this.open();
  }

  async write(data: Buffer): Promise<void> {
    if (this.broken) {
      this.size = fileSize(this.file);
      this.stream = this.open();
    }
    const bytes = data.length;
    if (this.size > 0 && this.size + bytes > this.rotateBytes) await this.rotate();
    this.size += bytes;
    await new Promise<void>((resolve, reject) => this.stream.write(data, (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    // A broken stream has nothing left to flush.
    if (this.broken) return;
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }

  private open(): fs.WriteStream {
    this.broken = false;
    const stream = fs.createWriteStream(this.file, { flags: 'a' });
    // Without a listener the error event would end the process; the write's callback reports it.
    stream.on('error', () => {
      if (stream === this.stream) this.broken = true;
    });
    return stream;
  }

  private async rotate(): Promise<void> {
    await this.close();
    const { dir, name, ext } = path.parse(this.file);
    const numbered = (n: number): string => path.join(dir, `${name}.${n}${ext}`);
    await fs.promises.rm(numbered(this.keepFiles), { force: true });
    for (let n = this.keepFiles - 1; n >= 1; n--) {
      await fs.promises.rename(numbered(n), numbered(n + 1)).catch(() => undefined);
    }
    if (this.keepFiles > 0) await fs.promises.rename(this.file, numbered(1));
    else await fs.promises.rm(this.file, { force: true });
    this.size = 0;
    this.stream = this.open();
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The embedded default sink: events and anomalies as NDJSON files under the data directory. */
export class NdjsonSink implements EventSink {
  readonly name = 'ndjson';
  private readonly events: RotatingFile;
  private readonly anomalies: RotatingFile;

  constructor(options: NdjsonSinkOptions) {
    fs.mkdirSync(options.directory, { recursive: true });
    this.events = new RotatingFile(path.join(options.directory, 'events.ndjson'), options.rotateBytes, options.keepFiles);
    this.anomalies = new RotatingFile(path.join(options.directory, 'anomalies.ndjson'), options.rotateBytes, options.keepFiles);
  }

  readonly encoding = 'ndjson';

  write(events: readonly EcsEvent[]): Promise<void> {
    return this.writeEncoded(events, encodeFor('ndjson', events));
  }

  // Encoded once: the size for rotation and the bytes written are the same buffer.
  async writeEncoded(_events: readonly EcsEvent[], encoded: EncodedBatch): Promise<void> {
    if (encoded.ndjson !== undefined) await this.events.write(asBuffer(encoded.ndjson));
    if (encoded.anomalies !== undefined) await this.anomalies.write(asBuffer(encoded.anomalies));
  }

  async close(): Promise<void> {
    await Promise.all([this.events.close(), this.anomalies.close()]);
  }
}
