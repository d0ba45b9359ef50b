/** User-Agent strings seen on a public web site in 2026: browsers, crawlers, tools. */

export const BROWSER_USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:144.0) Gecko/20100101 Firefox/144.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Safari/605.1.15',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:144.0) Gecko/20100101 Firefox/144.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:144.0) Gecko/20100101 Firefox/144.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 26_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36',
];
export const BROWSER_USER_AGENT_WEIGHTS = [14, 6, 7, 5, 8, 6, 2, 3, 2, 8, 5, 2, 6, 4, 3];

export interface Crawler {
  userAgent: string;
  /** Where its requests come from: CIDR blocks the operator publishes, or anywhere. */
  networks: readonly string[] | 'anywhere';
  /** Requests per day to each web host. */
  requestsPerDay: number;
  fetchesRobots: boolean;
}

export const CRAWLERS: readonly Crawler[] = [
  {
    userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    networks: ['66.249.64.0/20', '66.249.72.0/21'],
    requestsPerDay: 140,
    fetchesRobots: true,
  },
  {
    userAgent:
      'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.7390.122 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    networks: ['66.249.64.0/20', '66.249.72.0/21'],
    requestsPerDay: 90,
    fetchesRobots: false,
  },
  {
    userAgent: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    networks: ['40.77.167.0/24', '157.55.39.0/24', '207.46.13.0/24'],
    requestsPerDay: 70,
    fetchesRobots: true,
  },
  {
    userAgent: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    networks: ['54.36.148.0/23', '51.222.253.0/24'],
    requestsPerDay: 60,
    fetchesRobots: true,
  },
  {
    userAgent: 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
    networks: ['5.255.231.0/24', '213.180.203.0/24'],
    requestsPerDay: 25,
    fetchesRobots: true,
  },
  {
    userAgent: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
    networks: ['20.171.207.0/24'],
    requestsPerDay: 40,
    fetchesRobots: true,
  },
  {
    userAgent: 'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)',
    networks: ['85.208.96.0/24', '185.191.171.0/24'],
    requestsPerDay: 35,
    fetchesRobots: true,
  },
  {
    userAgent: 'Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)',
    networks: ['20.191.45.0/24'],
    requestsPerDay: 12,
    fetchesRobots: true,
  },
  {
    userAgent: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    networks: ['31.13.115.0/24', '69.171.249.0/24'],
    requestsPerDay: 8,
    fetchesRobots: false,
  },
  {
    userAgent: 'Feedly/1.0 (+http://www.feedly.com/fetcher.html; 27 subscribers; )',
    networks: 'anywhere',
    requestsPerDay: 24,
    fetchesRobots: false,
  },
];

/** Background internet probes that are not aimed at this site (benign noise in every real log). */
export const PROBE_USER_AGENTS = [
  'Mozilla/5.0 zgrab/0.x',
  'Go-http-client/1.1',
  'python-requests/2.32.3',
  'curl/8.5.0',
  'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)',
  'Expanse, a Palo Alto Networks company, searches across the global IPv4 space multiple times per day to identify customers&#39; presences on the Internet. If you would like to be excluded from our scans, please send IP addresses/domains to: scaninfo@paloaltonetworks.com',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  '-',
];
