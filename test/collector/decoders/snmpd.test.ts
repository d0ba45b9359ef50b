import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { runCases, type Case } from './helpers.js';

const cases: Case[] = [
  {
    name: 'snmpd packet from an address',
    app: 'snmpd',
    body: 'Received SNMP packet(s) from 67.170.148.126',
    expected: { event: { action: ACTIONS.snmpPacketReceived }, source: { ip: '67.170.148.126' } },
  },
  {
    name: 'snmpd packet, newer UDP form with ports',
    app: 'snmpd',
    body: 'Received SNMP packet(s) from UDP: [192.0.2.9]:40000->[10.0.0.1]:161',
    expected: { event: { action: ACTIONS.snmpPacketReceived }, source: { ip: '192.0.2.9' } },
  },
];

runCases(t, cases);
