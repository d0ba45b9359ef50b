import fs from 'node:fs';

/**
 * The ASN database of `@ip-location-db/asn` (RouteViews, the five RIRs and DB-IP's IP-to-ASN Lite,
 * CC BY 4.0): inclusive address ranges in CSV, `start,end,number,"organisation"`, IPv4 as numbers
 * (`asn-ipv4-num.csv`), IPv6 as text (`asn-ipv6.csv`). Parsed once into sorted typed arrays and
 * searched by bisection; organisation names stay as byte ranges of the file until asked for, so
 * loading allocates no string per row. IPv6 ranges are kept at /64 resolution (no allocation is
 * smaller).
 */
export interface AsnRecord {
  number: number;
  organization: string | undefined;
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COLON = 0x3a;

class RangeColumns {
  size = 0;
  startHi: Uint32Array;
  startLo: Uint32Array;
  endHi: Uint32Array;
  endLo: Uint32Array;
  asn: Uint32Array;
  orgStart: Uint32Array;
  orgEnd: Uint32Array;

  constructor(capacity: number) {
    this.startHi = new Uint32Array(capacity);
    this.startLo = new Uint32Array(capacity);
    this.endHi = new Uint32Array(capacity);
    this.endLo = new Uint32Array(capacity);
    this.asn = new Uint32Array(capacity);
    this.orgStart = new Uint32Array(capacity);
    this.orgEnd = new Uint32Array(capacity);
  }

  /** Index of the range holding (hi, lo), or -1. Ranges are sorted and do not overlap. */
  find(hi: number, lo: number): number {
    let low = 0;
    let high = this.size - 1;
    let found = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const sh = this.startHi[mid]!;
      if (sh < hi || (sh === hi && this.startLo[mid]! <= lo)) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    if (found < 0) return -1;
    const eh = this.endHi[found]!;
    return eh > hi || (eh === hi && this.endLo[found]! >= lo) ? found : -1;
  }
}

function countLines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n + 1;
}

function parseDecimal(bytes: Buffer, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (bytes[i]! - 48);
  return value;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

const groups = new Uint32Array(8);

/** Parses IPv6 text (no zone, no embedded IPv4) into `groups`; false when malformed. */
function parseIpv6Groups(bytes: Buffer, start: number, end: number): boolean {
  groups.fill(0);
  const head: number[] = [];
  const tail: number[] = [];
  let target = head;
  let value = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === COLON) {
      if (digits > 0) target.push(value);
      else if (i > start && bytes[i - 1] === COLON) {
        if (target === tail) return false;
        target = tail;
      }
      value = 0;
      digits = 0;
      continue;
    }
    const d = hexDigit(c);
    if (d < 0 || ++digits > 4) return false;
    value = value * 16 + d;
  }
  if (digits > 0) target.push(value);
  if (head.length + tail.length > 8) return false;
  for (let i = 0; i < head.length; i++) groups[i] = head[i]!;
  for (let i = 0; i < tail.length; i++) groups[8 - tail.length + i] = tail[i]!;
  return true;
}

function parseFile(bytes: Buffer, ipv6: boolean): RangeColumns {
  const columns = new RangeColumns(countLines(bytes));
  let pos = 0;
  while (pos < bytes.length) {
    let eol = bytes.indexOf(NEWLINE, pos);
    if (eol < 0) eol = bytes.length;
    const c1 = bytes.indexOf(COMMA, pos);
    const c2 = c1 < 0 ? -1 : bytes.indexOf(COMMA, c1 + 1);
    const c3 = c2 < 0 ? -1 : bytes.indexOf(COMMA, c2 + 1);
    if (c3 < 0 || c3 > eol) {
      pos = eol + 1;
      continue;
    }
    const i = columns.size;
    if (ipv6) {
      if (!parseIpv6Groups(bytes, pos, c1)) {
        pos = eol + 1;
        continue;
      }
      columns.startHi[i] = (groups[0]! << 16) | groups[1]!;
      columns.startLo[i] = (groups[2]! << 16) | groups[3]!;
      if (!parseIpv6Groups(bytes, c1 + 1, c2)) {
        pos = eol + 1;
        continue;
      }
      columns.endHi[i] = (groups[0]! << 16) | groups[1]!;
      columns.endLo[i] = (groups[2]! << 16) | groups[3]!;
    } else {
      columns.startLo[i] = parseDecimal(bytes, pos, c1);
      columns.endLo[i] = parseDecimal(bytes, c1 + 1, c2);
    }
    columns.asn[i] = parseDecimal(bytes, c2 + 1, c3);
    let orgEnd = eol;
    if (orgEnd > c3 + 1 && bytes[orgEnd - 1] === 0x0d) orgEnd--;
    columns.orgStart[i] = c3 + 1;
    columns.orgEnd[i] = orgEnd;
    columns.size++;
    pos = eol + 1;
  }
  return columns;
}

/** A CSV field as text: quotes removed, doubled quotes undone. */
function csvField(bytes: Buffer, start: number, end: number): string | undefined {
  if (end <= start) return undefined;
  if (bytes[start] === QUOTE && end - start >= 2 && bytes[end - 1] === QUOTE) {
    return bytes.toString('utf8', start + 1, end - 1).replaceAll('""', '"');
  }
  return bytes.toString('utf8', start, end);
}

export class AsnRanges {
  private constructor(
    private readonly v4Bytes: Buffer,
    private readonly v4: RangeColumns,
    private readonly v6Bytes: Buffer,
    private readonly v6: RangeColumns,
  ) {}

  /** Reads `asn-ipv4-num.csv` and `asn-ipv6.csv`. */
  static open(ipv4NumCsv: string, ipv6Csv: string): AsnRanges {
    const v4Bytes = fs.readFileSync(ipv4NumCsv);
    const v6Bytes = fs.readFileSync(ipv6Csv);
    return new AsnRanges(v4Bytes, parseFile(v4Bytes, false), v6Bytes, parseFile(v6Bytes, true));
  }

  get ranges(): number {
    return this.v4.size + this.v6.size;
  }

  /** The AS of an IPv4 address given as its 32-bit number. */
  lookupIpv4(value: number): AsnRecord | undefined {
    return this.record(this.v4Bytes, this.v4, this.v4.find(0, value));
  }

  /** The AS of an IPv6 address given its first four 16-bit groups. */
  lookupIpv6(parts: readonly number[]): AsnRecord | undefined {
    const hi = ((parts[0]! << 16) | parts[1]!) >>> 0;
    const lo = ((parts[2]! << 16) | parts[3]!) >>> 0;
    return this.record(this.v6Bytes, this.v6, this.v6.find(hi, lo));
  }

  private record(bytes: Buffer, columns: RangeColumns, index: number): AsnRecord | undefined {
    if (index < 0) return undefined;
    const number = columns.asn[index]!;
    if (number === 0) return undefined;
    return { number, organization: csvField(bytes, columns.orgStart[index]!, columns.orgEnd[index]!) };
  }
}
