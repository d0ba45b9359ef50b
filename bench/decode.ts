/**
 * Throughput of the body decoders (collector/decoders) over the public corpus, alone and on the
 * whole per-message path (parse + base ECS event + decode, i.e. collector/normalize.ts).
 *
 *   npx tsx bench/decode.ts [corpusDir] [secondsPerRound]
 *   npx tsc -p tsconfig.json && node dist/bench/decode.js [corpusDir] [secondsPerRound]
 *
 * Inputs (../shared/corpus beside the repository, or $SIEMAD_CORPUS): loghub OpenSSH_2k and Linux_2k (file
 * lines, RFC 3164 without PRI), loghub Apache_2k (Apache error log), the 10k combined access log,
 * netfilter/UFW lines built from the OpenSSH sources (the corpus has no firewall log), and all of
 * them mixed. Rates are messages per CPU second of this process, best of several rounds.
 */
import { decodeMessage } from '../collector/decoders/index.js';
import { ECS_VERSION, type EcsEvent } from '../collector/ecs/event.js';
import { defaultObserver, normalize, type NormalizeContext } from '../collector/normalize.js';
import type { RawMessage } from '../collector/raw-message.js';
import type { ParseOptions, SyslogMessage } from '../collector/syslog/message.js';
import { parseSyslog } from '../collector/syslog/parse.js';
import { CORPUS_DIR, readCorpusOrExit } from '../core/corpus.js';

const corpusDir = process.argv[2] ?? CORPUS_DIR;
const secondsPerRound = Number(process.argv[3] ?? 1);
const ROUNDS = 5;
const RECEIVED_AT = Date.UTC(2026, 10, 22, 12);
const parseOptions: ParseOptions = { timeZone: 'UTC', now: RECEIVED_AT };
const context: NormalizeContext = { timeZone: 'UTC', observer: defaultObserver('bench') };
const CREATED = new Date(RECEIVED_AT).toISOString();

/** Lines without CR, as a receiver hands them over (flat strings, not V8 ropes). */
function readLines(relativePath: string): string[] {
  return readCorpusOrExit(relativePath, corpusDir)
    .split('\n')
    .map((line) => Buffer.from(line.replace(/\r+$/, ''), 'utf8').toString('utf8'))
    .filter((line) => line.length > 0);
}

/** UFW/netfilter kernel lines, one per OpenSSH line, with that line's peer as source. */
function netfilterLines(sshLines: string[]): string[] {
  return sshLines.map((line, index) => {
    const source = /(\d+\.\d+\.\d+\.\d+)/.exec(line)?.[1] ?? `192.0.2.${index % 255}`;
    const verdict = ['UFW BLOCK', 'UFW ALLOW', 'UFW AUDIT', 'DROP-IN:'][index % 4];
    const text =
      `${line.slice(0, 16)}fw kernel: [${1000 + index}.${String(index).padStart(6, '0')}] [${verdict}] IN=eth0 OUT= ` +
      `MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=${source} DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ` +
      `ID=${index} DF PROTO=TCP SPT=${1024 + index} DPT=${[22, 80, 443, 3389][index % 4]} WINDOW=29200 RES=0x00 SYN URGP=0`;
    return Buffer.from(text, 'utf8').toString('utf8');
  });
}

function rawMessage(text: string, seq: number): RawMessage {
  return {
    text,
    transport: 'udp',
    peerAddress: '192.0.2.1',
    peerPort: 514,
    receivedAt: RECEIVED_AT,
    connectionId: 1,
    seq,
    truncated: false,
    size: text.length,
  };
}

/** The smallest event the decoders get from normalize, so `decode` measures decoding. */
function emptyEvent(msg: SyslogMessage, original: string): EcsEvent {
  return {
    '@timestamp': CREATED,
    ecs: { version: ECS_VERSION },
    event: { created: CREATED, kind: 'event', original, dataset: 'system.syslog', module: 'system' },
    log: {},
    message: msg.message,
  };
}

/** Runs `pass` over the input for about `seconds`; returns messages per CPU second. */
function measure(count: number, seconds: number, pass: () => number): number {
  let done = 0;
  let checksum = 0;
  const deadline = performance.now() + seconds * 1000;
  const cpuAtStart = process.cpuUsage();
  do {
    checksum += pass();
    done += count;
  } while (performance.now() < deadline);
  const cpu = process.cpuUsage(cpuAtStart);
  if (checksum < 0) console.log(checksum); // keeps the work observable
  return done / ((cpu.user + cpu.system) / 1e6);
}

function best(count: number, pass: () => number): number {
  measure(count, Math.min(secondsPerRound, 0.5), pass); // warm-up
  let rate = 0;
  for (let round = 0; round < ROUNDS; round++) rate = Math.max(rate, measure(count, secondsPerRound, pass));
  return rate;
}

function report(name: string, lines: string[]): void {
  const messages = lines.map((line) => parseSyslog(line, parseOptions));
  const raws = lines.map(rawMessage);
  let withAction = 0;
  for (let i = 0; i < messages.length; i++) {
    const event = emptyEvent(messages[i] as SyslogMessage, lines[i] as string);
    decodeMessage(messages[i] as SyslogMessage, event, parseOptions);
    if (event.event.action !== undefined) withAction++;
  }
  const decodeRate = best(messages.length, () => {
    let sum = 0;
    for (let i = 0; i < messages.length; i++) {
      const msg = messages[i] as SyslogMessage;
      const event = emptyEvent(msg, lines[i] as string);
      decodeMessage(msg, event, parseOptions);
      sum += event.event.dataset.length;
    }
    return sum;
  });
  const pathRate = best(raws.length, () => {
    let sum = 0;
    for (let i = 0; i < raws.length; i++) sum += normalize(raws[i] as RawMessage, context).event.dataset.length;
    return sum;
  });
  console.log(
    `${name.padEnd(12)} decode ${Math.round(decodeRate).toLocaleString('en-US').padStart(10)} msgs/s   ` +
      `parse+ECS+decode ${Math.round(pathRate).toLocaleString('en-US').padStart(10)} msgs/s   ` +
      `(${lines.length} lines, ${((100 * withAction) / lines.length).toFixed(1)}% with an action)`,
  );
}

const openssh = readLines('loghub/OpenSSH_2k.log');
const linux = readLines('loghub/Linux_2k.log');
const apacheError = readLines('loghub/Apache_2k.log');
const access = readLines('web/apache_combined_10k.log');
const netfilter = netfilterLines(openssh);
const mixed: string[] = [];
const sets = [openssh, linux, apacheError, access.slice(0, 2000), netfilter];
for (let i = 0; i < 2000; i++) for (const set of sets) mixed.push(set[i % set.length] as string);

console.log(`node ${process.version}, ${secondsPerRound}s x ${ROUNDS} rounds per input, best round shown, per CPU second`);
report('openssh', openssh);
report('linux', linux);
report('apache-error', apacheError);
report('access', access);
report('netfilter', netfilter);
report('mixed', mixed);
