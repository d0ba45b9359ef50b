import type { EcsEvent } from '../../collector/ecs/event.js';
import { ACTIONS } from '../../collector/decoders/actions.js';

/**
 * One sshd authentication attempt is logged in several forms: `Failed password`, PAM's
 * `authentication failure` (once per connection, then `PAM N more authentication failures`),
 * `error: PAM: Authentication failure` (keyboard-interactive), `Invalid user`, `Disconnected from
 * authenticating user ... [preauth]`, `maximum authentication attempts exceeded`. Which forms
 * appear depends on the OpenSSH build and on `UsePAM`, so no single form can be counted.
 *
 * Per sshd connection (host + PID, checked against the source address) each form is counted on
 * its own; the connection's attempts are the largest of those counts, and a line adds to the
 * windows only what raises it. A line without an address (PAM's `rhost=` may be a host name)
 * leaves its attempts pending until a line of the same connection names the address.
 */
const enum Form {
  Failed,
  KeyboardInteractivePam,
  PamModule,
  InvalidUser,
  InvalidUserRequest,
  Disconnected,
  MaxAttempts,
  TooMany,
  UserUnknown,
  NotAllowed,
  PamRequirement,
  PamLocked,
  Other,
}
const FORMS = Form.Other + 1;

const FORM_OF_ACTION = new Map<string, Form>([
  [ACTIONS.sshLogin, Form.Failed],
  [ACTIONS.sshPamAuthenticationFailure, Form.KeyboardInteractivePam],
  [ACTIONS.pamAuthenticationFailure, Form.PamModule],
  [ACTIONS.pamMoreAuthenticationFailures, Form.PamModule],
  [ACTIONS.sshInvalidUser, Form.InvalidUser],
  [ACTIONS.sshInvalidUserRequest, Form.InvalidUserRequest],
  [ACTIONS.sshDisconnected, Form.Disconnected],
  [ACTIONS.sshConnectionClosed, Form.Disconnected],
  [ACTIONS.sshConnectionReset, Form.Disconnected],
  [ACTIONS.sshMaxAuthAttemptsExceeded, Form.MaxAttempts],
  [ACTIONS.sshTooManyAuthFailures, Form.TooMany],
  [ACTIONS.pamUserUnknown, Form.UserUnknown],
  [ACTIONS.sshUserNotAllowed, Form.NotAllowed],
  [ACTIONS.sshRootLoginRefused, Form.NotAllowed],
  [ACTIONS.pamRequirementNotMet, Form.PamRequirement],
  [ACTIONS.pamAccountLocked, Form.PamLocked],
]);

/** A connection whose last line is older than this (event time) is over; its PID may be reused. */
const CONNECTION_IDLE_MS = 10 * 60_000;
/** Connections remembered at most (oldest first out): bounds memory under any input. */
const MAX_CONNECTIONS = 65_536;

interface Connection {
  ip: string | undefined;
  lastTime: number;
  counts: Uint32Array;
  /** Attempts already added to the windows. */
  counted: number;
}

export function isSshProcess(event: EcsEvent): boolean {
  const name = event.process?.name;
  return name !== undefined && (name === 'sshd' || name.startsWith('sshd-') || name.startsWith('sshd:'));
}

export class AttemptCorrelator {
  private readonly connections = new Map<string, Connection>();
  /** The source address the last counted line of a connection named (for pending attempts). */
  lastIp: string | undefined;

  /**
   * Attempts this failure line adds to the windows (0 for a form that repeats an attempt already
   * counted). Lines of other programs, or without a PID, count as `event.count` attempts.
   * Sets `lastIp` to the address the attempts belong to (the line's own, or the connection's).
   */
  newAttempts(event: EcsEvent, time: number): number {
    const amount = event.event.count ?? 1;
    const ip = event.source?.ip;
    this.lastIp = ip;
    const pid = event.process?.pid;
    if (pid === undefined || !isSshProcess(event)) return amount;
    const form = FORM_OF_ACTION.get(event.event.action ?? '') ?? Form.Other;
    const key = `${event.host?.hostname ?? ''}|${pid}`;
    let connection = this.connections.get(key);
    if (
      connection !== undefined &&
      (time - connection.lastTime > CONNECTION_IDLE_MS || (ip !== undefined && connection.ip !== undefined && ip !== connection.ip))
    ) {
      this.connections.delete(key);
      connection = undefined;
    }
    if (connection === undefined) {
      if (this.connections.size >= MAX_CONNECTIONS) this.connections.delete(this.connections.keys().next().value!);
      connection = { ip, lastTime: time, counts: new Uint32Array(FORMS), counted: 0 };
      this.connections.set(key, connection);
    }
    connection.lastTime = time;
    if (ip !== undefined) connection.ip = ip;
    if (event.event.action === ACTIONS.pamMoreAuthenticationFailures) {
      // "PAM N more authentication failures": N on top of the first, which PAM logged itself.
      connection.counts[form] = Math.max(connection.counts[form]!, amount + 1);
    } else {
      connection.counts[form]! += amount;
    }
    if (connection.ip === undefined) return 0;
    this.lastIp = connection.ip;
    let attempts = 0;
    for (let f = 0; f < FORMS; f++) if (connection.counts[f]! > attempts) attempts = connection.counts[f]!;
    const added = attempts - connection.counted;
    connection.counted = attempts;
    return added;
  }
}
