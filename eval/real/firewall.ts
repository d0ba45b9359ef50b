/**
 * Ground truth of kernel packet-filter logs (UFW `[UFW BLOCK]`, iptables `LOG` lines with
 * `IN= OUT= SRC= DST= PROTO= DPT=`): scanners by the breadth of what they knock on, the host's
 * own users by repeated packets of a real TCP stack to one or two service ports. Rules:
 * eval/real/README.md.
 */
import { ipActor, type TypeTruth, type Verdict } from './ground-truth.js';

export interface PacketRecord {
  /** Empty for packets the host sends (no inbound interface). */
  inInterface: string;
  source: string;
  destination: string;
  /** `DPT` for TCP/UDP, else the protocol (`PROTO=ICMP`, `PROTO=47`). */
  port: string;
  /** A TCP SYN without options (IPv4 LEN < 48): a scanner's crafted probe, not an operating system's connect(). */
  bareSyn: boolean;
}

/** Distinct destination ports (or hosts) that make a source a scanner. */
export const SCAN_PORTS = 20;
/** Packets to service ports that make a source one of the host's own users (retries). */
export const OWN_USER_PACKETS = 3;
/**
 * Ports that clients use repeatedly all day: web and mail. SSH, Telnet, RDP, databases are left
 * out: repeated packets there are what brute-forcers send.
 */
export const SERVICE_PORTS: ReadonlySet<string> = new Set(['80', '443', '8080', '8443', '25', '465', '587', '110', '995', '143', '993']);

const FIELD = /(?:^| )(IN|SRC|DST|LEN|PROTO|DPT)=(\S*)/g;
/** Shortest SYN an operating system sends: 20 IP + 20 TCP + MSS, window scale, SACK options (IPv6: 40 IP). */
const MIN_STACK_SYN = { ipv4: 48, ipv6: 68 };

/** A packet-filter line's fields, or undefined when the message is not one. */
export function parsePacket(message: string): PacketRecord | undefined {
  if (!message.includes(' SRC=') || !message.includes(' DST=')) return undefined;
  const fields = new Map<string, string>();
  for (const [, key, value] of message.matchAll(FIELD)) if (key !== undefined && !fields.has(key)) fields.set(key, value ?? '');
  const source = fields.get('SRC');
  const destination = fields.get('DST');
  const inInterface = fields.get('IN');
  if (source === undefined || destination === undefined || inInterface === undefined) return undefined;
  const syn = fields.get('PROTO') === 'TCP' && / SYN /.test(`${message} `) && !/ ACK /.test(`${message} `);
  const minimum = source.includes(':') ? MIN_STACK_SYN.ipv6 : MIN_STACK_SYN.ipv4;
  return {
    inInterface,
    source,
    destination,
    port: fields.get('DPT') ?? `proto ${fields.get('PROTO') ?? '?'}`,
    bareSyn: syn && Number(fields.get('LEN')) < minimum,
  };
}

interface Source {
  packets: number;
  bareSyns: number;
  ports: Set<string>;
  destinations: Set<string>;
}

export function sourceVerdict({ packets, bareSyns, ports, destinations }: Source): Verdict {
  if (ports.size >= SCAN_PORTS) return { class: 'attacker', attack: 'scanner', why: `${ports.size} destination ports` };
  if (destinations.size >= SCAN_PORTS) return { class: 'attacker', attack: 'scanner', why: `${destinations.size} destination hosts` };
  if (packets >= OWN_USER_PACKETS && bareSyns === 0 && ports.size <= 2 && [...ports].every((port) => SERVICE_PORTS.has(port))) {
    return { class: 'legitimate', why: `${packets} packets to service port ${[...ports].join(' and ')}` };
  }
  return { class: 'gray', why: `${packets} packets to ${ports.size} ports` };
}

/** Ground truth of the packet-filter lines of one file; outbound packets belong to no actor. */
export function firewallTruth(lines: readonly { index: number; record: PacketRecord }[]): TypeTruth {
  const truth: TypeTruth = { actors: new Map(), lineActor: new Map() };
  const sources = new Map<string, Source>();
  for (const { index, record } of lines) {
    if (record.inInterface === '') continue;
    let source = sources.get(record.source);
    if (source === undefined) sources.set(record.source, (source = { packets: 0, bareSyns: 0, ports: new Set(), destinations: new Set() }));
    source.packets++;
    if (record.bareSyn) source.bareSyns++;
    source.ports.add(record.port);
    source.destinations.add(record.destination);
    truth.lineActor.set(index, ipActor(record.source));
  }
  for (const [address, source] of sources) truth.actors.set(ipActor(address), sourceVerdict(source));
  return truth;
}
