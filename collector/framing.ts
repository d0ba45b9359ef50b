/**
 * Splits a syslog byte stream (TCP, TLS, a file) into messages, RFC 6587 style, detecting the
 * framing frame by frame so rsyslog `omfwd` (octet-counted), syslog-ng and network gear (LF
 * terminated) can share one port:
 *  - a frame starting with a non-zero digit run (at most 9 digits) followed by a space is
 *    octet-counted: `LEN SP MSG`, MSG being exactly LEN bytes (an LF at its end, as rsyslog's
 *    RSYSLOG_SyslogProtocol23Format writes, is part of MSG and removed from the text);
 *  - anything else is non-transparent: the message ends at the next LF (a CR before it is dropped).
 * LF, CR and NUL between frames are skipped. Without octet counting (files) every LF ends a line,
 * and an empty line is an (empty) message, so line numbers stay aligned with the input.
 *
 * Bounds: at most `maxMessageBytes` bytes of a message are kept; the rest of a longer frame is read
 * and discarded, so the stream stays in sync, and the message is emitted with `truncated = true`.
 * A declared length beyond `maxDeclaredBytes` (16 × the message limit, at least 1 MiB) is honoured
 * when the frame is well formed — the count is followed by a space and a syslog `<PRI>` — up to
 * MAX_HONOURED_BYTES: the excess is read and discarded like any long message's and the stream
 * stays in sync. Otherwise it is not a plausible octet count (garbage, or a prefix meant to
 * swallow the stream): like rsyslog, that frame is read as LF-terminated instead and counted as a
 * framing error. Memory per framer is one buffer of `maxMessageBytes`.
 */

export type FrameHandler = (text: string, truncated: boolean, size: number) => void;

export interface FramerOptions {
  maxMessageBytes: number;
  /** Whether octet counting is detected (streams) or every message is a line (files). */
  octetCounting: boolean;
  /** Called once per frame whose octet count was implausible. */
  onFramingError?: () => void;
}

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;
const SPACE = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const MAX_LENGTH_DIGITS = 9;
/** The largest octet count honoured at all (a well-formed frame beyond maxDeclaredBytes). */
const MAX_HONOURED_BYTES = 256 * 1024 * 1024;

const enum State {
  Start,
  Length,
  /** A count beyond maxDeclaredBytes and its space were read: a `<` next makes it an octet frame. */
  LargeLength,
  OctetBody,
  LineBody,
}
const LESS_THAN = 0x3c;

export class StreamFramer {
  private readonly maxMessageBytes: number;
  private readonly maxDeclaredBytes: number;
  private readonly octetCounting: boolean;
  private readonly onFrame: FrameHandler;
  private readonly onFramingError: (() => void) | undefined;
  private readonly acc: Buffer;
  private accLength = 0;
  private state = State.Start;
  private declaredLength = 0;
  private lengthDigits = 0;
  private remaining = 0;
  /** Bytes of the current frame seen so far (beyond what is kept when truncating). */
  private frameSize = 0;

  constructor(onFrame: FrameHandler, options: FramerOptions) {
    this.onFrame = onFrame;
    this.maxMessageBytes = options.maxMessageBytes;
    this.maxDeclaredBytes = Math.max(options.maxMessageBytes * 16, 1 << 20);
    this.octetCounting = options.octetCounting;
    this.onFramingError = options.onFramingError;
    this.acc = Buffer.allocUnsafe(options.maxMessageBytes);
  }

  /** Bytes held for an unfinished frame (bounded by maxMessageBytes). */
  get pendingBytes(): number {
    return this.accLength;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Start: {
          const c = chunk[i]!;
          if (this.octetCounting && (c === LF || c === CR || c === NUL)) {
            i++;
            break;
          }
          this.accLength = 0;
          this.frameSize = 0;
          if (this.octetCounting && c > DIGIT_0 && c <= DIGIT_9) {
            this.state = State.Length;
            this.declaredLength = 0;
            this.lengthDigits = 0;
          } else {
            this.state = State.LineBody;
          }
          break;
        }
        case State.Length: {
          const c = chunk[i]!;
          if (c >= DIGIT_0 && c <= DIGIT_9 && this.lengthDigits < MAX_LENGTH_DIGITS) {
            this.declaredLength = this.declaredLength * 10 + (c - DIGIT_0);
            this.lengthDigits++;
            this.keep(chunk, i, i + 1);
            i++;
          } else if (c === SPACE && this.declaredLength <= this.maxDeclaredBytes) {
            i++;
            this.startOctetBody();
          } else if (c === SPACE && this.declaredLength <= MAX_HONOURED_BYTES) {
            this.keep(chunk, i, i + 1);
            i++;
            this.state = State.LargeLength;
          } else {
            // Not an octet count after all: the digits start an LF-terminated message.
            if (c === SPACE || this.lengthDigits === MAX_LENGTH_DIGITS) this.onFramingError?.();
            this.frameSize = this.accLength;
            this.state = State.LineBody;
          }
          break;
        }
        case State.LargeLength: {
          if (chunk[i] === LESS_THAN) {
            this.startOctetBody();
          } else {
            this.onFramingError?.();
            this.frameSize = this.accLength;
            this.state = State.LineBody;
          }
          break;
        }
        case State.OctetBody: {
          const take = Math.min(this.remaining, n - i);
          if (this.accLength === 0 && take === this.remaining && take <= this.maxMessageBytes) {
            // Whole frame inside this chunk: decode straight from it, no copy.
            this.state = State.Start;
            this.emitFrom(chunk, i, i + take, false, this.frameSize);
          } else {
            this.keep(chunk, i, i + take);
            this.remaining -= take;
            if (this.remaining === 0) {
              this.state = State.Start;
              this.emitFrom(this.acc, 0, this.accLength, this.frameSize > this.maxMessageBytes, this.frameSize);
            }
          }
          i += take;
          break;
        }
        case State.LineBody: {
          const lf = chunk.indexOf(LF, i);
          const end = lf < 0 ? n : lf;
          if (lf >= 0 && this.accLength === 0 && this.frameSize === 0 && end - i <= this.maxMessageBytes) {
            this.state = State.Start;
            this.emitFrom(chunk, i, end, false, end - i);
          } else {
            this.frameSize += end - i;
            this.keep(chunk, i, end);
            if (lf >= 0) {
              this.state = State.Start;
              this.emitFrom(this.acc, 0, this.accLength, this.frameSize > this.maxMessageBytes, this.frameSize);
            }
          }
          i = lf < 0 ? n : lf + 1;
          break;
        }
      }
    }
  }

  private startOctetBody(): void {
    this.accLength = 0;
    this.frameSize = this.declaredLength;
    this.remaining = this.declaredLength;
    this.state = State.OctetBody;
  }

  /** End of stream: a partial line is still a message; a partial octet frame is emitted truncated. */
  end(): void {
    if (this.state === State.LineBody || this.state === State.Length || this.state === State.LargeLength) {
      if (this.state !== State.LineBody) this.frameSize = this.accLength;
      this.state = State.Start;
      if (this.accLength > 0) {
        this.emitFrom(this.acc, 0, this.accLength, this.frameSize > this.maxMessageBytes, this.frameSize);
      }
    } else if (this.state === State.OctetBody) {
      this.state = State.Start;
      this.emitFrom(this.acc, 0, this.accLength, true, this.frameSize - this.remaining);
    }
    this.accLength = 0;
  }

  /** Copies bytes into the message buffer, up to the size limit; the rest is dropped. */
  private keep(source: Buffer, start: number, end: number): void {
    const room = this.maxMessageBytes - this.accLength;
    if (room <= 0) return;
    const stop = Math.min(end, start + room);
    if (stop > start) {
      source.copy(this.acc, this.accLength, start, stop);
      this.accLength += stop - start;
    }
  }

  private emitFrom(source: Buffer, start: number, end: number, truncated: boolean, size: number): void {
    let stop = end;
    while (stop > start) {
      const c = source[stop - 1];
      if (c !== LF && c !== CR && c !== NUL) break;
      stop--;
    }
    const text = source.toString('utf8', start, stop);
    this.accLength = 0;
    this.onFrame(text, truncated, size);
  }
}

/**
 * A datagram is one message. `logger --octet-count` adds a length prefix even over UDP; a leading
 * `LEN SP` whose LEN matches the rest of the datagram is removed.
 */
export function datagramText(datagram: Buffer, maxMessageBytes: number): { text: string; truncated: boolean } {
  let start = 0;
  const n = datagram.length;
  if (n > 0 && datagram[0]! > DIGIT_0 && datagram[0]! <= DIGIT_9) {
    let i = 0;
    let len = 0;
    while (i < n && i < MAX_LENGTH_DIGITS && datagram[i]! >= DIGIT_0 && datagram[i]! <= DIGIT_9) {
      len = len * 10 + (datagram[i]! - DIGIT_0);
      i++;
    }
    if (i < n && datagram[i] === SPACE && len === n - i - 1) start = i + 1;
  }
  let end = n;
  while (end > start) {
    const c = datagram[end - 1];
    if (c !== LF && c !== CR && c !== NUL) break;
    end--;
  }
  const truncated = end - start > maxMessageBytes;
  if (truncated) end = start + maxMessageBytes;
  return { text: datagram.toString('utf8', start, end), truncated };
}
