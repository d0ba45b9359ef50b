/** The generator of each attack kind. */
import type { AttackGenerators } from './episode.js';
import { bruteForce, bruteForceSuccess } from './ssh-brute-force.js';
import { passwordSpraying } from './password-spraying.js';
import { distributedBruteForce } from './distributed-brute-force.js';
import { portScanFast, portScanSlow } from './port-scan.js';
import { webScan } from './web-scan.js';
import { rogueAccountCreation, sudoAbuse } from './privilege-abuse.js';
import { nightAdminLogin } from './night-admin-login.js';
import type { Employee, Organization } from '../organization.js';
import type { AttackGenerator } from './episode.js';
import { impossibleTravel, newCountryLogin } from './geo-logins.js';
import { ADMIN_SUDO_COMMANDS } from '../catalog/commands.js';

/** A stolen password is what a login from abroad without failures takes: an account that uses one if any does. */
function passwordVictim(org: Organization, pick: <T>(items: readonly T[]) => T): Employee {
  const typists = org.employees.filter((employee) => employee.authMethod === 'password');
  return pick(typists.length > 0 ? typists : org.employees);
}

const geoLogin =
  (scenario: typeof newCountryLogin): AttackGenerator =>
  (ctx, rng, plan) => {
    const victim = passwordVictim(ctx.org, (items) => rng.pick(items));
    const host = rng.pick(ctx.hostsWhere((spec) => spec.publicSsh));
    return scenario(ctx, rng, plan, host, { account: victim, method: 'password' }, ADMIN_SUDO_COMMANDS);
  };

export const ATTACK_GENERATORS: AttackGenerators = {
  brute_force: bruteForce,
  brute_force_success: bruteForceSuccess,
  password_spraying: passwordSpraying,
  distributed_brute_force: distributedBruteForce,
  port_scan_fast: portScanFast,
  port_scan_slow: portScanSlow,
  web_scan: webScan,
  sudo_abuse: sudoAbuse,
  rogue_account_creation: rogueAccountCreation,
  night_admin_login: nightAdminLogin,
  new_country_login: geoLogin(newCountryLogin),
  impossible_travel: geoLogin(impossibleTravel),
};
