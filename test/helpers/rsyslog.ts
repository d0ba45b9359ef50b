/**
 * A private rsyslogd (`rsyslogd -n -f FILE -i PIDFILE`) with its own work directory, and a ready-made
 * forwarder: it listens on a loopback TCP port (fed with `logger` or raw lines) and relays every
 * message to a target with omfwd, as a real sender in front of our collector would.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnPeer, waitUntilReady } from './process.js';
import { requireBinary } from './services.js';

export interface RsyslogHandle {
  readonly pid: number;
  /** Private work directory (queues, state, `rsyslog.conf`, `rsyslogd.log`). */
  readonly dir: string;
  readonly configFile: string;
  /** rsyslogd's stdout/stderr and its internal messages. */
  readonly logFile: string;
  /** SIGTERM (rsyslog flushes its queues), wait, remove the work directory. */
  stop(): Promise<void>;
}

export type ForwardProtocol = 'tcp' | 'udp';
/** rfc5424: RSYSLOG_SyslogProtocol23Format; rfc3164: RSYSLOG_ForwardFormat (high-precision time);
 * rfc3164-traditional: RSYSLOG_TraditionalForwardFormat. */
export type ForwardFormat = 'rfc5424' | 'rfc3164' | 'rfc3164-traditional';
/** octet-counted: RFC 6587 length prefix; lf: one message per line. TCP only. */
export type TcpFraming = 'octet-counted' | 'lf';

export interface ForwarderOptions {
  target: { host?: string; port: number };
  protocol: ForwardProtocol;
  /** Default: rfc5424 over TCP, rfc3164 over UDP. */
  format?: ForwardFormat;
  /** Default: octet-counted. */
  framing?: TcpFraming;
}

export interface SendOptions {
  /** APP-NAME / tag, default `siemad-test`. */
  tag?: string;
  /** `facility.severity` as `logger -p` takes it, default `user.notice`. */
  priority?: string;
}

export interface RsyslogForwarder extends RsyslogHandle {
  /** The loopback TCP port rsyslog reads messages from. */
  readonly inputPort: number;
  /** Sends one message with `logger --tcp` to the input; resolves when logger has exited 0. */
  send(message: string, options?: SendOptions): Promise<void>;
  /** Writes complete syslog lines (no trailing LF needed) to the input over one TCP connection. */
  sendRaw(lines: readonly string[]): Promise<void>;
}

const TEMPLATES: Record<ForwardFormat, string> = {
  rfc5424: 'RSYSLOG_SyslogProtocol23Format',
  rfc3164: 'RSYSLOG_ForwardFormat',
  'rfc3164-traditional': 'RSYSLOG_TraditionalForwardFormat',
};
const START_TIMEOUT_MS = 15_000;

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Starts rsyslogd with `config` (rsyslog's RainerScript). The helper adds only
 * `global(workDirectory=...)`; pass a function to get the work directory, e.g. for omfile paths.
 * Ready once rsyslogd wrote its PID file, which it does after all inputs are listening.
 */
export async function startRsyslog(config: string | ((workDirectory: string) => string)): Promise<RsyslogHandle> {
  const binary = requireBinary('rsyslogd');
  const dir = await mkdtemp(join(tmpdir(), 'siemad-rsyslog-'));
  const configFile = join(dir, 'rsyslog.conf');
  const pidFile = join(dir, 'rsyslogd.pid');
  const logFile = join(dir, 'rsyslogd.log');
  const body = typeof config === 'function' ? config(dir) : config;
  await writeFile(configFile, `global(workDirectory=${quote(dir)})\n${body}\n`);
  const peer = spawnPeer(binary, ['-n', '-f', configFile, '-i', pidFile], { logFile });
  const pidFileNamesPeer = async () => (await readFile(pidFile, 'utf8')).trim() === String(peer.pid);
  try {
    await waitUntilReady(peer, 'rsyslogd', pidFileNamesPeer, { timeoutMs: START_TIMEOUT_MS, intervalMs: 50 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    pid: peer.pid,
    dir,
    configFile,
    logFile,
    async stop() {
      await peer.stop(15_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * RainerScript for a forwarder: imtcp on 127.0.0.1:`inputPort` bound to a ruleset whose only action
 * is omfwd to the target. The action queue holds messages while the target is down and retries
 * every second, so tests can take the collector away and back. rsyslog's own messages go to a file.
 */
export function forwardingConfig(options: ForwarderOptions, inputPort: number, internalLogFile: string): string {
  const format = options.format ?? (options.protocol === 'tcp' ? 'rfc5424' : 'rfc3164');
  const framing = options.protocol === 'tcp' ? ` TCP_Framing=${quote(options.framing === 'lf' ? 'traditional' : 'octet-counted')}` : '';
  return [
    'module(load="imtcp")',
    `input(type="imtcp" address="127.0.0.1" port=${quote(String(inputPort))} ruleset="siemad_forward")`,
    'ruleset(name="siemad_forward") {',
    `  action(type="omfwd" target=${quote(options.target.host ?? '127.0.0.1')} port=${quote(String(options.target.port))}` +
      ` protocol=${quote(options.protocol)}${framing} template=${quote(TEMPLATES[format])}` +
      ' queue.type="LinkedList" queue.size="100000" action.resumeRetryCount="-1" action.resumeInterval="1")',
    '}',
    `*.* action(type="omfile" file=${quote(internalLogFile)})`,
  ].join('\n');
}

export async function startRsyslogForwarder(options: ForwarderOptions): Promise<RsyslogForwarder> {
  const loggerBinary = requireBinary('logger', 'install bsdutils');
  const inputPort = await freePort('tcp');
  const rsyslog = await startRsyslog((dir) => forwardingConfig(options, inputPort, join(dir, 'internal.log')));
  return {
    ...rsyslog,
    inputPort,
    send: (message, sendOptions) => sendWithLogger(loggerBinary, inputPort, message, sendOptions ?? {}),
    sendRaw: (lines) => sendLines(inputPort, lines),
  };
}

/**
 * How a server's rsyslog forwards what its local programs log, as README's "Sending logs" says:
 * `rfc5424` is the recommended rule (TCP, octet-counted, RSYSLOG_SyslogProtocol23Format, disk-
 * assisted queue); `rfc3164-tcp` and `rfc3164-udp` are rsyslog's default forwarding, the legacy
 * `*.* @@host:port` and `*.* @host:port` lines (no template: RSYSLOG_TraditionalForwardFormat).
 */
export type LocalForwarding = 'rfc5424' | 'rfc3164-tcp' | 'rfc3164-udp';

export interface LocalForwarderOptions {
  target: { host?: string; port: number };
  forwarding: LocalForwarding;
  /** rsyslog's `localHostname`: the HOSTNAME of every forwarded message. */
  hostname: string;
}

export interface LocalLogOptions {
  tag: string;
  /** The PID in the tag (`logger --id`). */
  pid?: number;
  /** `facility.severity`, as `logger -p` takes it. */
  priority: string;
}

export interface LocalRsyslogForwarder extends RsyslogHandle {
  /** The private socket rsyslog reads local messages from (imuxsock), standing in for /dev/log. */
  readonly socketPath: string;
  /** Logs one message as a local program does: `logger -u SOCKET -t TAG [--id=PID] -p PRIORITY`. */
  log(message: string, options: LocalLogOptions): Promise<void>;
}

/** RainerScript for a local forwarder: imuxsock on `socketPath` (no rate limit), repeated-message reduction on as Debian ships it, one forwarding rule. */
export function localForwardingConfig(options: LocalForwarderOptions, socketPath: string): string {
  const host = options.target.host ?? '127.0.0.1';
  const port = String(options.target.port);
  const rule =
    options.forwarding === 'rfc5424'
      ? `*.* action(type="omfwd" target=${quote(host)} port=${quote(port)} protocol="tcp" TCP_Framing="octet-counted"` +
        ' template="RSYSLOG_SyslogProtocol23Format" queue.type="LinkedList" queue.filename="siemad" queue.saveOnShutdown="on"' +
        ' action.resumeRetryCount="-1")'
      : `*.* ${options.forwarding === 'rfc3164-tcp' ? '@@' : '@'}${host}:${port}`;
  return [
    `global(localHostname=${quote(options.hostname)})`,
    '$RepeatedMsgReduction on',
    'module(load="imuxsock" SysSock.Use="off")',
    `input(type="imuxsock" Socket=${quote(socketPath)} RateLimit.Interval="0")`,
    rule,
  ].join('\n');
}

export async function startLocalRsyslogForwarder(options: LocalForwarderOptions): Promise<LocalRsyslogForwarder> {
  const loggerBinary = requireBinary('logger', 'install bsdutils');
  let socketPath = '';
  const rsyslog = await startRsyslog((dir) => {
    socketPath = join(dir, 'log.sock');
    return localForwardingConfig(options, socketPath);
  });
  return {
    ...rsyslog,
    socketPath,
    log(message, logOptions) {
      const args = ['-u', socketPath, '-t', logOptions.tag, '-p', logOptions.priority];
      if (logOptions.pid !== undefined) args.push(`--id=${logOptions.pid}`);
      return runLogger(loggerBinary, [...args, '--', message]);
    },
  };
}

function sendWithLogger(loggerBinary: string, port: number, message: string, options: SendOptions): Promise<void> {
  const args = [
    '--server',
    '127.0.0.1',
    '--port',
    String(port),
    '--tcp',
    '-t',
    options.tag ?? 'siemad-test',
    '-p',
    options.priority ?? 'user.notice',
    '--',
    message,
  ];
  return runLogger(loggerBinary, args);
}

function runLogger(loggerBinary: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(loggerBinary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`logger exited ${code}: ${stderr.trim()}`))));
  });
}

function sendLines(port: number, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end(lines.map((line) => `${line}\n`).join(''));
    });
    socket.once('error', reject);
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
}
