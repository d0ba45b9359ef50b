import t from 'tap';
import { spawnSync } from 'node:child_process';
import { withoutCredentials } from '../../core/logger.js';

t.test('URLs lose their user info; what is no URL is withheld', async (t) => {
  t.equal(withoutCredentials('https://siemad:s3cret@search.example:9200/'), 'https://search.example:9200/');
  t.equal(withoutCredentials('http://127.0.0.1:9200'), 'http://127.0.0.1:9200');
  t.equal(withoutCredentials('not a url with s3cret'), '[redacted]');
});

t.test('log lines never carry passwords, nor credentials inside URLs', async (t) => {
  const script = `
    import { createLogger } from './core/logger.ts';
    const logger = createLogger('info', 1);
    logger.info({ url: 'https://siemad:s3cret@search.example:9200', password: 's3cret', opensearchPassword: 's3cret',
      options: { opensearchUrl: 'http://u:s3cret@h:1', url: 'http://u:s3cret@h:2' } }, 'configured');
    logger.flush();`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url).pathname,
    encoding: 'utf8',
  });
  t.equal(result.status, 0, result.stderr);
  t.notMatch(result.stdout, /s3cret/);
  const line = JSON.parse(result.stdout.trim()) as Record<string, any>;
  t.equal(line.url, 'https://search.example:9200/', 'the URL stays useful');
  t.equal(line.options.opensearchUrl, 'http://h:1/');
  t.equal(line.password, '[redacted]');
});
