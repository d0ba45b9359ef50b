import type { EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';

/** What decoders need besides the message: read-only, shared across calls. */
export interface DecodeOptions {
  /** Zone for body timestamps that carry no offset (Apache/nginx error logs): IANA name or UTC. */
  readonly timeZone: string;
}

/**
 * A decoder reads the body of one message and fills ECS fields of `event`. It returns true when it
 * recognised the body (set `event.action` and friends, or at least the dataset of a known format),
 * false to let the next decoder try. Decoders never throw and never keep references to `event`
 * after returning. `body` is usually `msg.message`, but the inner text for wrapped messages
 * (`message repeated N times: [ ... ]`).
 */
export type Decoder = (body: string, event: EcsEvent, msg: SyslogMessage, options: DecodeOptions) => boolean;
