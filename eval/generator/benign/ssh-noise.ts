/**
 * The internet's background on a public SSH port: a steady stream of distinct addresses that
 * each try one or two passwords for common user names, or only grab the banner, then leave.
 * This is what the OpenSSH corpus shows on an internet-facing server.
 */
import type { AnyContext, GenerationContext, HostRuntime } from '../context.js';
import type { Random } from '../random.js';
import { BENIGN } from '../log-stream.js';
import { arrivals } from '../arrivals.js';
import { seconds } from '../clock.js';
import { isKnownUser } from '../organization.js';
import { failedPasswordConnection, pickEnding, probeConnection, type ProbeKind, type SshPeer } from '../sequences/ssh.js';
import { SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS } from '../catalog/ssh-usernames.js';

const CONNECTIONS_PER_HOUR_PER_HOST = 7;

/** Connections that never authenticate, in the proportions of an OpenSSH 8.9+ log. */
export const PROBES: ProbeMix = {
  kinds: ['closed', 'no-identification', 'kex-closed', 'kex-reset', 'banner', 'negotiation'],
  weights: [30, 14, 16, 4, 6, 8],
};

export interface ProbeMix {
  kinds: readonly ProbeKind[];
  weights: readonly number[];
}

/**
 * One internet client's visit to `host`'s SSH port: a probe, or one or two password guesses for
 * common names (`knows` says which exist on the host).
 */
export function internetSshVisit(
  ctx: AnyContext,
  rng: Random,
  host: HostRuntime,
  start: number,
  knows: (user: string) => boolean,
  probes = PROBES,
  ipv6Share = 0.05,
): void {
  const peer: SshPeer = { host, ip: ctx.internet.scanner(rng, ipv6Share), origin: BENIGN };
  if (rng.chance(0.4)) {
    probeConnection(ctx, rng, peer, start, rng.weighted(probes.kinds, probes.weights));
    return;
  }
  const attempts = rng.chance(0.7) ? 1 : 2;
  const user = rng.weighted(SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS);
  const validUser = knows(user);
  if (attempts === 1 || rng.chance(0.5)) {
    failedPasswordConnection(ctx, rng, peer, start, { user, validUser, attempts, ending: pickEnding(rng) });
    return;
  }
  // Two connections a little apart, sometimes with another user name.
  const end = failedPasswordConnection(ctx, rng, peer, start, { user, validUser, attempts: 1, ending: pickEnding(rng) });
  const secondUser = rng.chance(0.5) ? user : rng.weighted(SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS);
  failedPasswordConnection(ctx, rng, peer, end + seconds(rng.between(1, 90)), {
    user: secondUser,
    validUser: knows(secondUser),
    attempts: 1,
    ending: pickEnding(rng),
  });
}

export function generateSshNoise(ctx: GenerationContext, rng: Random): void {
  for (const host of ctx.hostsWhere((spec) => spec.publicSsh)) {
    const hostRng = rng.fork(host.name);
    // Scanning waves: some hours see twice the usual traffic, others half.
    const waveOffset = hostRng.between(0, 24);
    const rate = (time: number): number => CONNECTIONS_PER_HOUR_PER_HOST * (1 + 0.5 * Math.sin((time / 3.6e9 + waveOffset) * 0.7));
    const knows = (user: string): boolean => isKnownUser(ctx.org, user);
    for (const time of arrivals(hostRng, ctx.startTime, ctx.endTime, CONNECTIONS_PER_HOUR_PER_HOST * 1.5, rate))
      internetSshVisit(ctx, hostRng, host, time, knows);
  }
}
