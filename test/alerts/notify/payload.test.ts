import t from 'tap';
import type { AlertNotification } from '../../../alerts/notify/notification.js';
import { checkAlertUrlTemplate, encodePayload, slackPayload } from '../../../alerts/notify/payload.js';

function notification(overrides: Partial<AlertNotification['alert']> = {}): AlertNotification {
  return {
    deliveryId: 7,
    historyId: 11,
    trigger: 'escalated',
    level: 'critical',
    previousLevel: 'high',
    triggeredAt: new Date('2026-11-02T10:00:05Z'),
    attempt: 1,
    alert: {
      id: 3,
      entity: 'source.ip=203.0.113.9',
      kind: 'brute_force',
      status: 'open',
      level: 'critical',
      score: 0.97,
      count: 120,
      firstSeen: new Date('2026-11-02T09:50:00Z'),
      lastSeen: new Date('2026-11-02T10:00:00Z'),
      topReasons: [],
      recommendedAction: null,
      hosts: [],
      ...overrides,
    },
  };
}

t.test('the link template takes {id}, {entity} and {kind} and must give an http(s) URL', async (t) => {
  t.equal(checkAlertUrlTemplate('https://siemad.example.com/api/v1/alerts/{id}'), 'https://siemad.example.com/api/v1/alerts/{id}');
  t.throws(
    () => checkAlertUrlTemplate('https://x.example.com/{alert}'),
    /unknown placeholder \{alert\} \(known: \{id\}, \{entity\}, \{kind\}\)/,
  );
  t.throws(() => checkAlertUrlTemplate('{id}'), /not a URL once filled in/);
  t.throws(() => checkAlertUrlTemplate('javascript:alert({id})'), /http or https/);
});

t.test('the JSON payload of an escalation names both levels; without a template there is no url', async (t) => {
  const body = JSON.parse(encodePayload('json', notification(), undefined));
  t.match(body, {
    event: 'alert.escalated',
    level: 'critical',
    previous_level: 'high',
    delivery_id: 7,
    triggered_at: '2026-11-02T10:00:05.000Z',
    alert: { id: 3, first_seen: '2026-11-02T09:50:00.000Z', recommended_action: null },
  });
  t.notOk('url' in body.alert);
});

t.test('a Slack message without reasons, action or link has no blocks for them, and stays within Slack limits', async (t) => {
  const long = 'x'.repeat(5_000);
  const message = slackPayload(notification({ entity: `user.name=${long}`, topReasons: [long, long] }), undefined) as {
    text: string;
    blocks: { type: string; text?: { text: string } }[];
  };
  t.same(
    message.blocks.map((b) => b.type),
    ['header', 'section', 'section', 'context'],
  );
  t.ok(message.blocks[0]!.text!.text.length <= 150, 'header within 150');
  for (const block of message.blocks) if (block.text !== undefined) t.ok(block.text.text.length <= 3000, `${block.type} within 3000`);
  t.ok(message.text.length <= 3000);
  t.match(message.blocks[0]!.text!.text, /^:rotating_light: Critical alert escalated from high: brute_force by user\.name=x+…$/);
});
