/**
 * An admin account logs in at night from an address it has never used, with its own key and no
 * failed attempts before (a stolen key or session), looks around, maybe uses sudo, and leaves.
 */
import type { AnyContext, HostRuntime } from '../context.js';
import type { Random } from '../random.js';
import type { AttackGenerator, EpisodePlan, EpisodeSummary } from './episode.js';
import { minutes, seconds } from '../clock.js';
import { closeSession, openSession, type LoginOptions } from '../sequences/ssh.js';
import { sudo, sudoWrongPasswords, type Terminal } from '../sequences/privilege.js';
import { ADMIN_SUDO_COMMANDS, type SudoCommandTemplate } from '../catalog/commands.js';

const RECONNAISSANCE = [
  '/usr/bin/cat /etc/shadow',
  '/usr/bin/tar czf /tmp/.cache.tgz /etc /home',
  '/usr/bin/crontab -l',
  '/usr/bin/ss -tlnp',
];

/** The intruder's session with an admin's key: a look around, maybe sudo; returns what it did. */
export function intruderSession(
  ctx: AnyContext,
  rng: Random,
  plan: EpisodePlan,
  host: HostRuntime,
  ip: string,
  login: LoginOptions,
  commands: readonly SudoCommandTemplate[],
): string {
  const admin = login.account;
  const { session, time: loggedIn } = openSession(ctx, rng, { host, ip, origin: plan }, plan.start, login);
  const terminal: Terminal = { host, account: admin, tty: session.tty, origin: plan };
  let time = loggedIn + seconds(rng.between(10, 120));
  const roll = rng.float();
  let activity = 'no sudo';
  if (roll < 0.3) {
    const count = rng.int(1, 3);
    for (let i = 0; i < count; i++) {
      const command = rng.chance(0.5) ? rng.pick(RECONNAISSANCE) : rng.pick(commands).command;
      time =
        sudo(ctx, rng, terminal, time, command, { pwd: `/home/${admin.name}`, runSeconds: rng.between(0.2, 20) }) +
        seconds(rng.between(10, 120));
    }
    activity = `${count} sudo commands`;
  } else if (roll < 0.5) {
    time = sudoWrongPasswords(ctx, rng, terminal, time, rng.pick(RECONNAISSANCE)) + seconds(rng.between(10, 60));
    activity = 'sudo password rejected';
  }
  closeSession(ctx, rng, session, Math.max(time, loggedIn + minutes(rng.between(3, 40))));
  return activity;
}

export const nightAdminLogin: AttackGenerator = (ctx, rng, plan): EpisodeSummary => {
  const admin = rng.pick(ctx.org.admins);
  const host = rng.pick(ctx.hostsWhere((spec) => spec.publicSsh));
  const ip = rng.chance(0.5) ? ctx.internet.scanner(rng, 0.15) : ctx.internet.visitor(rng, 0.15);
  const method = admin.authMethod;
  const activity = intruderSession(ctx, rng, plan, host, ip, { account: admin, method, key: admin.key }, ADMIN_SUDO_COMMANDS);
  return { source: ip, target: `${host.name} (${admin.name})`, detail: `${method} login, ${activity}` };
};
