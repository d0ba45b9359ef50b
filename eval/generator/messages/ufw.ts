/**
 * UFW's kernel log line for a dropped packet (the kernel's nf_log format, `[UFW BLOCK]` prefix).
 * The kernel ends every field with a space, so the line ends with one; IPv6 addresses are printed
 * fully expanded (`%pI6`).
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
}

export function ufwBlock(packet: BlockedPacket): string {
  const v6 = isIpv6(packet.source);
  const mac = `${packet.ownMac}:${packet.gatewayMac}:${v6 ? '86:dd' : '08:00'}`;
  let line = `[UFW BLOCK] IN=${packet.inInterface} OUT= MAC=${mac} `;
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
  if (packet.protocol === 'TCP') return `${line}WINDOW=${packet.window} RES=0x00 SYN URGP=0 `;
  return `${line}LEN=${packet.length - (v6 ? 40 : 20)} `;
}
