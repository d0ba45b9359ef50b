/**
 * Site 2's stream: Kestrel Studio's week (organization.ts says what it is and why it differs from
 * site 1), with the same attack kinds woven in through its own servers and formats. Timestamps
 * are IST (`+05:30`), as its servers' rsyslog writes them. The same options give the same bytes.
 */
import { GenerationContext } from '../context.js';
import { InternetAddresses } from '../internet.js';
import { LogStream } from '../log-stream.js';
import { Random } from '../random.js';
import { LocalClock, hours } from '../clock.js';
import type { SiteHours } from '../attacks/schedule.js';
import { weaveAttacks } from '../attacks/weave.js';
import { streamWindow, type GenerateOptions, type GeneratedStream } from '../stream-result.js';
import { generateHostCron } from '../benign/cron.js';
import { BROWSER_USER_AGENTS } from '../catalog/user-agents.js';
import { SITE2_UTC_OFFSET_MINUTES, buildAgency, type Agency } from './organization.js';
import { planOnlineTime, type OnlineInterval } from './benign/online-time.js';
import { generateWebmail } from './benign/webmail.js';
import { generateProjectApp } from './benign/project-app.js';
import { generateMonitoring } from './benign/monitoring.js';
import { generatePackageInstalls } from './benign/packages.js';
import { generateMaintenance } from './benign/maintenance.js';
import { generateStaffSsh } from './benign/staff-ssh.js';
import { generateSite2Firewall } from './benign/firewall.js';
import { generateSite2InternetNoise } from './benign/internet-noise.js';
import { SITE2_ATTACK_GENERATORS } from './attacks/index.js';

const IST = new LocalClock(SITE2_UTC_OFFSET_MINUTES);

/** The studio's people are off 22:00–08:00 IST and on Sundays (Saturdays are half worked). */
const STUDIO_HOURS: SiteHours = {
  offHours: (time) => {
    const hour = IST.hour(time);
    return hour >= 22 || hour < 8 || IST.weekday(time) === 0;
  },
  deepNight: (time) => IST.hour(time) < 5,
};

/** Desktop browsers only: people work on laptops. */
const DESKTOP_USER_AGENTS = BROWSER_USER_AGENTS.filter((agent) => !/Mobile|iPhone|iPad|Android/.test(agent));

export function generateAgencyStream(options: GenerateOptions): GeneratedStream {
  const { start, end } = streamWindow(options);
  const rng = new Random(options.seed).fork('site2');
  const stream = new LogStream(start, end, SITE2_UTC_OFFSET_MINUTES);
  const internet = new InternetAddresses(rng.fork('internet'));
  const agency = buildAgency(rng.fork('agency'), start, end, (visitorRng) => internet.visitor(visitorRng, 0));
  const ctx = new GenerationContext<Agency>(rng.fork('hosts'), stream, agency, internet);

  const online = new Map<string, OnlineInterval[]>();
  const userAgents = new Map<string, string>();
  const peopleRng = rng.fork('people');
  for (const member of agency.staff) {
    online.set(member.name, planOnlineTime(peopleRng.fork(member.name), member, agency.networks, start - hours(24), end));
    userAgents.set(member.name, peopleRng.fork(`browser/${member.name}`).pick(DESKTOP_USER_AGENTS));
  }

  const cronRng = rng.fork('cron');
  for (const host of ctx.hostsWhere(() => true))
    generateHostCron(ctx, cronRng.fork(host.name), host, host.spec.cronJobs, host.spec.cronFlavour);
  generateMaintenance(ctx, rng.fork('maintenance'));
  generateStaffSsh(ctx, rng.fork('ssh'), online);
  generateWebmail(ctx, rng.fork('webmail'), online, userAgents);
  generateProjectApp(ctx, rng.fork('project-app'), online, userAgents);
  generateMonitoring(ctx, rng.fork('monitoring'));
  generatePackageInstalls(ctx, rng.fork('packages'), online);
  generateSite2Firewall(ctx, rng.fork('firewall'), online);
  generateSite2InternetNoise(ctx, rng.fork('internet-noise'));

  return weaveAttacks(ctx, rng, stream, options, { start, end }, SITE2_ATTACK_GENERATORS, STUDIO_HOURS);
}
