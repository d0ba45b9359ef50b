/**
 * Generates a labelled security-log stream: a site's ordinary activity over `days` days with
 * attack episodes woven in, as one rsyslog file (all hosts forward to one collector). Site 1 is a
 * 36-person company (this file); site 2 a six-person agency built differently (site2/). The same
 * options always give the same lines.
 */
import { GenerationContext } from './context.js';
import { InternetAddresses } from './internet.js';
import { LogStream } from './log-stream.js';
import { buildOrganization } from './organization.js';
import { Random } from './random.js';
import { generateCron } from './benign/cron.js';
import { generateWorkforce } from './benign/workforce.js';
import { generateAutomation } from './benign/automation.js';
import { generateSshNoise } from './benign/ssh-noise.js';
import { generateWebTraffic } from './benign/web-traffic.js';
import { generateFirewallNoise } from './benign/firewall-noise.js';
import { weaveAttacks } from './attacks/weave.js';
import { ATTACK_GENERATORS } from './attacks/index.js';
import { streamWindow, type GenerateOptions, type GeneratedStream } from './stream-result.js';
import { generateAgencyStream } from './site2/generate.js';

export { DEFAULT_START_TIME, SITES, type Episode, type GenerateOptions, type GeneratedStream, type SiteNumber } from './stream-result.js';

function generateCompanyStream(options: GenerateOptions): GeneratedStream {
  const { start, end } = streamWindow(options);
  const rng = new Random(options.seed);
  const stream = new LogStream(start, end);
  const ctx = new GenerationContext(
    rng.fork('hosts'),
    stream,
    buildOrganization(rng.fork('organization')),
    new InternetAddresses(rng.fork('internet')),
  );

  generateCron(ctx, rng.fork('cron'));
  generateWorkforce(ctx, rng.fork('workforce'));
  generateAutomation(ctx, rng.fork('automation'));
  generateSshNoise(ctx, rng.fork('ssh-noise'));
  generateWebTraffic(ctx, rng.fork('web'));
  generateFirewallNoise(ctx, rng.fork('firewall'));

  return weaveAttacks(ctx, rng, stream, options, { start, end }, ATTACK_GENERATORS);
}

export function generateStream(options: GenerateOptions): GeneratedStream {
  return (options.site ?? 1) === 2 ? generateAgencyStream(options) : generateCompanyStream(options);
}
