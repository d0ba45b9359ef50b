/**
 * Which kind of log each line is, from its content alone (never from the file name): a web access
 * line (bare or behind a syslog header), a fail2ban line, a kernel packet-filter line, an
 * authentication line (sshd, PAM, sudo, su, cron, login managers, account tools), or other.
 * Written independently of siemad's parser and decoders, so that the ground truth does not
 * inherit their blind spots.
 */
import { isAuthProgram, type SyslogRecord } from './auth.js';
import { parseFail2ban, type Fail2banRecord } from './fail2ban.js';
import { parsePacket, type PacketRecord } from './firewall.js';
import { parseAccessLine, type AccessRecord } from './web.js';

export const LOG_TYPES = ['auth', 'web', 'firewall', 'fail2ban', 'other'] as const;
export type LogType = (typeof LOG_TYPES)[number];

/** One line of a file with its type and what its type's parser read; `index` is 0-based. */
export type TypedLine =
  | { index: number; type: 'auth'; record: SyslogRecord }
  | { index: number; type: 'web'; record: AccessRecord }
  | { index: number; type: 'firewall'; record: PacketRecord }
  | { index: number; type: 'fail2ban'; record: Fail2banRecord }
  | { index: number; type: 'other' };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `[<PRI>]TIMESTAMP HOST PROGRAM[PID]: MESSAGE`, TIMESTAMP either RFC 3164 or RFC 3339. */
const SYSLOG =
  /^(?:<\d{1,3}>)?(?:(?<mon>[A-Z][a-z]{2}) +(?<day>\d{1,2}) (?<clock>\d\d:\d\d:\d\d)|(?<iso>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)) (?<host>\S+) (?<program>[^\s[:]+)(?:\[(?<pid>\d+)\])?: ?(?<message>.*)$/;

/**
 * Reads the lines of one file in order. RFC 3164 timestamps carry no year: the first is put in
 * 2000 (a leap year, for Feb 29) and the year steps on when the month goes back by more than six.
 */
export class LogTypeReader {
  private year = 2000;
  private lastMonth = -1;

  read(line: string, index: number): TypedLine {
    const syslog = this.syslog(line);
    const body = syslog?.message ?? line;
    const access = parseAccessLine(body);
    if (access !== undefined) return { index, type: 'web', record: access };
    const fail2ban = parseFail2ban(body, syslog?.program);
    if (fail2ban !== undefined) return { index, type: 'fail2ban', record: fail2ban };
    if (syslog === undefined) return { index, type: 'other' };
    const packet = parsePacket(syslog.message);
    if (packet !== undefined) return { index, type: 'firewall', record: packet };
    if (isAuthProgram(syslog.program) || syslog.message.includes('pam_')) return { index, type: 'auth', record: syslog };
    return { index, type: 'other' };
  }

  private syslog(line: string): SyslogRecord | undefined {
    const groups = SYSLOG.exec(line)?.groups;
    if (groups === undefined) return undefined;
    let time: number;
    if (groups.iso !== undefined) {
      time = Date.parse(groups.iso) / 1000;
    } else {
      const month = MONTHS.indexOf(groups.mon ?? '');
      if (month < 0) return undefined;
      if (this.lastMonth >= 0 && month < this.lastMonth - 6) this.year++;
      this.lastMonth = month;
      const [h, m, s] = (groups.clock ?? '').split(':').map(Number);
      time = Date.UTC(this.year, month, Number(groups.day), h, m, s) / 1000;
    }
    return { time, host: groups.host ?? '', program: groups.program ?? '', pid: groups.pid, message: groups.message ?? '' };
  }
}

/** Every line of a file, typed. */
export function readLogTypes(lines: readonly string[]): TypedLine[] {
  const reader = new LogTypeReader();
  return lines.map((line, index) => reader.read(line, index));
}
