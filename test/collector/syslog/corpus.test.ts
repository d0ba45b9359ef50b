/**
 * Every line of the public corpus (../shared/corpus beside the repository, or $SIEMAD_CORPUS) through the parser,
 * checked against loghub's own structured parse of the same lines where one exists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import type { ParseOptions } from '../../../collector/syslog/message.js';
import { parseSyslog } from '../../../collector/syslog/parse.js';
import { CORPUS_DIR, corpusOrSkip } from '../../helpers/corpus.js';

const corpusDir = CORPUS_DIR;
const opts: ParseOptions = { timeZone: 'UTC', now: Date.UTC(2026, 10, 22, 12) };

function readLines(relativePath: string): string[] {
  return readFileSync(join(corpusDir, relativePath), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0);
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field.length > 0 || row.length > 0) rows.push([...row, field]);
  return rows;
}

if (corpusOrSkip(t)) {
  const loghub: Array<{ file: string; host: number; component: number; pid: number; content: number }> = [
    // OpenSSH's CSV calls the hostname column Component; every line there is sshd.
    { file: 'OpenSSH_2k.log', host: 4, component: -1, pid: 5, content: 6 },
    { file: 'Linux_2k.log', host: 4, component: 5, pid: 6, content: 7 },
    { file: 'Thunderbird_2k.log', host: 4, component: 9, pid: 10, content: 11 },
  ];
  for (const { file, host, component, pid, content } of loghub) {
    t.test(`agrees with loghub's structured parse of ${file} on host, tag, pid and content`, async (t) => {
      const lines = readLines(join('loghub', file));
      const rows = parseCsv(readFileSync(join(corpusDir, 'loghub', `${file}_structured.csv`), 'utf8')).slice(1);
      t.equal(lines.length, rows.length);
      let disagreements = 0;
      let multiWordTags = 0;
      lines.forEach((line, index) => {
        const row = rows[index] ?? [];
        const expectedTag = component < 0 ? 'sshd' : (row[component] ?? '');
        const expectedContent = (row[content] ?? '').trim();
        const msg = parseSyslog(line, opts);
        let agrees = msg.format === 'rfc3164' && msg.hostname === row[host] && msg.timestamp !== undefined;
        if (expectedTag.includes(' ')) {
          // loghub takes everything up to the first colon as the component (`syslogd 1.4.1`,
          // `Kernel command line`); a syslog TAG has no SP, so that text stays in the message.
          multiWordTags++;
          agrees &&= msg.appName === undefined && msg.message.trim().endsWith(expectedContent);
        } else {
          agrees &&= msg.appName === expectedTag && (msg.procId ?? '') === row[pid] && msg.message.trim() === expectedContent;
        }
        if (!agrees) {
          disagreements++;
          if (disagreements <= 5) t.fail(`line ${index + 1}: ${JSON.stringify(line)} -> ${JSON.stringify(msg)}`);
        }
      });
      t.equal(disagreements, 0);
      t.ok(multiWordTags < lines.length / 100, `few multi-word components (${multiWordTags})`);
    });
  }

  t.test('returns every Apache error-log and access-log line as plain', async (t) => {
    for (const file of ['loghub/Apache_2k.log', 'web/apache_combined_10k.log']) {
      const lines = readLines(file);
      const notPlain = lines.filter((line) => parseSyslog(line, opts).format !== 'plain');
      t.strictSame(notPlain, [], file);
      const withBreaks = lines.filter((line) => /[\r\n]$/.test(parseSyslog(line, opts).message));
      t.strictSame(withBreaks, [], `${file}: no CR/LF left in messages`);
    }
  });
}
