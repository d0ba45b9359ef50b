import fs from 'node:fs';
import { StreamFramer } from './framing.js';
import { newConnectionId, type RawMessage } from './raw-message.js';

export interface LineSourceOptions {
  maxMessageBytes: number;
  /** Messages per yielded batch. */
  batchSize: number;
}

/**
 * Reads log lines from files (or standard input for `-`/no files) as RawMessages, in batches,
 * in input order: one message per line, empty lines included, CR before LF removed. Reading is
 * pulled by the consumer, so a slow pipeline slows the reading instead of buffering the file.
 */
export async function* readLineBatches(files: readonly string[], options: LineSourceOptions): AsyncGenerator<RawMessage[]> {
  const inputs = files.length === 0 ? ['-'] : files;
  for (const file of inputs) {
    const stdin = file === '-';
    const stream = stdin ? process.stdin : fs.createReadStream(file, { highWaterMark: 256 * 1024 });
    const connectionId = newConnectionId();
    let seq = 0;
    let receivedAt = Date.now();
    let pending: RawMessage[] = [];
    const framer = new StreamFramer(
      (text, truncated, size) => {
        pending.push({
          text,
          transport: stdin ? 'stdin' : 'file',
          peerAddress: stdin ? '' : file,
          peerPort: 0,
          receivedAt,
          connectionId,
          seq: seq++,
          truncated,
          size,
        });
      },
      { maxMessageBytes: options.maxMessageBytes, octetCounting: false },
    );
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      receivedAt = Date.now();
      framer.push(chunk);
      while (pending.length >= options.batchSize) {
        yield pending.splice(0, options.batchSize);
      }
    }
    framer.end();
    if (pending.length > 0) yield pending;
    pending = [];
  }
}
