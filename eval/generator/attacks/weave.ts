import type { GenerationContext, SiteHosts } from '../context.js';
import type { LogStream } from '../log-stream.js';
import type { Random } from '../random.js';
import { describeEpisodes, type GenerateOptions, type GeneratedStream } from '../stream-result.js';
import { ATTACK_KINDS } from '../../labels.js';
import type { AttackGenerators, EpisodeSummary } from './episode.js';
import { planEpisodes, type SiteHours } from './schedule.js';

/**
 * The end of every site's generation: plans the attack episodes in [start, end) (within the site's
 * hours), runs the site's generator for each into `stream`, and builds the labelled stream.
 */
export function weaveAttacks<O extends SiteHosts>(
  ctx: GenerationContext<O>,
  rng: Random,
  stream: LogStream,
  options: GenerateOptions,
  window: { start: number; end: number },
  generators: AttackGenerators<O>,
  hours?: SiteHours,
): GeneratedStream {
  const perKind = options.episodesPerKind ?? Math.max(2, Math.ceil(options.days / 2));
  const plans = planEpisodes(rng.fork('schedule'), window.start, window.end, options.kinds ?? ATTACK_KINDS, perKind, hours);
  const summaries = new Map<string, EpisodeSummary>();
  for (const plan of plans) summaries.set(plan.episode, generators[plan.kind](ctx, rng.fork(`attack/${plan.episode}`), plan));

  const { lines, labels, times } = stream.build({ reduceRepeats: options.reduceRepeats ?? true });
  return {
    lines,
    labels,
    episodes: describeEpisodes(
      plans.map((plan) => plan.episode),
      labels,
      times,
      summaries,
    ),
  };
}
