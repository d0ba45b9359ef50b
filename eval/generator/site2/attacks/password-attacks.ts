/**
 * Password attacks on site 2, each in the attacked server's sshd dialect: on mx1 a valid
 * account's wrong passwords show only as PAM failures; on the CentOS 7 CRM in RHEL's `secure`
 * forms. Spraying also comes through the webmail's login form, where the log names no account.
 */
import type { GenerationContext } from '../../context.js';
import type { Random } from '../../random.js';
import type { AttackGenerator, EpisodePlan, EpisodeSummary } from '../../attacks/episode.js';
import { minutes, seconds } from '../../clock.js';
import type { SshPeer } from '../../sequences/ssh.js';
import { logApacheRequest } from '../../sequences/http.js';
import { bruteForceFrom, crackPassword } from '../../attacks/ssh-brute-force.js';
import { SPRAY_PACE, spray } from '../../attacks/password-spraying.js';
import { botnetGuessing } from '../../attacks/distributed-brute-force.js';
import { BROWSER_USER_AGENTS } from '../../catalog/user-agents.js';
import { FORGOTTEN_ACCOUNT, hostKnows, ipv6ShareFor, type Agency } from '../organization.js';
import { WEBMAIL } from '../catalog/webmail.js';

type Context = GenerationContext<Agency>;

const staffNames = (ctx: Context): string[] => ctx.org.staff.map((member) => member.name);

export const bruteForce: AttackGenerator<Agency> = (ctx, rng, plan) => {
  const host = rng.pick(ctx.hostsWhere(() => true));
  const peer: SshPeer = { host, ip: ctx.internet.scanner(rng, ipv6ShareFor(host.spec)), origin: plan };
  return bruteForceFrom(ctx, rng, plan, peer, staffNames(ctx), (user) => hostKnows(host.spec, user));
};

/** Accounts whose password can be guessed: people who type one, and forgotten defaults. */
const WEAK_ACCOUNTS: Record<string, readonly { name: string; uid: number }[]> = {
  mx1: [FORGOTTEN_ACCOUNT],
  app1: [
    { name: 'meera', uid: 1004 },
    { name: 'ubuntu', uid: 1000 },
  ],
  'crm-old': [
    { name: 'kabir', uid: 1002 },
    { name: 'centos', uid: 1000 },
  ],
};

export const bruteForceSuccess: AttackGenerator<Agency> = (ctx, rng, plan) => {
  const host = rng.pick(ctx.hostsWhere((spec) => (WEAK_ACCOUNTS[spec.name] ?? []).length > 0));
  const peer: SshPeer = { host, ip: ctx.internet.scanner(rng, ipv6ShareFor(host.spec)), origin: plan };
  return crackPassword(ctx, rng, plan, peer, rng.pick(WEAK_ACCOUNTS[host.name] ?? []), (user) => hostKnows(host.spec, user));
};

/** Role mailboxes and defaults a sprayer adds to the people's names it found on the web site. */
const SPRAYED_EXTRAS = ['office', 'admin', 'info', 'billing', 'support', 'deploy'];

/** The webmail's login form, one password per address every few minutes, from one address. */
function sprayWebmail(ctx: Context, rng: Random, plan: EpisodePlan): EpisodeSummary {
  const host = ctx.hostsWhere((spec) => spec.role === 'mail')[0];
  if (!host) throw new Error('site 2 has no mail host');
  const { webmail } = ctx.org;
  const vhost = { host, name: webmail.vhost, port: webmail.port };
  const clientIp = ctx.internet.scanner(rng);
  const userAgent = rng.pick(BROWSER_USER_AGENTS);
  const attempts = rng.int(12, 30);
  let time = plan.start;
  for (let i = 0; i < attempts; i++) {
    logApacheRequest(
      ctx,
      rng,
      vhost,
      time,
      { clientIp, request: `GET ${WEBMAIL.loginForm} HTTP/1.1`, status: 200, bytes: 5_912, userAgent },
      plan,
    );
    time += seconds(rng.between(0.5, 3));
    logApacheRequest(
      ctx,
      rng,
      vhost,
      time,
      { clientIp, request: `POST ${WEBMAIL.login} HTTP/1.1`, status: 401, bytes: 5_986, referer: `https://${webmail.vhost}/`, userAgent },
      plan,
    );
    time += minutes(rng.between(3.5, 8));
  }
  return { source: clientIp, target: `${webmail.vhost} login form`, detail: `${attempts} attempts, ${SPRAY_PACE}` };
}

export const passwordSpraying: AttackGenerator<Agency> = (ctx, rng, plan) => {
  if (rng.chance(0.4)) return sprayWebmail(ctx, rng, plan);
  const host = rng.pick(ctx.hostsWhere((spec) => spec.role !== 'crm'));
  const peer: SshPeer = { host, ip: ctx.internet.scanner(rng), origin: plan };
  const targets = rng.shuffle([...staffNames(ctx), ...rng.sample(SPRAYED_EXTRAS, rng.int(2, SPRAYED_EXTRAS.length))]);
  const attempts = spray(ctx, rng, peer, plan.start, targets, (user) => hostKnows(host.spec, user));
  return { source: peer.ip, target: `${host.name} (${targets.length} accounts)`, detail: `${attempts} attempts, ${SPRAY_PACE}` };
};

export const distributedBruteForce: AttackGenerator<Agency> = (ctx, rng, plan) => {
  const host = rng.weighted(
    ctx.hostsWhere(() => true),
    [2, 1, 1],
  );
  const user = rng.chance(0.3) ? 'root' : rng.pick([...ctx.org.admins.map((admin) => admin.name), FORGOTTEN_ACCOUNT.name]);
  return botnetGuessing(ctx, rng, plan, host, user, hostKnows(host.spec, user), ipv6ShareFor(host.spec));
};
