/**
 * Fast SSH password guessing from one address: dozens to hundreds of failures within minutes,
 * through several parallel connections, each trying one to six passwords. The `success` variant
 * ends with the right password for a real account and a session from the same address.
 */
import type { AnyContext, GenerationContext } from '../context.js';
import type { Random } from '../random.js';
import type { Account } from '../organization.js';
import type { AttackGenerator, EpisodePlan, EpisodeSummary } from './episode.js';
import { minutes, seconds } from '../clock.js';
import { isKnownUser } from '../organization.js';
import { MAX_AUTH_TRIES, closeSession, failedPasswordConnection, openSession, pickEnding, type SshPeer } from '../sequences/ssh.js';
import { SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS } from '../catalog/ssh-usernames.js';

export type Wordlist = (rng: Random) => string;

export interface Campaign {
  peer: SshPeer;
  attempts: number;
  durationMinutes: number;
  nextUser: Wordlist;
  /** Whether the attacked host has an account of that name (else sshd says `Invalid user`). */
  knows: (user: string) => boolean;
}

/** Runs the guessing; returns the time of the last failure. */
export function guessPasswords(ctx: AnyContext, rng: Random, start: number, campaign: Campaign): number {
  const { peer, attempts, durationMinutes, nextUser, knows } = campaign;
  // Tools differ: one password per connection (fast reconnects) or up to MaxAuthTries.
  const perConnection = rng.pick([1, 3, MAX_AUTH_TRIES]);
  const connections = Math.ceil(attempts / perConnection);
  const meanGap = minutes(durationMinutes) / connections;
  let remaining = attempts;
  let time = start;
  let last = start;
  while (remaining > 0) {
    const user = nextUser(rng);
    const tries = Math.min(remaining, perConnection === MAX_AUTH_TRIES ? MAX_AUTH_TRIES : rng.int(1, perConnection));
    last = Math.max(
      last,
      failedPasswordConnection(ctx, rng, peer, time, { user, validUser: knows(user), attempts: tries, ending: pickEnding(rng) }),
    );
    remaining -= tries;
    // Parallel tasks: the next connection often starts before this one ends.
    time += Math.round(rng.exponential(meanGap));
  }
  return last;
}

/** What a guessing tool tries: root only, a dictionary of common names, or one person's name. */
function wordlistFor(rng: Random, people: readonly string[]): { describe: string; next: Wordlist } {
  const style = rng.weighted(['root', 'dictionary', 'employee'] as const, [4, 4, 2]);
  if (style === 'root') return { describe: 'root', next: () => 'root' };
  if (style === 'employee') {
    const target = rng.pick(people);
    return { describe: target, next: () => target };
  }
  return { describe: 'common user names', next: (r) => r.weighted(SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS) };
}

/** Fast guessing from `peer` against names drawn from `people`'s or a dictionary. */
export function bruteForceFrom(
  ctx: AnyContext,
  rng: Random,
  plan: EpisodePlan,
  peer: SshPeer,
  people: readonly string[],
  knows: (user: string) => boolean,
): EpisodeSummary {
  const wordlist = wordlistFor(rng, people);
  const attempts = rng.int(40, 300);
  const durationMinutes = rng.between(2, 15);
  guessPasswords(ctx, rng, plan.start, { peer, attempts, durationMinutes, nextUser: wordlist.next, knows });
  return {
    source: peer.ip,
    target: `${peer.host.name} (${wordlist.describe})`,
    detail: `${attempts} passwords in ~${durationMinutes.toFixed(0)} min`,
  };
}

export const bruteForce: AttackGenerator = (ctx, rng, plan): EpisodeSummary => {
  const host = rng.pick(ctx.hostsWhere((spec) => spec.publicSsh));
  const peer: SshPeer = { host, ip: ctx.internet.scanner(rng), origin: plan };
  return bruteForceFrom(
    ctx,
    rng,
    plan,
    peer,
    ctx.org.employees.map((employee) => employee.name),
    (user) => isKnownUser(ctx.org, user),
  );
};

/** An account whose password can be guessed: one typed by a person, or a forgotten default. */
function weakAccount(rng: Random, ctx: GenerationContext): Account {
  const passwordUsers = ctx.org.employees.filter((employee) => employee.authMethod === 'password');
  if (passwordUsers.length > 0 && rng.chance(0.6)) return rng.pick(passwordUsers);
  return ctx.org.systemAccounts.find((account) => account.name === 'ubuntu') ?? { name: 'ubuntu', uid: 1000 };
}

/** Guessing that ends with `account`'s right password and a session from the same address. */
export function crackPassword(
  ctx: AnyContext,
  rng: Random,
  plan: EpisodePlan,
  peer: SshPeer,
  account: Account,
  knows: (user: string) => boolean,
): EpisodeSummary {
  const attempts = rng.int(25, 180);
  const durationMinutes = rng.between(2, 20);
  // Mostly the victim's name, with the wordlist's usual suspects mixed in.
  const nextUser: Wordlist = (r) => (r.chance(0.8) ? account.name : r.weighted(SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS));
  const lastFailure = guessPasswords(ctx, rng, plan.start, { peer, attempts, durationMinutes, nextUser, knows });
  const { session, time } = openSession(ctx, rng, peer, lastFailure + seconds(rng.between(1, 20)), { account, method: 'password' });
  closeSession(ctx, rng, session, time + minutes(rng.between(1, 25)));
  return { source: peer.ip, target: `${peer.host.name} (${account.name})`, detail: `${attempts} failures, then a session` };
}

export const bruteForceSuccess: AttackGenerator = (ctx, rng, plan: EpisodePlan): EpisodeSummary => {
  const host = rng.pick(ctx.hostsWhere((spec) => spec.publicSsh));
  const peer: SshPeer = { host, ip: ctx.internet.scanner(rng), origin: plan };
  return crackPassword(ctx, rng, plan, peer, weakAccount(rng, ctx), (user) => isKnownUser(ctx.org, user));
};
