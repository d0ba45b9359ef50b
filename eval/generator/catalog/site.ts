/**
 * The company's public web site as nginx serves it: pages, the assets each page loads, paths
 * people and crawlers ask for that do not exist, and redirects. Sizes are body bytes sent
 * (compressed HTML, static assets as stored).
 */
import type { Random } from '../random.js';

export const SITE_ORIGIN = 'https://www.example.com';

export interface Resource {
  path: string;
  bytes: number;
}

export interface Page extends Resource {
  /** Images and the like this page loads besides the site-wide CSS/JS. */
  images: Resource[];
  /** Relative popularity as a landing page. */
  weight: number;
}

export interface Site {
  pages: Page[];
  /** Loaded by every page on a first visit. */
  sharedAssets: Resource[];
  /** Paths with no content: answered with the site's 404 page. */
  missing: string[];
  /** Paths nginx answers with 301 (to the slash-terminated or canonical path). */
  redirects: string[];
  notFoundBytes: number;
  robotsBytes: number;
  sitemapBytes: number;
}

const BLOG_SLUGS = [
  'reducing-alert-fatigue',
  'our-2026-roadmap',
  'postgres-partitioning-at-scale',
  'how-we-do-on-call',
  'incident-review-october',
  'faster-ci-with-remote-caching',
  'introducing-team-workspaces',
  'zero-downtime-migrations',
  'what-we-learned-from-chaos-days',
  'pricing-update',
  'hiring-platform-engineers',
  'building-a-data-catalog',
  'sso-for-everyone',
  'api-v2-is-here',
  'quarterly-security-report',
  'tuning-nginx-for-http3',
  'customer-story-logistics',
  'customer-story-healthcare',
  'dark-mode',
  'accessibility-audit',
];
const DOC_PAGES = [
  'getting-started',
  'installation',
  'configuration',
  'api/authentication',
  'api/reports',
  'api/webhooks',
  'integrations/slack',
  'integrations/jira',
  'security',
  'faq',
  'changelog',
  'sso/saml',
  'sso/oidc',
];

const imageName = (rng: Random): string =>
  `${rng.chars('abcdefghijklmnopqrstuvwxyz0123456789', 10)}.${rng.pick(['webp', 'png', 'jpg', 'svg'])}`;

function page(rng: Random, path: string, weight: number, imageCount: number): Page {
  const images: Resource[] = [];
  for (let i = 0; i < imageCount; i++) images.push({ path: `/images/${imageName(rng)}`, bytes: rng.int(3_000, 240_000) });
  return { path, bytes: rng.int(6_000, 42_000), images, weight };
}

export function buildSite(rng: Random): Site {
  const hash = (): string => rng.chars('0123456789abcdef', 8);
  const pages: Page[] = [
    page(rng, '/', 30, 4),
    page(rng, '/pricing', 8, 2),
    page(rng, '/about', 4, 3),
    page(rng, '/contact', 3, 1),
    page(rng, '/careers', 3, 2),
    page(rng, '/blog/', 6, 1),
    page(rng, '/docs/', 5, 0),
    page(rng, '/security', 2, 0),
    page(rng, '/customers', 3, 6),
  ];
  for (const slug of BLOG_SLUGS) pages.push(page(rng, `/blog/2026/${slug}`, rng.between(0.5, 4), rng.int(1, 4)));
  for (const doc of DOC_PAGES) pages.push(page(rng, `/docs/${doc}`, rng.between(0.5, 2.5), rng.int(0, 2)));
  return {
    pages,
    sharedAssets: [
      { path: `/assets/css/main.${hash()}.css`, bytes: rng.int(28_000, 70_000) },
      { path: `/assets/js/app.${hash()}.js`, bytes: rng.int(90_000, 260_000) },
      { path: `/assets/js/vendor.${hash()}.js`, bytes: rng.int(120_000, 380_000) },
      { path: '/assets/fonts/inter-var.woff2', bytes: 317_140 },
      { path: '/favicon.ico', bytes: 15_086 },
    ],
    missing: [
      '/apple-touch-icon.png',
      '/apple-touch-icon-precomposed.png',
      '/blog/2023/kubernetes-cost-tips',
      '/docs/api/v1/reports',
      '/.well-known/traffic-advice',
      '/ads.txt',
      '/favicon.png',
      '/blog/feed.xml',
    ],
    redirects: ['/blog', '/docs', '/index.html', '/about-us', '/jobs'],
    notFoundBytes: 4_218,
    robotsBytes: 212,
    sitemapBytes: 9_871,
  };
}
