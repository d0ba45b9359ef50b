/**
 * Times in query strings: an RFC 3339 date-time with its zone, or an age back from now (`30m`,
 * `24h`, `7d`), which is what an analyst types most. Checked by the `instant` format of the
 * schemas, converted by `parseInstant` in the handlers.
 */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const AGE = /^(\d{1,9})(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function isInstant(text: string): boolean {
  if (AGE.test(text)) return true;
  return RFC3339.test(text) && !Number.isNaN(Date.parse(text));
}

export function parseInstant(text: string, now = Date.now()): Date {
  const age = AGE.exec(text);
  if (age !== null) return new Date(now - Number(age[1]) * UNIT_MS[age[2]!]!);
  return new Date(text);
}
