/** How a message reached us. `file` and `stdin` are used by `siemad analyze` and `replay`, `http` by the API's analyze and batch. */
export type Transport = 'udp' | 'tcp' | 'tls' | 'file' | 'stdin' | 'http';

/**
 * One received message (a datagram, a stream frame or a file line) before parsing. Receivers create
 * exactly one of these per message and nothing else; the pipeline turns it into an ECS event.
 */
export interface RawMessage {
  /** The message as UTF-8 text, trailing CR/LF removed. */
  text: string;
  transport: Transport;
  /** Sender address (IP) for network transports; file path for `file`; empty for `stdin`. */
  peerAddress: string;
  peerPort: number;
  /** Receipt time, epoch ms. */
  receivedAt: number;
  /** Per-process unique id of the connection, socket or file the message came from. */
  connectionId: number;
  /** Sequence number of the message within its connection (from 0). */
  seq: number;
  /** True when the message was longer than the size limit and was cut. */
  truncated: boolean;
  /** Size on the wire in bytes (before truncation). */
  size: number;
  /**
   * Called once this message's event has been handed to the sink (for a durable sink: written to
   * its disk buffer). Stream receivers set it on the last message of each chunk they read and do
   * not read that connection again before it is called.
   */
  onWritten?: () => void;
}

let nextConnectionId = 1;
/** Connection ids only need to be unique within one process run; the receipt time disambiguates runs. */
export function newConnectionId(): number {
  return nextConnectionId++;
}
