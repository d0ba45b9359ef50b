import t from 'tap';
import { MAX_KV_PAIRS, MAX_KV_VALUE_LENGTH } from '../../../collector/decoders/kv.js';
import { TAGS } from '../../../collector/ecs/event.js';
import { decode } from './helpers.js';

t.test('an unknown program with key=value pairs: event.kv, no action, tagged', async (t) => {
  const event = decode('myapp', 'login attempt user=alice src=192.0.2.1 result="bad password, locked" code=42;');
  t.strictSame({ ...event.kv }, { user: 'alice', src: '192.0.2.1', result: 'bad password, locked', code: '42' });
  t.equal(event.event.action, undefined);
  t.equal(event.source, undefined, 'kv values are not promoted to ECS fields');
  t.ok(event.tags?.includes(TAGS.decodeUnknown));
});

t.test('pairs are bounded in number and value length', async (t) => {
  const body = Array.from({ length: 100 }, (_, i) => `k${i}=${'v'.repeat(1000)}`).join(' ');
  const kv = decode('myapp', body).kv ?? {};
  t.equal(Object.keys(kv).length, MAX_KV_PAIRS);
  t.equal(kv['k0']?.length, MAX_KV_VALUE_LENGTH);
});

t.test('keys cannot reach the prototype, the first of repeated keys wins', async (t) => {
  const kv = decode('myapp', '__proto__=x constructor=y a=1 a=2').kv;
  t.equal(Object.getPrototypeOf(kv), null);
  t.equal(kv?.['__proto__'], 'x');
  t.equal(kv?.['a'], '1');
});

t.test('no pairs: message only, no kv', async (t) => {
  const event = decode('myapp', 'something happened = maybe');
  t.equal(event.kv, undefined);
  t.equal(event.message, 'something happened = maybe');
  t.ok(event.tags?.includes(TAGS.decodeUnknown));
});

t.test('an unterminated quoted value runs to the end of the body', async (t) => {
  t.equal(decode('myapp', 'a="open ended').kv?.['a'], 'open ended');
});
