/**
 * The studio's webmail on mx1 (Apache, `vhost_combined`): each person's browser tab polls the
 * refresh action every minute while the laptop is on, reads, downloads and sends mail; links
 * carry the session's random request token. Sleep longer than the session lifetime and the next
 * refresh is refused (401), the login form comes back, and the person logs in again, sometimes
 * mistyping the password once or twice (401 each). Besides people: Apache's own requests to
 * itself from ::1 when it recycles workers.
 */
import type { GenerationContext } from '../../context.js';
import type { Random } from '../../random.js';
import { BENIGN } from '../../log-stream.js';
import { MICROS_PER_SECOND, minutes, seconds } from '../../clock.js';
import { logApacheRequest, type VirtualHost } from '../../sequences/http.js';
import { dummyConnection } from '../../messages/apache.js';
import { arrivals } from '../../arrivals.js';
import type { Agency, StaffMember } from '../organization.js';
import type { OnlineInterval } from './online-time.js';
import { AUTOCOMPLETE_PREFIXES, MAILBOXES, WEBMAIL, newComposeId, newRequestToken } from '../catalog/webmail.js';
import { mistypes } from './typing.js';

const REFRESH_INTERVAL = seconds(60);
/** Roundcube's default `session_lifetime`: the refresh keeps a session alive, sleep ends it. */
const SESSION_LIFETIME = minutes(10);
const MEAN_ACTION_GAP = minutes(4);
const LOGIN_FORM_BYTES = 5_912;
const LOGIN_FAILED_BYTES = 5_986;

type Context = GenerationContext<Agency>;

class WebmailTab {
  private token: string | undefined;
  private lastRequest = -Infinity;
  private lastCheck = 0;
  private cachedAssets = false;
  private readonly referer: string;

  constructor(
    private readonly ctx: Context,
    private readonly rng: Random,
    private readonly member: StaffMember,
    private readonly vhost: VirtualHost,
    private readonly userAgent: string,
  ) {
    this.referer = `https://${vhost.name}/?_task=mail&_mbox=INBOX`;
  }

  private send(time: number, address: string, method: string, target: string, status: number, bytes: number, referer = this.referer): void {
    logApacheRequest(
      this.ctx,
      this.rng,
      this.vhost,
      time,
      { clientIp: address, request: `${method} ${target} HTTP/2.0`, status, bytes, referer, userAgent: this.userAgent },
      BENIGN,
    );
    this.lastRequest = time;
  }

  private loadAssets(time: number, address: string): number {
    for (const asset of WEBMAIL.assets) {
      time += seconds(this.rng.between(0.01, 0.12));
      if (this.cachedAssets) this.send(time, address, 'GET', asset, 304, 243);
      else this.send(time, address, 'GET', asset, 200, this.rng.int(4_000, 160_000));
    }
    this.cachedAssets = true;
    return time;
  }

  /** Types the password (wrong once or twice now and then) and lands in the inbox. */
  private logIn(time: number, address: string): number {
    const rng = this.rng;
    for (let wrong = mistypes(rng, this.member.typos); wrong > 0; wrong--) {
      time += seconds(rng.between(4, 14));
      this.send(time, address, 'POST', WEBMAIL.login, 401, LOGIN_FAILED_BYTES, `https://${this.vhost.name}/`);
    }
    time += seconds(rng.between(4, 14));
    this.send(time, address, 'POST', WEBMAIL.login, 302, rng.int(380, 460), `https://${this.vhost.name}/`);
    this.token = newRequestToken(rng);
    time += seconds(rng.between(0.05, 0.3));
    this.send(time, address, 'GET', WEBMAIL.inbox, 200, rng.int(11_000, 16_000), `https://${this.vhost.name}/`);
    time = this.loadAssets(time, address);
    time += seconds(rng.between(0.1, 0.6));
    this.send(time, address, 'GET', WEBMAIL.list('INBOX', 1, Math.round(time / 1000)), 200, rng.int(3_000, 14_000));
    return time;
  }

  /** One thing the person does in the tab; returns when it is done. */
  private act(time: number, address: string): number {
    const rng = this.rng;
    const token = this.token ?? '';
    const mbox = rng.pick(MAILBOXES);
    const uid = rng.int(1_200, 48_000);
    const nowMs = (t: number): number => Math.round(t / 1000);
    const roll = rng.float();
    if (roll < 0.55) {
      this.send(time, address, 'GET', WEBMAIL.preview(uid, mbox), 200, rng.int(2_500, 60_000));
      if (rng.chance(0.15))
        this.send(time + seconds(rng.between(3, 40)), address, 'GET', WEBMAIL.show(uid, mbox, token), 200, rng.int(6_000, 80_000));
    } else if (roll < 0.72) {
      this.send(time, address, 'GET', WEBMAIL.list(mbox, rng.weighted([1, 2, 3], [6, 3, 1]), nowMs(time)), 200, rng.int(2_000, 14_000));
    } else if (roll < 0.8) {
      this.send(time, address, 'GET', WEBMAIL.download(uid, mbox, rng.int(2, 4), token), 200, rng.int(40_000, 9_000_000));
    } else if (roll < 0.93) {
      const id = newComposeId(rng);
      this.send(time, address, 'GET', WEBMAIL.compose, 302, 412);
      time += seconds(rng.between(0.05, 0.2));
      this.send(time, address, 'GET', WEBMAIL.composeWithId(id), 200, rng.int(14_000, 22_000));
      time += seconds(rng.between(5, 40));
      this.send(time, address, 'GET', WEBMAIL.autocomplete(rng.pick(AUTOCOMPLETE_PREFIXES), nowMs(time)), 200, rng.int(300, 1_500));
      if (rng.chance(0.3)) {
        time += seconds(rng.between(10, 60));
        this.send(time, address, 'POST', WEBMAIL.upload(id, nowMs(time)), 200, rng.int(500, 900));
      }
      time += seconds(rng.between(30, 300));
      this.send(time, address, 'POST', WEBMAIL.send(nowMs(time)), 200, rng.int(600, 1_200));
    } else if (roll < 0.98) {
      this.send(time, address, 'GET', WEBMAIL.autocomplete(rng.pick(AUTOCOMPLETE_PREFIXES), nowMs(time)), 200, rng.int(300, 1_500));
    } else {
      this.send(time, address, 'GET', rng.pick(WEBMAIL.missing), 404, 492, '-');
    }
    return time;
  }

  private refresh(time: number, address: string): void {
    const epoch = Math.floor(time / MICROS_PER_SECOND);
    this.send(time, address, 'GET', WEBMAIL.refresh(this.lastCheck || epoch - 60, Math.round(time / 1000)), 200, this.rng.int(310, 1_400));
    this.lastCheck = epoch;
  }

  /** The laptop is on from `interval.start` to `interval.end` at `interval.address`. */
  online(interval: OnlineInterval, lastOfDay: boolean): void {
    const rng = this.rng;
    const { address } = interval;
    let time = interval.start + seconds(rng.between(1, 50));
    if (this.token !== undefined && time - this.lastRequest > SESSION_LIFETIME) {
      // The open tab's first refresh after the sleep finds the session gone.
      this.send(time, address, 'GET', WEBMAIL.refresh(this.lastCheck, Math.round(time / 1000)), 401, 386);
      time += seconds(rng.between(0.1, 0.5));
      this.send(time, address, 'GET', WEBMAIL.loginFormAfterExpiry, 200, LOGIN_FORM_BYTES);
      this.token = undefined;
      time = this.logIn(time, address);
    } else if (this.token === undefined) {
      this.send(time, address, 'GET', WEBMAIL.loginForm, 200, LOGIN_FORM_BYTES, '-');
      time = this.loadAssets(time, address);
      time = this.logIn(time, address);
    }
    let nextRefresh = time + REFRESH_INTERVAL;
    let nextAction = time + Math.round(rng.exponential(MEAN_ACTION_GAP));
    while (Math.min(nextRefresh, nextAction) < interval.end) {
      if (nextRefresh <= nextAction) {
        this.refresh(nextRefresh, address);
        nextRefresh += REFRESH_INTERVAL + seconds(rng.between(-0.3, 0.6));
      } else {
        const done = this.act(nextAction, address);
        nextAction = done + Math.round(rng.exponential(MEAN_ACTION_GAP));
      }
    }
    if (lastOfDay && rng.chance(0.25)) {
      const time = interval.end - seconds(rng.between(5, 50));
      this.send(time, address, 'GET', WEBMAIL.logout(this.token ?? ''), 302, 398);
      this.send(time + seconds(0.2), address, 'GET', WEBMAIL.loggedOut, 200, LOGIN_FORM_BYTES);
      this.token = undefined;
    }
  }
}

/** Apache's workers requesting their own listener, a few at a time, when it recycles them. */
function dummyConnections(ctx: Context, rng: Random, vhost: VirtualHost, serverVersion: string): void {
  const line = dummyConnection(serverVersion);
  for (const start of arrivals(rng, ctx.startTime, ctx.endTime, 0.3, () => 0.3)) {
    let time = start;
    for (let i = rng.int(1, 6); i > 0; i--) {
      logApacheRequest(ctx, rng, { ...vhost, port: 80 }, time, line, BENIGN);
      time += seconds(rng.between(0.001, 0.2));
    }
  }
}

export function generateWebmail(
  ctx: Context,
  rng: Random,
  online: ReadonlyMap<string, readonly OnlineInterval[]>,
  userAgents: ReadonlyMap<string, string>,
): void {
  const { webmail } = ctx.org;
  const host = ctx.hostsWhere((spec) => spec.role === 'mail')[0];
  if (!host) return;
  const vhost: VirtualHost = { host, name: webmail.vhost, port: webmail.port };
  for (const member of ctx.org.staff.filter((person) => person.webmail)) {
    const tab = new WebmailTab(ctx, rng.fork(member.name), member, vhost, userAgents.get(member.name) ?? '-');
    const intervals = online.get(member.name) ?? [];
    for (const [i, interval] of intervals.entries()) tab.online(interval, intervals[i + 1]?.day !== interval.day);
  }
  dummyConnections(ctx, rng.fork('dummy'), vhost, webmail.serverVersion);
}
