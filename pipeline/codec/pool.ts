import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { EcsEvent } from '../../collector/ecs/event.js';
import type { RawMessage } from '../../collector/raw-message.js';
import type { EncodedBatch, SinkEncoding } from '../../sinks/encode.js';
import { enrichmentOf } from './enrichment.js';
import { packRaws, type CodecReply, type CodecRequest, type CodecWorkerData } from './protocol.js';

interface Waiter {
  resolve: (encoded: EncodedBatch) => void;
  reject: (err: Error) => void;
}

/** One codec thread and the requests it has not answered. */
class CodecThread {
  private worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private closing = false;

  constructor(
    private readonly data: CodecWorkerData,
    private readonly logger: Logger,
  ) {
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: this.data,
    });
    worker.on('message', (reply: CodecReply) => {
      const waiter = this.waiting.get(reply.id);
      if (waiter === undefined) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      if ('failed' in reply) waiter.reject(new Error(`codec thread: ${reply.failed}`));
      else waiter.resolve(reply.encoded);
    });
    // A thread that dies fails its batches (the pipeline encodes them on the scoring thread); a new one takes its place.
    const failed = (err: Error): void => {
      for (const waiter of this.waiting.values()) waiter.reject(err);
      this.waiting.clear();
      if (this.closing || this.worker !== worker) return;
      this.logger.error({ err: err.message }, 'codec thread stopped; starting another');
      this.worker = this.spawn();
    };
    worker.on('error', failed);
    worker.on('exit', (code) => failed(new Error(`codec thread exited (${code})`)));
    // An idle codec thread must not keep the process alive (a start-up that fails exits at once).
    // After the listeners: adding a 'message' listener refs the thread again.
    worker.unref();
    return worker;
  }

  get pending(): number {
    return this.waiting.size;
  }

  request(request: CodecRequest): Promise<EncodedBatch> {
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      if (this.waiting.size === 1) this.worker.ref();
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

/** The codec threads of `--workers N` (protocol.ts); each batch goes to the least busy one. */
export class CodecPool {
  private readonly threads: CodecThread[];
  private nextId = 1;

  constructor(size: number, data: CodecWorkerData, logger: Logger) {
    this.threads = Array.from({ length: size }, () => new CodecThread(data, logger));
  }

  /** The codec threads of `--workers n`: none for 1 (everything on the scoring thread). */
  static forWorkers(workers: number, data: CodecWorkerData, logger: Logger): CodecPool | undefined {
    return workers > 1 ? new CodecPool(workers - 1, data, logger) : undefined;
  }

  get size(): number {
    return this.threads.length;
  }

  /**
   * The scored batch encoded as `encoding` says: `events` are the batch's events as scored here,
   * `raws` the raw messages they were decoded from, one each, in order.
   */
  encode(raws: readonly RawMessage[], events: readonly EcsEvent[], encoding: SinkEncoding): Promise<EncodedBatch> {
    let thread = this.threads[0]!;
    for (const candidate of this.threads) if (candidate.pending < thread.pending) thread = candidate;
    return thread.request({ id: this.nextId++, raws: packRaws(raws), enrichment: enrichmentOf(events), encoding });
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}
