/**
 * The internet's background on a public SSH port: a steady stream of distinct addresses that
 * each try one or two passwords for common user names, or only grab the banner, then leave.
 * This is what the OpenSSH corpus shows on an internet-facing server.
 */
import type { GenerationContext, HostRuntime } from '../context.js';
import type { Random } from '../random.js';
import { BENIGN } from '../log-stream.js';
import { arrivals } from '../arrivals.js';
import { seconds } from '../clock.js';
import { isKnownUser } from '../organization.js';
import { failedPasswordConnection, pickEnding, probeConnection, type ProbeKind, type SshPeer } from '../sequences/ssh.js';
import { SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS } from '../catalog/ssh-usernames.js';

const CONNECTIONS_PER_HOUR_PER_HOST = 7;

const PROBE_KINDS: ProbeKind[] = ['closed', 'no-identification', 'kex-closed', 'kex-reset', 'banner', 'negotiation'];
const PROBE_KIND_WEIGHTS = [30, 14, 16, 4, 6, 8];

function visit(ctx: GenerationContext, rng: Random, host: HostRuntime, start: number): void {
  const peer: SshPeer = { host, ip: ctx.internet.scanner(rng), origin: BENIGN };
  if (rng.chance(0.4)) {
    probeConnection(ctx, rng, peer, start, rng.weighted(PROBE_KINDS, PROBE_KIND_WEIGHTS));
    return;
  }
  const attempts = rng.chance(0.7) ? 1 : 2;
  const user = rng.weighted(SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS);
  const validUser = isKnownUser(ctx.org, user);
  if (attempts === 1 || rng.chance(0.5)) {
    failedPasswordConnection(ctx, rng, peer, start, { user, validUser, attempts, ending: pickEnding(rng) });
    return;
  }
  // Two connections a little apart, sometimes with another user name.
  const end = failedPasswordConnection(ctx, rng, peer, start, { user, validUser, attempts: 1, ending: pickEnding(rng) });
  const secondUser = rng.chance(0.5) ? user : rng.weighted(SCANNER_USERNAMES, SCANNER_USERNAME_WEIGHTS);
  failedPasswordConnection(ctx, rng, peer, end + seconds(rng.between(1, 90)), {
    user: secondUser,
    validUser: isKnownUser(ctx.org, secondUser),
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
    for (const time of arrivals(hostRng, ctx.startTime, ctx.endTime, CONNECTIONS_PER_HOUR_PER_HOST * 1.5, rate)) visit(ctx, hostRng, host, time);
  }
}
