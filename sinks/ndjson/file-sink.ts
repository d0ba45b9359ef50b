import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { isAnomalous, type EventSink } from '../sink.js';

export interface NdjsonSinkOptions {
  /** Directory for `events.ndjson` and `anomalies.ndjson`. */
  directory: string;
  /** Size at which a file is rotated (`events.ndjson` → `events.1.ndjson` ...). */
  rotateBytes: number;
  /** Rotated files kept per stream; older ones are deleted. */
  keepFiles: number;
}

/** One append-only NDJSON file with size-based rotation. */
class RotatingFile {
  private stream: fs.WriteStream;
  private size: number;

  constructor(
    private readonly file: string,
    private readonly rotateBytes: number,
    private readonly keepFiles: number,
  ) {
    this.size = fileSize(file);
    this.stream = fs.createWriteStream(file, { flags: 'a' });
  }

  async write(text: string): Promise<void> {
    if (this.size > 0 && this.size + text.length > this.rotateBytes) await this.rotate();
    this.size += Buffer.byteLength(text);
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
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
    this.stream = fs.createWriteStream(this.file, { flags: 'a' });
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
    this.anomalies = new RotatingFile(
      path.join(options.directory, 'anomalies.ndjson'),
      options.rotateBytes,
      options.keepFiles,
    );
  }

  async write(events: readonly EcsEvent[]): Promise<void> {
    let all = '';
    let anomalous = '';
    for (const event of events) {
      const line = JSON.stringify(event) + '\n';
      all += line;
      if (isAnomalous(event)) anomalous += line;
    }
    await this.events.write(all);
    if (anomalous !== '') await this.anomalies.write(anomalous);
  }

  async close(): Promise<void> {
    await Promise.all([this.events.close(), this.anomalies.close()]);
  }
}
