/**
 * UFW's kernel log line for a dropped packet (the kernel's nf_log format, `[UFW BLOCK]` prefix).
 * The kernel ends every field with a space, so the line ends with one; IPv6 addresses are printed
 * fully expanded (`%pI6`). Kernels with printk times on put the seconds since boot in front.
 */
import { expandedIpv6, isIpv6 } from '../internet.js';

export interface BlockedPacket {
  inInterface: string;
  /** Destination MAC, source MAC. */
  ownMac: string;
  gatewayMac: string;
  source: string;
  destination: string;
  protocol: 'TCP' | 'UDP';
  sourcePort: number;
  destinationPort: number;
  /** Packet length including the IP header. */
  length: number;
  ttl: number;
  /** IPv4 identification field. */
  id: number;
  dontFragment: boolean;
  /** TCP window; ignored for UDP. */
  window: number;
  /** IPv6 flow label. */
  flowLabel: number;
  /** TCP flags in the kernel's order (`CWR ECE URG ACK PSH RST SYN FIN`); default `SYN`. */
  tcpFlags?: string;
  /** Seconds since boot, printed as `[%5lu.%06lu] ` before the prefix; omitted when undefined. */
  uptimeSeconds?: number;
}

/** `[ 6351.004210] `, as printk writes its time stamp. */
function printkTime(uptimeSeconds: number): string {
  const micros = Math.round(uptimeSeconds * 1e6);
  const whole = Math.floor(micros / 1e6);
  return `[${String(whole).padStart(5, ' ')}.${String(micros - whole * 1e6).padStart(6, '0')}] `;
}

export function ufwBlock(packet: BlockedPacket): string {
  const v6 = isIpv6(packet.source);
  const mac = `${packet.ownMac}:${packet.gatewayMac}:${v6 ? '86:dd' : '08:00'}`;
  const uptime = packet.uptimeSeconds === undefined ? '' : printkTime(packet.uptimeSeconds);
  let line = `${uptime}[UFW BLOCK] IN=${packet.inInterface} OUT= MAC=${mac} `;
  if (v6) {
    line +=
      `SRC=${expandedIpv6(packet.source)} DST=${expandedIpv6(packet.destination)} LEN=${packet.length} ` +
      `TC=0 HOPLIMIT=${packet.ttl} FLOWLBL=${packet.flowLabel} `;
  } else {
    line +=
      `SRC=${packet.source} DST=${packet.destination} LEN=${packet.length} TOS=0x00 PREC=0x00 ` +
      `TTL=${packet.ttl} ID=${packet.id} ${packet.dontFragment ? 'DF ' : ''}`;
  }
  line += `PROTO=${packet.protocol} SPT=${packet.sourcePort} DPT=${packet.destinationPort} `;
  if (packet.protocol === 'TCP') return `${line}WINDOW=${packet.window} RES=0x00 ${packet.tcpFlags ?? 'SYN'} URGP=0 `;
  return `${line}LEN=${packet.length - (v6 ? 40 : 20)} `;
}
