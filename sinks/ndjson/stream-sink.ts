import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { EcsEvent } from '../../collector/ecs/event.js';
import type { EventSink } from '../sink.js';

/** One JSON event per line on a stream (standard output for `siemad analyze --format ndjson`). */
export class StreamNdjsonSink implements EventSink {
  readonly name = 'ndjson-stream';

  constructor(private readonly out: Writable) {}

  async write(events: readonly EcsEvent[]): Promise<void> {
    let text = '';
    for (const event of events) text += JSON.stringify(event) + '\n';
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    // Standard output is not ours to end; just let what is queued go out.
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }
}
