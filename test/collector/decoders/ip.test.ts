import t from 'tap';
import { isHostName, isIp } from '../../../collector/decoders/ip.js';

t.test('accepts IPv4 and IPv6 addresses in the forms logs write them', async (t) => {
  for (const ip of [
    '1.2.3.4',
    '255.255.255.255',
    '0.0.0.0',
    '::1',
    '::',
    '2001:db8::5',
    'fe80::1:2',
    '::ffff:1.2.3.4',
    '2001:db8:0:0:0:0:2:1',
    '1:2:3:4:5:6:1.2.3.4',
    'FE80::A',
  ]) {
    t.ok(isIp(ip), ip);
  }
});

t.test('rejects what OpenSearch would refuse in an ip field', async (t) => {
  for (const text of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.2.3.4',
    '1.2.3.4 ',
    'a.b.c.d',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::1',
    'fe80::1%eth0',
    '1:',
    ':1',
    'host.example.com',
    '1.2.3.4:22',
    'g::1',
    '1:2:3:4:5:6:7:1.2.3.4',
  ]) {
    t.notOk(isIp(text), JSON.stringify(text));
  }
});

t.test('host names are letters, digits, dots, dashes and underscores only', async (t) => {
  t.ok(isHostName('5.36.59.76.dynamic-dsl-ip.omantel.net.om'));
  t.ok(isHostName('ns_1.example.com'));
  t.notOk(isHostName(''));
  t.notOk(isHostName('evil host'));
  t.notOk(isHostName('a'.repeat(254)));
});
