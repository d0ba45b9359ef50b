/** Site 2's generator of each attack kind (the same kinds and labels as site 1's). */
import type { AttackGenerators } from '../../attacks/episode.js';
import type { Agency } from '../organization.js';
import { bruteForce, bruteForceSuccess, distributedBruteForce, passwordSpraying } from './password-attacks.js';
import { portScanFast, portScanSlow, webScan } from './network-attacks.js';
import { impossibleTravelLogin, newCountryLogin, nightAdminLogin, rogueAccountCreation, sudoAbuse } from './account-attacks.js';

export const SITE2_ATTACK_GENERATORS: AttackGenerators<Agency> = {
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
  new_country_login: newCountryLogin,
  impossible_travel: impossibleTravelLogin,
};
