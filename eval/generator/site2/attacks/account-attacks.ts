/**
 * Misused accounts on site 2, in the studio's night (IST): a non-admin's login (the person at
 * home, or whoever stole the key or password) trying to get root; an admin's account planting a
 * root-equivalent account; an admin's key used between midnight and five from an address none of
 * the studio's networks hands out.
 */
import type { AttackGenerator } from '../../attacks/episode.js';
import { abuseShell, plantAccount } from '../../attacks/privilege-abuse.js';
import { intruderSession } from '../../attacks/night-admin-login.js';
import type { LoginOptions } from '../../sequences/ssh.js';
import { ipv6ShareFor, type Agency, type SshAccess, type StaffMember } from '../organization.js';
import { SUDO_COMMANDS } from '../catalog/commands.js';
import { impossibleTravel, newCountryLogin as loginFromAbroad } from '../../attacks/geo-logins.js';

function login(member: StaffMember, access: SshAccess): LoginOptions {
  return access.method === 'password' ? { account: member, method: 'password' } : { account: member, method: 'publickey', key: member.key };
}

export const sudoAbuse: AttackGenerator<Agency> = (ctx, rng, plan) => {
  const shells = ctx.org.staff.flatMap((member) => member.ssh.filter((access) => !access.sudo).map((access) => ({ member, access })));
  const { member, access } = rng.pick(shells);
  const host = ctx.host(access.host);
  const stolen = rng.chance(0.4);
  const ip = stolen ? ctx.internet.scanner(rng, ipv6ShareFor(host.spec)) : member.home.at(plan.start);
  const detail = abuseShell(ctx, rng, plan, { host, ip, stolenKey: stolen, login: login(member, access) });
  return { source: `${member.name} from ${ip}`, target: host.name, detail };
};

export const rogueAccountCreation: AttackGenerator<Agency> = (ctx, rng, plan) => {
  const admin = rng.pick(ctx.org.admins);
  const access = rng.pick(admin.ssh.filter((candidate) => candidate.sudo));
  const host = ctx.host(access.host);
  const ip = admin.home.at(plan.start);
  const adminGroup = host.spec.legacyShadow === true ? 'wheel' : 'sudo';
  const command = plantAccount(ctx, rng, plan, host, ip, login(admin, access), SUDO_COMMANDS[host.spec.role], adminGroup);
  return { source: `${admin.name} from ${ip}`, target: host.name, detail: command };
};

export const nightAdminLogin: AttackGenerator<Agency> = (ctx, rng, plan) => {
  const admin = rng.pick(ctx.org.admins);
  const access = rng.pick(admin.ssh);
  const host = ctx.host(access.host);
  const share = ipv6ShareFor(host.spec, 0.15);
  const ip = rng.chance(0.5) ? ctx.internet.scanner(rng, share) : ctx.internet.visitor(rng, share);
  const activity = intruderSession(ctx, rng, plan, host, ip, login(admin, access), SUDO_COMMANDS[host.spec.role]);
  return { source: ip, target: `${host.name} (${admin.name})`, detail: `${access.method} login, ${activity}` };
};

/** A staff member's password (a login that takes one, if any does) used from abroad. */
const geoLogin =
  (scenario: typeof loginFromAbroad): AttackGenerator<Agency> =>
  (ctx, rng, plan) => {
    const accesses = ctx.org.staff.flatMap((member) => member.ssh.map((access) => ({ member, access })));
    const typed = accesses.filter(({ access }) => access.method === 'password');
    const { member, access } = rng.pick(typed.length > 0 ? typed : accesses);
    const host = ctx.host(access.host);
    return scenario(ctx, rng, plan, host, { account: member, method: 'password' }, SUDO_COMMANDS[host.spec.role]);
  };

export const newCountryLogin = geoLogin(loginFromAbroad);
export const impossibleTravelLogin = geoLogin(impossibleTravel);
