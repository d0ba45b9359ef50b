import type { EcsEvent } from '../ecs/event.js';
import type { SyslogMessage } from '../syslog/message.js';

/**
 * A decoder reads the body of one message and fills ECS fields of `event`. It returns true when it
 * recognised the body (set `event.action` and friends), false to let the next decoder try.
 * Decoders never throw and never keep references to `event` after returning.
 */
export type Decoder = (body: string, event: EcsEvent, msg: SyslogMessage) => boolean;
