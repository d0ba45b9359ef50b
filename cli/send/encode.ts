import { parseSyslog } from '../../collector/syslog/parse.js';
import type { ParseOptions } from '../../collector/syslog/message.js';

export type SendFormat = 'raw' | 'rfc3164' | 'rfc5424';
export type SendFraming = 'octet-counting' | 'lf';

export interface EncodeOptions {
  format: SendFormat;
  /** PRI for lines that carry none (facility * 8 + severity). */
  priority: number;
  /** Defaults for lines without a syslog header. */
  hostname: string;
  appName: string;
  timeZone: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Re-encodes one log line as a syslog message. A line that already has a syslog header (a line of
 * /var/log/auth.log, say) keeps its timestamp, host, tag and pid in the new format; any other line
 * becomes the MSG of a message stamped now with `--hostname`/`--app-name`. `raw` sends the line as is.
 */
export class SyslogEncoder {
  private readonly parseOptions: ParseOptions;

  constructor(private readonly options: EncodeOptions) {
    this.parseOptions = { timeZone: options.timeZone, now: Date.now() };
  }

  encode(line: string): string {
    const { format } = this.options;
    if (format === 'raw') return line;
    this.parseOptions.now = Date.now();
    const parsed = parseSyslog(line, this.parseOptions);
    const headerless = parsed.format === 'plain' || parsed.format === 'invalid';
    const priority = parsed.priority ?? this.options.priority;
    const time = headerless || parsed.timestamp === undefined ? Date.now() : parsed.timestamp;
    const hostname = (headerless ? undefined : parsed.hostname) ?? this.options.hostname;
    const appName = (headerless ? undefined : parsed.appName) ?? this.options.appName;
    const procId = headerless ? undefined : parsed.procId;
    const message = headerless ? line : parsed.message;
    if (format === 'rfc5424') {
      return `<${priority}>1 ${new Date(time).toISOString()} ${hostname} ${appName} ${procId ?? '-'} - - ${message}`;
    }
    const d = new Date(time);
    const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
    const tag = procId !== undefined ? `${appName}[${procId}]` : appName;
    return `<${priority}>${stamp} ${hostname} ${tag}: ${message}`;
  }
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Adds the stream framing: `LEN SP MSG` (RFC 6587 octet counting) or `MSG LF`. */
export function frame(message: string, framing: SendFraming): string {
  return framing === 'octet-counting' ? `${Buffer.byteLength(message)} ${message}` : `${message}\n`;
}
