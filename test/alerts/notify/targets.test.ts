import t from 'tap';
import { parseWebhookTarget, parseWebhookTargets } from '../../../alerts/notify/targets.js';

t.test('a URL without a prefix is a JSON target; slack+ and json+ pick the format', async (t) => {
  t.match(parseWebhookTarget('https://hooks.example.com/siemad'), { format: 'json', url: 'https://hooks.example.com/siemad' });
  t.match(parseWebhookTarget('slack+https://hooks.slack.com/services/T0/B0/secret'), {
    format: 'slack',
    url: 'https://hooks.slack.com/services/T0/B0/secret',
  });
  t.match(parseWebhookTarget('JSON+http://127.0.0.1:8080/hook'), { format: 'json', url: 'http://127.0.0.1:8080/hook' });
});

t.test('the target id names format and host but not the URL, and is the same wherever it is computed', async (t) => {
  const slack = parseWebhookTarget('slack+https://hooks.slack.com/services/T0/B0/secret');
  t.match(slack.id, /^slack:hooks\.slack\.com#[0-9a-f]{10}$/);
  t.notMatch(slack.id, 'secret');
  t.equal(parseWebhookTarget('slack+https://hooks.slack.com/services/T0/B0/secret').id, slack.id);
  t.not(
    parseWebhookTarget('slack+https://hooks.slack.com/services/T0/B0/other').id,
    slack.id,
    'another URL on the same host is another target',
  );
  t.not(
    parseWebhookTarget('https://hooks.slack.com/services/T0/B0/secret').id,
    slack.id,
    'the same URL in another format is another target',
  );
});

t.test('a comma-separated list splits only where the next URL starts', async (t) => {
  const targets = parseWebhookTargets(
    'https://a.example.com/hook?tags=x,y, slack+https://b.example.com/s,https://a.example.com/hook?tags=x,y',
  );
  t.same(
    targets.map((target) => [target.format, target.url]),
    [
      ['json', 'https://a.example.com/hook?tags=x,y'],
      ['slack', 'https://b.example.com/s'],
    ],
    'the comma in the query stays; the duplicate counts once',
  );
});

t.test('bad specs are refused with one line naming the problem', async (t) => {
  t.throws(() => parseWebhookTarget('teams+https://example.com/x'), /unknown webhook format "teams" \(known: json, slack\)/);
  t.throws(() => parseWebhookTarget('ftp://example.com/x'), /http or https, not ftp:/);
  t.throws(() => parseWebhookTarget('not a url'), /not a URL/);
});
