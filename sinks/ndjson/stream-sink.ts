import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EcsEvent } from '../../collector/ecs/event.js';
import { encodeFor, type EncodedBatch } from '../encode.js';
import type { EventSink } from '../sink.js';

/** One JSON event per line on a stream (standard output for `siemad analyze --format ndjson`). */
export class StreamNdjsonSink implements EventSink {
  readonly name = 'ndjson-stream';

  constructor(private readonly out: Writable) {}

  readonly encoding = 'ndjson';

  write(events: readonly EcsEvent[]): Promise<void> {
    return this.writeEncoded(events, encodeFor('ndjson', events));
  }

  async writeEncoded(_events: readonly EcsEvent[], encoded: EncodedBatch): Promise<void> {
    if (encoded.ndjson !== undefined && !this.out.write(encoded.ndjson)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    // Standard output is not ours to end; just let what is queued go out.
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }
}
