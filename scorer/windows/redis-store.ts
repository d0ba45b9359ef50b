/**
 * Window state in Redis, so several collectors share it. Same semantics as the memory store
 * (window-math.ts); each batch is ONE EVALSHA of redis-script.ts, which applies the operations in
 * order and atomically (a batch over MAX_OPS_PER_CALL operations or MAX_BYTES_PER_CALL bytes is
 * split into calls that are each atomic, sent one after the other).
 *
 * Keys (P = keyPrefix + `w<WINDOW_LAYOUT>:`, S = slot number, E = entity bytes, always last so any entity is safe):
 * - `P c S:E` count series: one HASH per (slot, entity) holding every window's slices, field
 *   `slice * 4 + window index` → sum of amounts. One hash rather than one per window: the script
 *   reads (HGETALL) and writes (HSET, HDEL of slices 12+ behind the newest, EXPIRE) each key once
 *   per batch, so fewer keys means fewer calls.
 * - `P d S:E` distinct series: a ZSET member → last second while it has at most EXACT_MEMBERS
 *   members (older ones than every window are pruned first); then it holds only the member
 *   `~sketch` at score -inf and a few numbers about the unions below, and the members go to
 *   `P h S:W:SLICE:E`, one HyperLogLog per (window, slice); the count is the estimate of the union
 *   of the window's 6 slices, kept merged in `P u S:W:E` until the window moves to a new slice.
 * - `P s S:E` seen: a string holding the last second marked; seen = it is within the slot's horizon.
 * - `P p S:E` profile: a HASH of bin → count, plus `n` = total.
 * Every key is given an expiry on each write: the slot's longest window (sketch slices: their
 * window; seen and profiles: the horizon) plus EXPIRY_MARGIN_S. Expiry counts wall-clock seconds
 * while windows are in event time, so state of a collector replaying old logs faster than real
 * time may outlive its window (harmless, it is out of every window) and state whose event time
 * lags the wall clock by more than the margin may expire early.
 *
 * Redis Cluster is not supported: one script call touches the keys of many entities, which a
 * cluster would spread over slots and nodes. Use one Redis (with replicas/Sentinel for failover).
 * Needs Redis 6.2 or later (SET … GET).
 *
 * Counts are integers here: amounts are rounded (the memory store would keep fractions).
 *
 * Atomic means no other client's command runs in between. Redis does not roll a script back: if
 * one fails midway (only possible when foreign data of another type sits under our prefix, or
 * Redis hits maxmemory), part of its batch may be applied; the batch's promise rejects.
 */
import { Redis } from 'ioredis';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import { OpCode, RESULTS_PER_OP, SLOTS, WINDOW_LAYOUT, type OpBatch, type SlotSpec, type WindowStore } from './ops.js';
import { resultsPerOp, windowScript } from './redis-script.js';
import { toSecond } from './window-math.js';

export interface RedisWindowStoreOptions {
  /** redis://[user:password@]host:port[/db] or rediss:// for TLS. */
  url: string;
  /** Prefix of every key this store writes (default `siemad:`). */
  keyPrefix?: string;
  /** How long to wait for the connection before giving up (default 2000 ms). */
  connectTimeoutMs?: number;
  /** How long one batch may wait for its reply (default 10000 ms); a batch that timed out may still have been applied. */
  commandTimeoutMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'siemad:';
const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;
const URL_SETTING = '--redis-url';

/** Entities and members are cut to this many UTF-8 bytes (longer ones are not real identifiers). */
export const MAX_FIELD_BYTES = 1024;
const OP_HEADER_BYTES = 1 + 4 + 4;
const MAX_OP_BYTES = OP_HEADER_BYTES + 2 * (2 + MAX_FIELD_BYTES);
/** Bounds one script call: its run time blocks Redis, its size the query buffer. */
export const MAX_OPS_PER_CALL = 4096;
export const MAX_BYTES_PER_CALL = 1 << 20;
const INITIAL_BUFFER_BYTES = 64 * 1024;
/** Encoding buffers kept for reuse (one is in use per batch in flight). */
const MAX_POOLED_BUFFERS = 8;
const MAX_U32 = 0xffff_ffff;
const MAX_I32 = 0x7fff_ffff;

const SLOT_RESULTS: readonly number[] = SLOTS.map((_, slot) => resultsPerOp(slot));
const SLOT_BINS: readonly number[] = SLOTS.map((spec: SlotSpec) => spec.bins ?? 1);
const MIN_REDIS_VERSION = [6, 2] as const;

export class RedisWindowStore implements WindowStore {
  readonly name = 'redis';
  private readonly buffers: Buffer[] = [];

  private constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
    private readonly sha: string,
  ) {}

  /** ioredis reconnects on its own; until it has, batches fail with SIEMAD_REDIS_UNAVAILABLE. */
  connected(): boolean {
    return this.client.status === 'ready';
  }

  /**
   * Connects, checks the server and loads the script. Throws SiemadError CONFIG_INVALID for a URL
   * that is not redis:// or rediss://, REDIS_UNAVAILABLE when the server cannot be used.
   */
  static async connect(options: RedisWindowStoreOptions): Promise<RedisWindowStore> {
    const where = checkedAddress(options.url);
    const keyPrefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}w${WINDOW_LAYOUT}:`;
    const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    let ready = false;
    const client = new Redis(options.url, {
      lazyConnect: true,
      connectTimeout: connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      // A batch must not wait unboundedly in memory for a lost connection, nor be applied twice
      // by a resend after a reconnect: it fails, and the caller decides.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // Fail fast at start; once running, reconnect with a capped backoff.
      retryStrategy: (times) => (ready ? Math.min(100 * times, 2_000) : null),
    });
    // Errors reach callers through rejected commands; without a listener ioredis would throw them.
    // The last one explains a failed connect better than ioredis' "Connection is closed".
    let lastError: unknown;
    client.on('error', (error: unknown) => {
      lastError = error;
    });
    try {
      await withTimeout(client.connect(), connectTimeoutMs + 500, `no connection within ${connectTimeoutMs} ms`);
      const version = /redis_version:(\d+)\.(\d+)/.exec(String(await client.info('server')));
      const [major, minor] = [Number(version?.[1] ?? 0), Number(version?.[2] ?? 0)];
      if (major < MIN_REDIS_VERSION[0] || (major === MIN_REDIS_VERSION[0] && minor < MIN_REDIS_VERSION[1])) {
        throw new Error(`Redis ${MIN_REDIS_VERSION.join('.')} or later is needed, found ${major}.${minor}`);
      }
      const sha = String(await client.script('LOAD', windowScript()));
      ready = true;
      return new RedisWindowStore(client, keyPrefix, sha);
    } catch (error) {
      client.disconnect();
      const reason = lastError ?? error;
      throw new SiemadError(ERROR_CODES.REDIS_UNAVAILABLE, `Redis at ${where} unavailable: ${messageOf(reason)}`, URL_SETTING, {
        cause: reason,
      });
    }
  }

  execute(batch: OpBatch): Promise<void> {
    return this.apply(batch, false);
  }

  /** What execute would answer for each operation alone, from the stored state; writes nothing (dry runs). */
  probe(batch: OpBatch): Promise<void> {
    return this.apply(batch, true);
  }

  private async apply(batch: OpBatch, probing: boolean): Promise<void> {
    batch.results.fill(0, 0, batch.size * RESULTS_PER_OP);
    let buffer = this.buffers.pop() ?? Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
    try {
      for (let start = 0; start < batch.size; ) {
        let end = start;
        let length = 0;
        let sent = 0;
        while (end < batch.size && end - start < MAX_OPS_PER_CALL && length < MAX_BYTES_PER_CALL) {
          if (length + MAX_OP_BYTES > buffer.length) buffer = grown(buffer, length);
          if (batch.slots[end]! < SLOTS.length) {
            length = encodeOp(batch, end, buffer, length);
            sent++;
          }
          end++;
        }
        if (sent > 0) readResults(batch, start, end, await this.run(buffer.subarray(0, length), sent, probing));
        start = end;
      }
    } finally {
      if (this.buffers.length < MAX_POOLED_BUFFERS) this.buffers.push(buffer);
    }
  }

  /** Not counted: the state lives in Redis and expires there (see INFO keyspace). Always 0. */
  stats(): { entities: number } {
    return { entities: 0 };
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async run(payload: Buffer, opCount: number, probing: boolean): Promise<unknown> {
    const probe = probing ? '1' : '0';
    try {
      return await this.client.evalsha(this.sha, 0, this.keyPrefix, payload, opCount, probe);
    } catch (error) {
      if (!messageOf(error).startsWith('NOSCRIPT')) throw storeError(error);
    }
    // The server lost its script cache (restart, failover, SCRIPT FLUSH): EVAL sends the source
    // and caches it again under the same SHA. (Batches already in flight then retry in the order
    // their errors arrive, so one sent meanwhile may overtake them: rare, and each stays atomic.)
    try {
      return await this.client.eval(windowScript(), 0, this.keyPrefix, payload, opCount, probe);
    } catch (error) {
      throw storeError(error);
    }
  }
}

/** Appends operation `i` at `offset`; returns the new end. See redis-script.ts for the layout. */
function encodeOp(batch: OpBatch, i: number, buffer: Buffer, offset: number): number {
  const slot = batch.slots[i]!;
  const second = toSecond(batch.times[i]!);
  const raw = batch.amounts[i]!;
  let amount = 0;
  switch ((SLOTS[slot] as SlotSpec).code) {
    case OpCode.Count:
      amount = clamp(Math.round(raw), -MAX_I32, MAX_I32);
      break;
    case OpCode.Seen:
      amount = raw !== 0 ? 1 : 0;
      break;
    case OpCode.Profile:
      amount = clamp(Math.floor(raw), 0, SLOT_BINS[slot]! - 1);
      break;
  }
  buffer[offset] = slot;
  buffer.writeUInt32BE(clamp(second, 0, MAX_U32), offset + 1);
  buffer.writeInt32BE(amount, offset + 5);
  offset += OP_HEADER_BYTES;
  offset = writeField(buffer, offset, batch.entities[i] ?? '');
  const member = (SLOTS[slot] as SlotSpec).code === OpCode.Distinct ? (batch.members[i] ?? '') : '';
  return writeField(buffer, offset, member);
}

function writeField(buffer: Buffer, offset: number, text: string): number {
  const written = text.length === 0 ? 0 : buffer.write(text, offset + 2, MAX_FIELD_BYTES, 'utf8');
  buffer.writeUInt16BE(written, offset);
  return offset + 2 + written;
}

/** Copies the script's flat results into `batch.results` for operations [start, end). */
function readResults(batch: OpBatch, start: number, end: number, reply: unknown): void {
  if (!Array.isArray(reply)) throw storeError(new Error('the window script returned no result list'));
  const results = batch.results;
  let next = 0;
  for (let i = start; i < end; i++) {
    const slot = batch.slots[i]!;
    if (slot >= SLOTS.length) continue;
    const offset = i * RESULTS_PER_OP;
    for (let k = 0; k < SLOT_RESULTS[slot]!; k++) {
      const value: unknown = reply[next++];
      results[offset + k] = typeof value === 'number' ? value : 0;
    }
  }
  if (next !== reply.length) throw storeError(new Error(`the window script returned ${reply.length} results, expected ${next}`));
}

function grown(buffer: Buffer, used: number): Buffer {
  const larger = Buffer.allocUnsafe(Math.max(buffer.length * 2, used + MAX_OP_BYTES));
  buffer.copy(larger, 0, 0, used);
  return larger;
}

function clamp(value: number, min: number, max: number): number {
  return value >= min ? Math.min(value, max) : min; // NaN → min
}

function storeError(error: unknown): SiemadError {
  if (error instanceof SiemadError) return error;
  return new SiemadError(ERROR_CODES.REDIS_UNAVAILABLE, `Redis window store: ${messageOf(error)}`, URL_SETTING, { cause: error });
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] || (error instanceof Error ? error.name : 'unknown error');
}

/** host:port of a redis:// or rediss:// URL (no credentials, for messages); SiemadError otherwise. */
function checkedAddress(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    // reported below, without echoing a URL that may hold a password
  }
  if (parsed === undefined || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') || parsed.hostname === '') {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, `${URL_SETTING} must look like redis://host:6379/0 or rediss://…`, URL_SETTING);
  }
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  promise.catch(() => {}); // a late rejection after the timeout is already reported
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
