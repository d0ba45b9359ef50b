/**
 * Distributed brute force: a botnet guesses one account's password from many addresses, each
 * address trying only one to three times, so no single address stands out.
 */
import type { AnyContext, HostRuntime } from '../context.js';
import type { Random } from '../random.js';
import type { AttackGenerator, EpisodePlan, EpisodeSummary } from './episode.js';
import { minutes, seconds } from '../clock.js';
import { isKnownUser } from '../organization.js';
import { failedPasswordConnection, pickEnding, type SshPeer } from '../sequences/ssh.js';

/** A botnet: 30-150 addresses, one to three guesses each, for `user` on `host`. */
export function botnetGuessing(
  ctx: AnyContext,
  rng: Random,
  plan: EpisodePlan,
  host: HostRuntime,
  user: string,
  validUser: boolean,
  ipv6Share = 0.05,
): EpisodeSummary {
  const sources = rng.int(30, 150);
  const duration = minutes(rng.between(30, 180));
  for (let i = 0; i < sources; i++) {
    const peer: SshPeer = { host, ip: ctx.internet.scanner(rng, ipv6Share), origin: plan };
    let time = plan.start + Math.round(rng.float() * duration);
    const attempts = rng.weighted([1, 2, 3], [5, 3, 2]);
    if (rng.chance(0.5)) {
      failedPasswordConnection(ctx, rng, peer, time, { user, validUser, attempts, ending: pickEnding(rng) });
      continue;
    }
    for (let attempt = 0; attempt < attempts; attempt++) {
      time =
        failedPasswordConnection(ctx, rng, peer, time, { user, validUser, attempts: 1, ending: pickEnding(rng) }) +
        seconds(rng.between(5, 120));
    }
  }
  return { source: `${sources} addresses`, target: `${host.name} (${user})`, detail: `over ${(duration / 6e7).toFixed(0)} min` };
}

export const distributedBruteForce: AttackGenerator = (ctx, rng, plan): EpisodeSummary => {
  const host = rng.pick(ctx.hostsWhere((spec) => spec.publicSsh));
  const user = rng.chance(0.3) ? 'root' : rng.pick([...ctx.org.admins, ...rng.sample(ctx.org.employees, 3)]).name;
  return botnetGuessing(ctx, rng, plan, host, user, isKnownUser(ctx.org, user));
};
