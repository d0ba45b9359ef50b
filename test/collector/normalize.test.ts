import t from 'tap';
import { TAGS } from '../../collector/ecs/event.js';
import { defaultObserver, normalize } from '../../collector/normalize.js';

const receivedAt = Date.UTC(2026, 11, 4, 10, 0, 0);
const event = (text: string) =>
  normalize(
    {
      text,
      transport: 'tcp',
      peerAddress: '192.0.2.1',
      peerPort: 514,
      receivedAt,
      connectionId: 1,
      seq: 0,
      truncated: false,
      size: text.length,
    },
    { timeZone: 'UTC', observer: defaultObserver('test') },
  );

t.test('a valid RFC 5424 time outside years 0000-9999 in UTC falls back to the receipt time, tagged', async (t) => {
  for (const time of ['9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+23:59']) {
    const e = event(`<13>1 ${time} h app - - - hello`);
    t.equal(e['@timestamp'], '2026-12-04T10:00:00.000Z', time);
    t.ok(e.tags?.includes(TAGS.timestampOutOfRange), `${time} is tagged`);
  }
  const ordinary = event('<13>1 2026-12-04T09:59:00Z h app - - - hello');
  t.equal(ordinary['@timestamp'], '2026-12-04T09:59:00.000Z');
  t.notOk(ordinary.tags?.includes(TAGS.timestampOutOfRange));
});
