/**
 * Window state is read and written through batches of operations, so one interface serves the
 * in-memory store (executes them in a loop) and the Redis store (one atomic script call per
 * batch). Operations run in order and each sees the effect of the ones before it, so features of
 * event k include events 0..k of the batch — the same as processing events one by one.
 *
 * A batch is struct-of-arrays and reused between batches: no object per operation.
 */

export const enum OpCode {
  /** Add `amount` (0 = just read) at `time` to a counter series; results: count in each window. */
  Count = 1,
  /** Add `member` at `time` to a distinct-value series; results: distinct members in each window. */
  Distinct = 2,
  /**
   * Was `entity` seen within the slot's horizon? result[0]: 1 or 0. With amount 1 it is also marked
   * as seen at `time`; with amount 0 it is only looked up.
   */
  Seen = 3,
  /** Add 1 to histogram bin `amount` of a profile; results: [bin count before, total before]. */
  Profile = 4,
}

/** How a slot keeps its state. Windows in ms, at most 3 per slot. */
export interface SlotSpec {
  readonly name: string;
  readonly code: OpCode;
  readonly windows: readonly number[];
  /** Seen: how long a member is remembered. Profile: how long an idle profile is kept. */
  readonly horizon?: number;
  /** Profile: number of bins. */
  readonly bins?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Every piece of window state, by slot number. The number is part of the store keys: a change of
 * numbers or windows must bump WINDOW_LAYOUT, so a Redis holding an earlier layout's state is not
 * misread (its keys are left to expire).
 */
export const WINDOW_LAYOUT = 3;

export const SLOTS = [
  { name: 'auth_fail_by_ip', code: OpCode.Count, windows: [MINUTE, 10 * MINUTE, HOUR] },
  { name: 'users_tried_by_ip', code: OpCode.Distinct, windows: [HOUR, DAY] },
  { name: 'fail_ips_by_user', code: OpCode.Distinct, windows: [HOUR, DAY] },
  { name: 'ports_by_ip', code: OpCode.Distinct, windows: [MINUTE, 30 * MINUTE, 7 * DAY] },
  { name: 'hosts_by_ip', code: OpCode.Distinct, windows: [30 * MINUTE, DAY] },
  { name: 'web_error_paths_by_ip', code: OpCode.Distinct, windows: [10 * MINUTE, DAY] },
  { name: 'web_paths_by_ip', code: OpCode.Distinct, windows: [10 * MINUTE] },
  { name: 'sudo_fail_by_user', code: OpCode.Count, windows: [HOUR] },
  { name: 'seen_ip', code: OpCode.Seen, windows: [], horizon: 30 * DAY },
  { name: 'seen_user_ip', code: OpCode.Seen, windows: [], horizon: 90 * DAY },
  { name: 'seen_user_net', code: OpCode.Seen, windows: [], horizon: 90 * DAY },
  { name: 'hour_profile_by_user', code: OpCode.Profile, windows: [], horizon: 90 * DAY, bins: 24 },
  { name: 'hour_profile_by_host', code: OpCode.Profile, windows: [], horizon: 90 * DAY, bins: 24 },
  { name: 'seen_admin', code: OpCode.Seen, windows: [], horizon: 90 * DAY },
  { name: 'seen_login_net', code: OpCode.Seen, windows: [], horizon: 90 * DAY },
  { name: 'auth_fail_by_ip_day', code: OpCode.Count, windows: [DAY, 7 * DAY] },
  { name: 'probes_by_ip', code: OpCode.Count, windows: [DAY] },
  { name: 'web_login_fail_by_ip', code: OpCode.Count, windows: [HOUR] },
  { name: 'seen_user_country', code: OpCode.Seen, windows: [], horizon: 90 * DAY },
  { name: 'seen_user_asn', code: OpCode.Seen, windows: [], horizon: 90 * DAY },
  { name: 'logins_by_host_country', code: OpCode.Count, windows: [7 * DAY] },
  { name: 'geo_logins_by_host', code: OpCode.Count, windows: [7 * DAY] },
  { name: 'seen_user_travel', code: OpCode.Seen, windows: [], horizon: 90 * DAY },
] as const satisfies readonly SlotSpec[];

export type SlotName = (typeof SLOTS)[number]['name'];

export const SLOT: { readonly [K in SlotName]: number } = Object.fromEntries(SLOTS.map((spec, index) => [spec.name, index])) as {
  [K in SlotName]: number;
};

/** Results per operation. */
export const RESULTS_PER_OP = 3;

/** The longest window of any count/distinct slot: state idle longer than this (plus tolerance) can go. */
export const LONGEST_WINDOW = Math.max(...SLOTS.flatMap((spec) => spec.windows as readonly number[]));

export class OpBatch {
  size = 0;
  codes: Uint8Array;
  slots: Uint8Array;
  entities: string[];
  members: string[];
  times: Float64Array;
  amounts: Float64Array;
  results: Float64Array;

  constructor(private capacity = 4096) {
    this.codes = new Uint8Array(capacity);
    this.slots = new Uint8Array(capacity);
    this.entities = new Array<string>(capacity).fill('');
    this.members = new Array<string>(capacity).fill('');
    this.times = new Float64Array(capacity);
    this.amounts = new Float64Array(capacity);
    this.results = new Float64Array(capacity * RESULTS_PER_OP);
  }

  clear(): void {
    this.size = 0;
  }

  /** Appends an operation; returns its index (results at index * RESULTS_PER_OP). */
  add(slot: number, entity: string, member: string, time: number, amount: number): number {
    if (this.size === this.capacity) this.grow();
    const i = this.size++;
    this.codes[i] = SLOTS[slot]!.code;
    this.slots[i] = slot;
    this.entities[i] = entity;
    this.members[i] = member;
    this.times[i] = time;
    this.amounts[i] = amount;
    return i;
  }

  result(op: number, window: number): number {
    return this.results[op * RESULTS_PER_OP + window]!;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const codes = new Uint8Array(capacity);
    codes.set(this.codes);
    const slots = new Uint8Array(capacity);
    slots.set(this.slots);
    const times = new Float64Array(capacity);
    times.set(this.times);
    const amounts = new Float64Array(capacity);
    amounts.set(this.amounts);
    const results = new Float64Array(capacity * RESULTS_PER_OP);
    results.set(this.results);
    this.codes = codes;
    this.slots = slots;
    this.times = times;
    this.amounts = amounts;
    this.results = results;
    this.capacity = capacity;
  }
}

/** Window state shared by the scorer: executes a batch in order and fills `batch.results`. */
export interface WindowStore {
  readonly name: string;
  execute(batch: OpBatch): Promise<void> | void;
  /**
   * Fills `batch.results` as `execute` would if each operation were applied alone to the current
   * state, and changes nothing (dry runs). Operations of one probe do not see each other.
   * Stores that cannot answer without writing leave it out.
   */
  probe?(batch: OpBatch): Promise<void> | void;
  /** Entities tracked (approximate for Redis: keys in its namespace are not counted here). */
  stats(): { entities: number };
  /** False while a store on a server has lost its connection (readiness); in-process stores leave it out. */
  connected?(): boolean;
  close(): Promise<void>;
}
