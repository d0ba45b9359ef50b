/**
 * Password spraying: one address tries one password against each real employee account, one
 * attempt every few minutes, so no account and no ten-minute window ever sees five failures.
 */
import type { AnyContext } from '../context.js';
import type { Random } from '../random.js';
import type { AttackGenerator, EpisodeSummary } from './episode.js';
import { minutes } from '../clock.js';
import { failedPasswordConnection, pickEnding, type SshPeer } from '../sequences/ssh.js';

/**
 * Gaps of at least 3.5 minutes keep any 10-minute window at three failures or fewer, and keep
 * fail2ban's rate estimate for failures spread past findtime (about 600 s / gap + 1) below five.
 */
const MIN_GAP_MINUTES = 3.5;
const MAX_GAP_MINUTES = 8;

/** One password per name in `targets` (a second round over half of them now and then), slowly. */
export function spray(
  ctx: AnyContext,
  rng: Random,
  peer: SshPeer,
  start: number,
  targets: readonly string[],
  knows: (user: string) => boolean,
): number {
  const rounds = rng.chance(0.3) ? [...targets, ...rng.sample(targets, Math.ceil(targets.length / 2))] : targets;
  let time = start;
  for (const user of rounds) {
    failedPasswordConnection(ctx, rng, peer, time, { user, validUser: knows(user), attempts: 1, ending: pickEnding(rng) });
    time += minutes(rng.between(MIN_GAP_MINUTES, MAX_GAP_MINUTES));
  }
  return rounds.length;
}

export const SPRAY_PACE = `one every ${MIN_GAP_MINUTES}-${MAX_GAP_MINUTES} min`;

export const passwordSpraying: AttackGenerator = (ctx, rng, plan): EpisodeSummary => {
  const host = rng.pick(ctx.hostsWhere((spec) => spec.publicSsh));
  const peer: SshPeer = { host, ip: ctx.internet.scanner(rng), origin: plan };
  const employees = ctx.org.employees;
  const targets = rng.sample(employees, rng.int(Math.min(15, employees.length), employees.length)).map((employee) => employee.name);
  const attempts = spray(ctx, rng, peer, plan.start, targets, () => true);
  return { source: peer.ip, target: `${host.name} (${targets.length} accounts)`, detail: `${attempts} attempts, ${SPRAY_PACE}` };
};
