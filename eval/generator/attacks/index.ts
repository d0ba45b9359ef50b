/** The generator of each attack kind. */
import type { AttackGenerators } from './episode.js';
import { bruteForce, bruteForceSuccess } from './ssh-brute-force.js';
import { passwordSpraying } from './password-spraying.js';
import { distributedBruteForce } from './distributed-brute-force.js';
import { portScanFast, portScanSlow } from './port-scan.js';
import { webScan } from './web-scan.js';
import { rogueAccountCreation, sudoAbuse } from './privilege-abuse.js';
import { nightAdminLogin } from './night-admin-login.js';

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
};
