import { Command } from 'commander';
import t from 'tap';
import { addNotifyOptions, notifierConfig, type NotifyFlags } from '../../cli/notify-options.js';
import { readYaml } from '../provisioning/provisioning-files.js';

function parse(args: string[], env: Record<string, string> = {}): NotifyFlags {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    const command = addNotifyOptions(new Command('serve').exitOverride().configureOutput({ writeErr: () => undefined }));
    command.parse(args, { from: 'user' });
    return command.opts<NotifyFlags>();
  } finally {
    for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
  }
}

t.test('--webhook-url is repeatable and comma-separated, each URL with its format', async (t) => {
  const flags = parse([
    '--webhook-url',
    'https://a.example.com/hook,slack+https://hooks.slack.com/services/T/B/x',
    '--webhook-url',
    'json+https://b.example.com/siemad',
  ]);
  t.same(
    flags.webhookUrl.map((target) => [target.format, target.url]),
    [
      ['json', 'https://a.example.com/hook'],
      ['slack', 'https://hooks.slack.com/services/T/B/x'],
      ['json', 'https://b.example.com/siemad'],
    ],
  );
});

t.test('without --webhook-url there are no targets, and the defaults hold', async (t) => {
  const config = notifierConfig(parse([]));
  t.same(config.targets, []);
  t.match(config, {
    minLevel: 'low',
    rateLimitPerMinute: 30,
    timeoutMs: 10_000,
    concurrency: 4,
    maxAgeMs: 3_600_000,
    retry: { maxAttempts: 10, initialDelayMs: 2_000, maxDelayMs: 300_000 },
  });
  t.notOk('alertUrlTemplate' in config);
});

t.test('the environment docker-compose.yml gives the collector is accepted', async (t) => {
  const compose = readYaml<{ services: { siemad: { environment: Record<string, string> } } }>('docker-compose.yml');
  const template = compose.services.siemad.environment.SIEMAD_ALERT_URL_TEMPLATE!;
  // An unset SIEMAD_WEBHOOK_URL reaches the collector as an empty value.
  const flags = parse([], { SIEMAD_WEBHOOK_URL: '', SIEMAD_ALERT_URL_TEMPLATE: template });
  t.same(flags.webhookUrl, []);
  t.equal(flags.alertUrlTemplate, template);
  t.notOk('alertUrlTemplate' in notifierConfig(parse([], { SIEMAD_ALERT_URL_TEMPLATE: ' ' })), 'an empty template is none');
});

t.test('bad values are refused with the reason', async (t) => {
  t.throws(() => parse(['--webhook-url', 'teams+https://x.example.com']), /unknown webhook format "teams"/);
  t.throws(() => parse(['--alert-url-template', 'https://x.example.com/{alert}']), /unknown placeholder \{alert\}/);
  t.throws(() => parse(['--webhook-min-level', 'severe']), /expected one of low, medium, high, critical/);
  t.throws(() => parse(['--webhook-timeout', '0']), /greater than 0/);
});

t.test('a backoff longer than the usual cap raises the cap with it', async (t) => {
  t.match(notifierConfig(parse(['--webhook-backoff', '10m'])).retry, { initialDelayMs: 600_000, maxDelayMs: 600_000 });
});
