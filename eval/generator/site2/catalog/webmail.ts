/**
 * What a Roundcube-style webmail's browser client requests (all through `/?_task=...` query
 * strings): the login form, the refresh it polls every minute, message lists and previews, and
 * links carrying the session's 32-character request token. Sizes are Apache's `%O` (headers
 * included).
 */
import type { Random } from '../../random.js';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** The build stamp static files carry (`?s=`), the same for every asset of one install. */
const BUILD = 1_729_608_312;

export const MAILBOXES = [
  'INBOX',
  'INBOX',
  'INBOX',
  'INBOX',
  'Sent',
  'Drafts',
  'Archive',
  'Clients%2FHarbor%20Books',
  'Clients%2FRiverbank',
  'Invoices',
];

export const newRequestToken = (rng: Random): string => rng.chars(TOKEN_ALPHABET, 32);

/** A composer's id (Roundcube: 17 hex-ish characters, new for every compose). */
export const newComposeId = (rng: Random): string => rng.chars('0123456789abcdef', 17);

export const WEBMAIL = {
  loginForm: '/',
  loginFormAfterExpiry: '/?_task=login&_err=session',
  login: '/?_task=login',
  inbox: '/?_task=mail&_mbox=INBOX',
  refresh: (lastCheck: number, nowMs: number): string =>
    `/?_task=mail&_action=refresh&_mbox=INBOX&_last=${lastCheck}&_remote=1&_unlock=0&_=${nowMs}`,
  list: (mbox: string, page: number, nowMs: number): string =>
    `/?_task=mail&_action=list&_mbox=${mbox}&_page=${page}&_remote=1&_unlock=loading${nowMs}&_=${nowMs - 3}`,
  preview: (uid: number, mbox: string): string =>
    `/?_task=mail&_caps=pdf%3D1%2Cflash%3D0%2Ctiff%3D0%2Cwebp%3D1%2Cpgpmime%3D0&_uid=${uid}&_mbox=${mbox}&_framed=1&_action=preview`,
  show: (uid: number, mbox: string, token: string): string => `/?_task=mail&_action=show&_uid=${uid}&_mbox=${mbox}&_token=${token}`,
  download: (uid: number, mbox: string, part: number, token: string): string =>
    `/?_task=mail&_action=get&_mbox=${mbox}&_uid=${uid}&_token=${token}&_part=${part}&_download=1`,
  compose: '/?_task=mail&_action=compose',
  composeWithId: (id: string): string => `/?_task=mail&_action=compose&_id=${id}`,
  upload: (id: string, nowMs: number): string => `/?_task=mail&_id=${id}&_uploadid=upload${nowMs}&_from=compose&_remote=1&_action=upload`,
  send: (nowMs: number): string => `/?_task=mail&_unlock=loading${nowMs}&_lang=en_GB&_framed=1`,
  autocomplete: (query: string, nowMs: number): string =>
    `/?_task=mail&_action=autocomplete&_search=${query}&_reqid=${nowMs}&_remote=1&_unlock=loading${nowMs - 2}&_=${nowMs - 40}`,
  logout: (token: string): string => `/?_task=logout&_token=${token}`,
  loggedOut: '/?_task=login&_logout=1',
  assets: [
    `/skins/elastic/deps/bootstrap.min.css?s=${BUILD}`,
    `/skins/elastic/styles/styles.min.css?s=${BUILD}`,
    `/program/js/jquery.min.js?s=${BUILD}`,
    `/program/js/common.min.js?s=${BUILD}`,
    `/program/js/app.min.js?s=${BUILD}`,
    `/skins/elastic/ui.min.js?s=${BUILD}`,
    `/skins/elastic/images/logo.svg?s=${BUILD}`,
    `/skins/elastic/images/favicon.ico?s=${BUILD}`,
  ],
  /** Asked for by browsers (and share sheets) but absent: answered 404. */
  missing: ['/favicon.ico', '/apple-touch-icon.png', '/apple-touch-icon-precomposed.png', '/.well-known/traffic-advice'],
} as const;

export const AUTOCOMPLETE_PREFIXES = ['an', 'pri', 'jm', 'acc', 'inv', 'har', 'riv', 'dr', 'vik', 'ri', 'sup', 'ops'];
