import t from 'tap';
import { ACTIONS } from '../../../collector/decoders/actions.js';
import { decode, decodePlain, expectEvent } from './helpers.js';

const UFW_BLOCK =
  '[12345.678901] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.9 DST=10.0.0.5 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=1234 DF PROTO=TCP SPT=4444 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0';

t.test('UFW BLOCK with uptime: denied packet with every field', async (t) => {
  const event = decode('kernel', UFW_BLOCK);
  expectEvent(t, event, {
    event: {
      dataset: 'iptables.log',
      module: 'iptables',
      action: ACTIONS.firewallPacket,
      category: ['network'],
      type: ['connection', 'denied'],
    },
    rule: { name: 'UFW BLOCK' },
    source: { ip: '203.0.113.9', port: 4444, mac: '52-54-00-65-43-21' },
    destination: { ip: '10.0.0.5', port: 22, mac: '52-54-00-12-34-56' },
    network: { transport: 'tcp', type: 'ipv4', iana_number: '6' },
    observer: { hostname: 'collector-1', ingress: { interface: { name: 'eth0' } } },
    iptables: {
      length: 60,
      tos: '0x00',
      precedence_bits: '0x00',
      ttl: 52,
      id: 1234,
      ether_type: 2048,
      fragment_flags: ['DF'],
      tcp: { window: 29200, reserved_bits: 0, flags: ['SYN'] },
    },
    related: { ip: ['203.0.113.9', '10.0.0.5'] },
  });
  t.equal(event.observer?.egress, undefined, 'empty OUT= sets no egress');
});

t.test('the shared observer object is copied, never modified', async (t) => {
  const event = decode('kernel', UFW_BLOCK);
  const other = decode('sshd', 'Server listening on 0.0.0.0 port 22.');
  t.equal(other.observer?.ingress, undefined);
  t.not(event.observer, other.observer);
});

t.test('UFW ALLOW, AUDIT and LIMIT BLOCK verdicts', async (t) => {
  const tail = ' IN=eth0 OUT= SRC=192.0.2.1 DST=10.0.0.5 LEN=52 TTL=64 ID=1 PROTO=TCP SPT=1000 DPT=443 WINDOW=1 RES=0x00 ACK URGP=0';
  t.strictSame(decode('kernel', `[UFW ALLOW]${tail}`).event.type, ['connection', 'allowed']);
  t.strictSame(decode('kernel', `[UFW AUDIT]${tail}`).event.type, ['connection', 'info']);
  const limit = decode('kernel', `[UFW LIMIT BLOCK]${tail}`);
  t.strictSame(limit.event.type, ['connection', 'denied']);
  t.equal(limit.rule?.name, 'UFW LIMIT BLOCK');
});

t.test('nftables-style prefix with a colon, kernel uptime padded with spaces', async (t) => {
  const event = decode(
    'kernel',
    '[ 123.4] DROP-IN: IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.51.100.7 DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=1234 DF PROTO=TCP SPT=4444 DPT=22 WINDOW=29200 RES=0x00 SYN URGP=0',
  );
  expectEvent(t, event, {
    rule: { name: 'DROP-IN' },
    event: { type: ['connection', 'denied'] },
    source: { ip: '198.51.100.7' },
    destination: { port: 22 },
  });
  t.equal(event.source?.mac, '66-77-88-99-AA-BB');
});

t.test('an arbitrary user prefix: info verdict, trimmed rule name', async (t) => {
  const event = decode(
    'kernel',
    'fw-log  IN=ens3 OUT=ens4 SRC=10.1.1.1 DST=8.8.8.8 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1',
  );
  expectEvent(t, event, {
    rule: { name: 'fw-log' },
    event: { type: ['connection', 'info'] },
    network: { transport: 'icmp', iana_number: '1' },
    observer: { ingress: { interface: { name: 'ens3' } }, egress: { interface: { name: 'ens4' } } },
    iptables: { icmp: { type: 8, code: 0 }, id: 0 },
  });
});

t.test('IPv6: network.type ipv6, HOPLIMIT as ttl, FLOWLBL, UDP', async (t) => {
  const event = decode(
    'kernel',
    '[UFW BLOCK] IN=eth0 OUT= MAC=33:33:00:00:00:fb:52:54:00:aa:bb:cc:86:dd SRC=2001:db8::1 DST=ff02::fb LEN=80 TC=0 HOPLIMIT=255 FLOWLBL=12345 PROTO=UDP SPT=5353 DPT=5353 LEN=40',
  );
  expectEvent(t, event, {
    network: { type: 'ipv6', transport: 'udp', iana_number: '17' },
    source: { ip: '2001:db8::1', port: 5353 },
    destination: { ip: 'ff02::fb', port: 5353 },
    iptables: { ttl: 255, flow_label: 12345, length: 80, ether_type: 0x86dd, tos: '0' },
  });
});

t.test('ICMPv6 is ipv6-icmp', async (t) => {
  const event = decode(
    'kernel',
    'IN=eth0 OUT= SRC=2001:db8::2 DST=2001:db8::3 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=0 PROTO=ICMPv6 TYPE=128 CODE=0 ID=1 SEQ=1',
  );
  expectEvent(t, event, { network: { transport: 'ipv6-icmp', iana_number: '58' }, iptables: { icmp: { type: 128 } } });
});

t.test('the packet quoted inside an ICMP error does not overwrite this packet', async (t) => {
  const event = decode(
    'kernel',
    '[UFW BLOCK] IN=eth0 OUT= SRC=192.0.2.1 DST=10.0.0.5 LEN=88 TTL=64 ID=5 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.0.0.5 DST=192.0.2.1 LEN=60 TTL=64 ID=6 PROTO=UDP SPT=53 DPT=9999 LEN=40 ]',
  );
  expectEvent(t, event, {
    source: { ip: '192.0.2.1' },
    destination: { ip: '10.0.0.5' },
    network: { transport: 'icmp' },
    iptables: { icmp: { type: 3, code: 3 } },
  });
  t.equal(event.source?.port, undefined);
});

t.test('TCP sequence numbers and several flags', async (t) => {
  const event = decode(
    'kernel',
    'IN=eth0 OUT= SRC=192.0.2.1 DST=10.0.0.5 LEN=40 TTL=64 ID=5 PROTO=TCP SPT=1 DPT=2 SEQ=100 ACK=200 WINDOW=0 RES=0x00 ACK RST URGP=0',
  );
  expectEvent(t, event, { iptables: { tcp: { seq: 100, ack: 200, flags: ['ACK', 'RST'] } } });
});

t.test('netfilter lines are recognised in plain files and from unknown tags', async (t) => {
  t.equal(decodePlain(UFW_BLOCK).event.action, ACTIONS.firewallPacket);
  t.equal(decode('ufw', UFW_BLOCK).event.action, ACTIONS.firewallPacket);
});

t.test('a kernel line that only mentions IN= is not a packet', async (t) => {
  const event = decode('kernel', 'eth0: link up IN=x');
  t.equal(event.event.action, undefined);
  t.equal(event.event.dataset, 'system.syslog');
});

t.test('a numeric PROTO is kept as the IANA number; flags after it are not fragment flags', async (t) => {
  const event = decode('kernel', 'IN=eth0 OUT= SRC=192.0.2.1 DST=10.0.0.5 LEN=40 TTL=64 ID=5 DF PROTO=47 XF');
  t.equal(event.network?.iana_number, '47');
  t.equal(event.network?.transport, undefined);
  t.strictSame(event.iptables?.fragment_flags, ['DF']);
});
