/** What every attack generator receives and reports. */
import type { AttackKind } from '../../labels.js';
import type { GenerationContext, SiteHosts } from '../context.js';
import type { Organization } from '../organization.js';
import type { EpisodeRef } from '../log-stream.js';
import type { Random } from '../random.js';

export interface EpisodePlan extends EpisodeRef {
  /** When the episode begins (epoch µs). */
  start: number;
}

/** A human-readable account of what an episode did, for reports and debugging detections. */
export interface EpisodeSummary {
  /** The attacking address(es) or account. */
  source: string;
  /** The attacked host, account or address. */
  target: string;
  detail: string;
}

export type AttackGenerator<O extends SiteHosts = Organization> = (
  ctx: GenerationContext<O>,
  rng: Random,
  plan: EpisodePlan,
) => EpisodeSummary;

/** One generator per attack kind, for one site. */
export type AttackGenerators<O extends SiteHosts = Organization> = Record<AttackKind, AttackGenerator<O>>;
