/**
 * The studio's project application (a single-page app behind nginx on app1), used by staff and
 * clients: a login form, the JSON API (which still takes its session token in the query
 * string), file downloads by signed URL, and the notifications it polls every minute.
 */
import type { Random } from '../../random.js';

const HEX = '0123456789abcdef';

export const newApiToken = (rng: Random): string => rng.chars(HEX, 40);

const uuid = (rng: Random): string =>
  `${rng.chars(HEX, 8)}-${rng.chars(HEX, 4)}-4${rng.chars(HEX, 3)}-${rng.pick(['8', '9', 'a', 'b'])}${rng.chars(HEX, 3)}-${rng.chars(HEX, 12)}`;

export const PROJECT_APP = {
  loginForm: '/login',
  loginFormAfterExpiry: (next: string): string => `/login?next=${encodeURIComponent(next)}`,
  login: '/login',
  logout: '/logout',
  dashboard: '/dashboard',
  health: '/healthz',
  project: (project: number): string => `/projects/${project}`,
  item: (project: number, item: number): string => `/projects/${project}/items/${item}`,
  apiItems: (project: number, page: number, token: string): string =>
    `/api/v1/items?page=${page}&per_page=25&sort=-updated_at&project=${project}&token=${token}`,
  apiItem: (item: number, token: string): string => `/api/v1/items/${item}?include=comments,files&token=${token}`,
  apiComments: (item: number, token: string): string => `/api/v1/items/${item}/comments?token=${token}`,
  apiFiles: (item: number, token: string): string => `/api/v1/items/${item}/files?token=${token}`,
  apiNotifications: (since: number, token: string): string => `/api/v1/notifications?since=${since}&token=${token}`,
  download: (rng: Random, expires: number): string => `/files/${uuid(rng)}/download?expires=${expires}&signature=${rng.chars(HEX, 64)}`,
};

/** The build's hashed assets, loaded on each full page load (304 once cached). */
export function appAssets(rng: Random): string[] {
  const hash = (): string => rng.chars('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-', 8);
  return [
    `/build/assets/app-${hash()}.js`,
    `/build/assets/vendor-${hash()}.js`,
    `/build/assets/app-${hash()}.css`,
    `/build/assets/inter-${hash()}.woff2`,
    '/favicon.ico',
  ];
}
