/** net-snmp's `Received SNMP packet(s) from IP` (with `UDP: [IP]:PORT->[IP]:PORT` in newer versions). */
import type { EcsEvent } from '../ecs/event.js';
import { ACTIONS } from './actions.js';
import { classify, setSource } from './fields.js';
import { indexOfSpaceBefore } from './scan.js';

export function decodeSnmpd(body: string, event: EcsEvent): boolean {
  if (!body.startsWith('Received SNMP packet(s) from ')) return false;
  let start = 29;
  if (body.startsWith('UDP: [', start)) start += 6;
  let end = indexOfSpaceBefore(body, start, body.length);
  const bracket = body.indexOf(']', start);
  if (bracket > start && bracket < end) end = bracket;
  setSource(event, body.slice(start, end));
  classify(event, ACTIONS.snmpPacketReceived, ['network'], ['info']);
  return true;
}
