import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { readLineBatches } from '../../collector/line-source.js';
import { parseBoolean, parseChoice, parsePort, parsePositiveInt, parseTimeZone } from '../../core/config-values.js';
import { ERROR_CODES, SiemadError } from '../../core/errors.js';
import { SyslogEncoder, type SendFormat, type SendFraming } from '../send/encode.js';
import { openSender, type SendTransport } from '../send/transport.js';
import { envOption } from '../option-table.js';
import { InvalidArgumentError } from 'commander';

interface SendOptions {
  host: string;
  port: number | false;
  transport: SendTransport;
  framing: SendFraming;
  format: SendFormat;
  rate: number;
  repeat: number;
  priority: number;
  hostname: string;
  appName: string;
  timeZone: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsInsecure: boolean;
  json: boolean;
}

function parseRate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected messages per second (0 = as fast as possible)');
  return n;
}

function parsePriority(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 191) throw new InvalidArgumentError('expected a PRI value 0-191 (facility*8+severity)');
  return n;
}

export function sendCommand(): Command {
  return new Command('send')
    .description('Send the lines of log files (or standard input) to a syslog server; for demos, tests and benchmarks')
    .argument('[files...]', 'log files; none or "-" reads standard input')
    .addOption(envOption('--host <host>', 'SIEMAD_SEND_HOST', 'server address', undefined, '127.0.0.1'))
    .addOption(envOption('--port <port>', 'SIEMAD_SEND_PORT', 'server port', parsePort, 5514))
    .addOption(
      envOption('--transport <transport>', 'SIEMAD_SEND_TRANSPORT', 'udp, tcp or tls', parseChoice(['udp', 'tcp', 'tls'] as const), 'tcp'),
    )
    .addOption(
      envOption(
        '--framing <framing>',
        'SIEMAD_SEND_FRAMING',
        'octet-counting (RFC 6587) or lf',
        parseChoice(['octet-counting', 'lf'] as const),
        'octet-counting',
      ),
    )
    .addOption(
      envOption(
        '--format <format>',
        'SIEMAD_SEND_FORMAT',
        'raw (lines as they are), rfc3164 or rfc5424',
        parseChoice(['raw', 'rfc3164', 'rfc5424'] as const),
        'rfc5424',
      ),
    )
    .addOption(envOption('--rate <n>', 'SIEMAD_SEND_RATE', 'messages per second, 0 = as fast as possible', parseRate, 0))
    .addOption(envOption('--repeat <n>', 'SIEMAD_SEND_REPEAT', 'send the input this many times', parsePositiveInt, 1))
    .addOption(
      envOption('--priority <pri>', 'SIEMAD_SEND_PRIORITY', 'PRI for lines without one (default 13 = user.notice)', parsePriority, 13),
    )
    .addOption(
      envOption('--hostname <name>', 'SIEMAD_SEND_HOSTNAME', 'HOSTNAME for lines without a syslog header', undefined, 'siemad-send'),
    )
    .addOption(
      envOption('--app-name <name>', 'SIEMAD_SEND_APP_NAME', 'APP-NAME / tag for lines without a syslog header', undefined, 'siemad-send'),
    )
    .addOption(envOption('--time-zone <zone>', 'SIEMAD_TIME_ZONE', 'time zone of RFC 3164 timestamps in the input', parseTimeZone, 'UTC'))
    .addOption(envOption('--tls-ca <file>', 'SIEMAD_SEND_TLS_CA', 'PEM CA bundle to verify the server'))
    .addOption(envOption('--tls-cert <file>', 'SIEMAD_SEND_TLS_CERT', 'PEM client certificate (mTLS)'))
    .addOption(envOption('--tls-key <file>', 'SIEMAD_SEND_TLS_KEY', 'PEM client key (mTLS)'))
    .addOption(
      envOption(
        '--tls-insecure [bool]',
        'SIEMAD_SEND_TLS_INSECURE',
        'do not verify the server certificate (labs only)',
        parseBoolean,
        false,
      ),
    )
    .option('--json', 'print the report as JSON', false)
    .action(async (files: string[], options: SendOptions) => {
      await send(files, options);
    });
}

async function send(files: string[], options: SendOptions): Promise<void> {
  if (options.port === false || options.port === 0) {
    throw new SiemadError(ERROR_CODES.CONFIG_INVALID, '--port: a server port is required', '--port');
  }
  const encoder = new SyslogEncoder({
    format: options.format,
    priority: options.priority,
    hostname: options.hostname,
    appName: options.appName,
    timeZone: options.timeZone,
  });
  const sender = await openSender({
    transport: options.transport,
    host: options.host,
    port: options.port,
    framing: options.framing,
    tls: {
      ...(options.tlsCa !== undefined ? { caFile: options.tlsCa } : {}),
      ...(options.tlsCert !== undefined ? { certFile: options.tlsCert } : {}),
      ...(options.tlsKey !== undefined ? { keyFile: options.tlsKey } : {}),
      insecure: options.tlsInsecure,
    },
  });
  const started = performance.now();
  let sent = 0;
  let lastProgress = started;
  // Small batches under a rate limit keep the pacing smooth; large ones otherwise.
  const batchSize = options.rate > 0 ? Math.max(1, Math.min(512, Math.floor(options.rate / 50))) : 512;
  for (let round = 0; round < options.repeat; round++) {
    for await (const lines of readLineBatches(files, { maxMessageBytes: 1 << 20, batchSize })) {
      const messages: string[] = [];
      for (const line of lines) if (line.text !== '') messages.push(encoder.encode(line.text));
      await sender.send(messages);
      sent += messages.length;
      const now = performance.now();
      if (options.rate > 0) {
        const due = started + (sent / options.rate) * 1000;
        if (due > now) await sleep(due - now);
      }
      if (now - lastProgress > 5000) {
        lastProgress = now;
        process.stderr.write(`siemad send: ${sent} messages sent (${Math.round(sent / ((now - started) / 1000))}/s)\n`);
      }
    }
  }
  await sender.close();
  const seconds = (performance.now() - started) / 1000;
  const report = {
    sent,
    bytes: sender.bytesSent,
    seconds: Number(seconds.toFixed(3)),
    rate: Math.round(sent / Math.max(seconds, 1e-9)),
    transport: options.transport,
    framing: options.transport === 'udp' && options.framing === 'lf' ? 'datagram' : options.framing,
    format: options.format,
    target: `${options.host}:${options.port}`,
  };
  process.stdout.write(
    options.json
      ? JSON.stringify(report) + '\n'
      : `sent ${report.sent} messages (${report.bytes} bytes) over ${report.transport} (${report.framing}, ${report.format}) to ${report.target} in ${report.seconds} s (${report.rate} msg/s)\n`,
  );
}
