/**
 * The project application on app1 (nginx `combined`): staff and the clients' people log in
 * (POST /login answers 302 either way: to the dashboard, or back to the form after a wrong
 * password), then work through the JSON API, whose session token rides in the query string;
 * the open tab polls notifications every minute. A token idle for 30 minutes is refused (401)
 * and the app sends its user back to the login form. Some items were deleted meanwhile (404).
 */
import type { GenerationContext, HostRuntime } from '../../context.js';
import type { Random } from '../../random.js';
import { BENIGN } from '../../log-stream.js';
import { LocalClock, MICROS_PER_DAY, MICROS_PER_SECOND, hours, minutes, seconds } from '../../clock.js';
import { logRequest } from '../../sequences/http.js';
import { BROWSER_USER_AGENTS } from '../../catalog/user-agents.js';
import type { Agency, ClientCompany, TypoRate } from '../organization.js';
import type { OnlineInterval } from './online-time.js';
import { PROJECT_APP, appAssets, newApiToken } from '../catalog/project-app.js';
import { mistypes } from './typing.js';

const POLL_INTERVAL = seconds(60);
const TOKEN_IDLE_LIMIT = minutes(30);
const MEAN_ACTION_GAP = minutes(3);
const ORIGIN = 'https://projects.kestrel.example';
/** Clients' people mistype more than staff: they log in rarely. */
const CLIENT_TYPOS: TypoRate = { once: 0.16, twice: 0.05 };

type Context = GenerationContext<Agency>;

class AppTab {
  private token: string | undefined;
  private lastRequest = -Infinity;
  private cached = false;
  private readonly projects: number[];

  constructor(
    private readonly ctx: Context,
    private readonly rng: Random,
    private readonly host: HostRuntime,
    private readonly userAgent: string,
    private readonly typos: TypoRate,
    private readonly assets: readonly string[],
  ) {
    this.projects = rng.sample([101, 102, 104, 107, 108, 111, 115, 118, 120, 123, 126, 131], rng.int(1, 4));
  }

  private send(
    time: number,
    address: string,
    method: string,
    target: string,
    status: number,
    bytes: number,
    referer = `${ORIGIN}/dashboard`,
  ): void {
    logRequest(
      this.ctx,
      this.rng,
      this.host,
      time,
      { clientIp: address, request: `${method} ${target} HTTP/2.0`, status, bytes, referer, userAgent: this.userAgent },
      BENIGN,
    );
    this.lastRequest = time;
  }

  private page(time: number, address: string, path: string, referer: string): number {
    this.send(time, address, 'GET', path, 200, this.rng.int(1_800, 2_600), referer);
    for (const asset of this.assets) {
      time += seconds(this.rng.between(0.01, 0.15));
      this.send(time, address, 'GET', asset, this.cached ? 304 : 200, this.cached ? 0 : this.rng.int(2_000, 420_000), `${ORIGIN}${path}`);
    }
    this.cached = true;
    return time;
  }

  private logIn(time: number, address: string): number {
    const rng = this.rng;
    const form = `${ORIGIN}${PROJECT_APP.loginForm}`;
    for (let wrong = mistypes(rng, this.typos); wrong > 0; wrong--) {
      time += seconds(rng.between(5, 15));
      this.send(time, address, 'POST', PROJECT_APP.login, 302, 0, form);
      time += seconds(rng.between(0.05, 0.2));
      this.send(time, address, 'GET', PROJECT_APP.loginForm, 200, rng.int(2_900, 3_100), form);
    }
    time += seconds(rng.between(5, 15));
    this.send(time, address, 'POST', PROJECT_APP.login, 302, 0, form);
    this.token = newApiToken(rng);
    time = this.page(time + seconds(rng.between(0.05, 0.2)), address, PROJECT_APP.dashboard, form);
    return this.listItems(time + seconds(rng.between(0.1, 0.5)), address, 1);
  }

  private listItems(time: number, address: string, page: number): number {
    const project = this.rng.pick(this.projects);
    this.send(time, address, 'GET', PROJECT_APP.apiItems(project, page, this.token ?? ''), 200, this.rng.int(3_000, 40_000));
    return time;
  }

  private act(time: number, address: string): number {
    const rng = this.rng;
    const token = this.token ?? '';
    const project = rng.pick(this.projects);
    const item = rng.int(1_000, 9_800);
    const roll = rng.float();
    if (roll < 0.35) {
      // The item was deleted by someone else meanwhile: the API says 404.
      this.send(time, address, 'GET', PROJECT_APP.apiItem(item, token), rng.chance(0.03) ? 404 : 200, rng.int(900, 24_000));
    } else if (roll < 0.55) {
      const page = rng.weighted([1, 2, 3, 4], [5, 3, 1, 1]);
      // Paging past the last page of a short project.
      if (page > 1 && rng.chance(0.04)) this.send(time, address, 'GET', PROJECT_APP.apiItems(project, page, token), 404, 61);
      else this.listItems(time, address, page);
    } else if (roll < 0.68) {
      this.send(
        time,
        address,
        'POST',
        PROJECT_APP.apiComments(item, token),
        201,
        rng.int(400, 1_200),
        `${ORIGIN}${PROJECT_APP.item(project, item)}`,
      );
    } else if (roll < 0.78) {
      this.send(
        time,
        address,
        'PATCH',
        PROJECT_APP.apiItem(item, token),
        200,
        rng.int(900, 3_000),
        `${ORIGIN}${PROJECT_APP.item(project, item)}`,
      );
    } else if (roll < 0.88) {
      const expires = Math.floor(time / MICROS_PER_SECOND) + 300;
      this.send(
        time,
        address,
        'GET',
        PROJECT_APP.download(rng, expires),
        200,
        rng.int(30_000, 25_000_000),
        `${ORIGIN}${PROJECT_APP.item(project, item)}`,
      );
    } else if (roll < 0.93) {
      this.send(
        time,
        address,
        'POST',
        PROJECT_APP.apiFiles(item, token),
        201,
        rng.int(300, 700),
        `${ORIGIN}${PROJECT_APP.item(project, item)}`,
      );
    } else {
      // A reload or a shared deep link: the page again, its assets from cache.
      const path = rng.chance(0.5) ? PROJECT_APP.project(project) : PROJECT_APP.item(project, item);
      time = this.page(time, address, path, `${ORIGIN}${PROJECT_APP.dashboard}`);
    }
    return time;
  }

  /** The tab is open from `start` to `end`, the browser at `address`. */
  use(start: number, end: number, address: string): void {
    const rng = this.rng;
    let time = start;
    if (this.token !== undefined && time - this.lastRequest > TOKEN_IDLE_LIMIT) {
      this.send(time, address, 'GET', PROJECT_APP.apiNotifications(Math.floor(this.lastRequest / MICROS_PER_SECOND), this.token), 401, 44);
      time += seconds(rng.between(0.05, 0.3));
      this.send(time, address, 'GET', PROJECT_APP.loginFormAfterExpiry(PROJECT_APP.dashboard), 200, rng.int(2_900, 3_100));
      this.token = undefined;
      time = this.logIn(time, address);
    } else if (this.token === undefined) {
      time = this.page(time, address, PROJECT_APP.loginForm, '-');
      time = this.logIn(time, address);
    }
    let nextPoll = time + POLL_INTERVAL;
    let nextAction = time + Math.round(rng.exponential(MEAN_ACTION_GAP));
    while (Math.min(nextPoll, nextAction) < end) {
      if (nextPoll <= nextAction) {
        this.send(
          nextPoll,
          address,
          'GET',
          PROJECT_APP.apiNotifications(Math.floor((nextPoll - POLL_INTERVAL) / MICROS_PER_SECOND), this.token ?? ''),
          200,
          rng.int(40, 900),
        );
        nextPoll += POLL_INTERVAL + seconds(rng.between(-0.2, 0.4));
      } else {
        nextAction = this.act(nextAction, address) + Math.round(rng.exponential(MEAN_ACTION_GAP));
      }
    }
    if (rng.chance(0.15)) {
      this.send(end, address, 'POST', PROJECT_APP.logout, 302, 0);
      this.send(end + seconds(0.1), address, 'GET', PROJECT_APP.loginForm, 200, rng.int(2_900, 3_100), `${ORIGIN}/dashboard`);
      this.token = undefined;
    }
  }
}

function clientSessions(ctx: Context, rng: Random, host: HostRuntime, client: ClientCompany, assets: readonly string[]): void {
  const clock = new LocalClock(client.utcOffsetMinutes);
  for (const user of client.users) {
    const userRng = rng.fork(user.name);
    const tab = new AppTab(ctx, userRng, host, userRng.pick(BROWSER_USER_AGENTS), CLIENT_TYPOS, assets);
    for (let day = clock.dayStart(ctx.startTime); day < ctx.endTime; day += MICROS_PER_DAY) {
      const weekday = clock.weekday(day + hours(12));
      if (weekday === 0 || weekday === 6 || !userRng.chance(0.45)) continue;
      const sessions = userRng.chance(0.25) ? 2 : 1;
      for (let i = 0; i < sessions; i++) {
        const start = day + hours(userRng.between(9.5, 18));
        const address = userRng.chance(0.85) ? client.officeIp : user.carrier.sessionAddress(userRng);
        tab.use(start, start + minutes(userRng.between(10, 60)), address);
      }
    }
  }
}

export function generateProjectApp(
  ctx: Context,
  rng: Random,
  online: ReadonlyMap<string, readonly OnlineInterval[]>,
  userAgents: ReadonlyMap<string, string>,
): void {
  const host = ctx.hostsWhere((spec) => spec.role === 'apps')[0];
  if (!host) return;
  const assets = appAssets(rng.fork('assets'));
  for (const member of ctx.org.staff.filter((person) => person.projectApp)) {
    const memberRng = rng.fork(`staff/${member.name}`);
    const tab = new AppTab(ctx, memberRng, host, userAgents.get(member.name) ?? '-', member.typos, assets);
    for (const interval of online.get(member.name) ?? []) {
      if (!memberRng.chance(0.65)) continue;
      const start = interval.start + Math.round(memberRng.float() * (interval.end - interval.start) * 0.5);
      tab.use(start, Math.min(interval.end, start + minutes(memberRng.between(20, 150))), interval.address);
    }
  }
  for (const client of ctx.org.clients) clientSessions(ctx, rng.fork(`client/${client.name}`), host, client, assets);
}
