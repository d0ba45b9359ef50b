/**
 * PRI value -> facility and severity, as ECS `log.syslog.facility` / `log.syslog.severity` want them.
 *
 * Names: severities are the keywords rsyslog and syslog.conf use (emerg, alert, crit, err, warning,
 * notice, info, debug). Facilities 0-11 and 16-23 are the usual syslog.conf keywords; 12-15 have no
 * keyword in glibc, so they carry the names of RFC 5424's descriptions as syslog-ng spells them:
 * 12 ntp, 13 security ("log audit"), 14 console ("log alert"), 15 solaris-cron ("clock daemon").
 */

export interface PriorityParts {
  facilityCode: number;
  facilityName: string;
  severityCode: number;
  severityName: string;
}

export const FACILITY_NAMES: readonly string[] = Object.freeze([
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
]);

export const SEVERITY_NAMES: readonly string[] = Object.freeze(['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']);

/** Highest valid PRI: facility 23 (local7), severity 7 (debug). */
export const MAX_PRIORITY = 191;

// One frozen object per PRI, built once, so the hot path never allocates.
const PARTS_BY_PRIORITY: readonly PriorityParts[] = Object.freeze(
  Array.from({ length: MAX_PRIORITY + 1 }, (_, priority) => {
    const facilityCode = priority >> 3;
    const severityCode = priority & 7;
    return Object.freeze({
      facilityCode,
      facilityName: FACILITY_NAMES[facilityCode] as string,
      severityCode,
      severityName: SEVERITY_NAMES[severityCode] as string,
    });
  }),
);

/** Facility and severity of a PRI value; undefined unless `pri` is an integer 0..191. */
export function priorityParts(pri: number): PriorityParts | undefined {
  return Number.isInteger(pri) ? PARTS_BY_PRIORITY[pri] : undefined;
}
