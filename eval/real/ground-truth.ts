/**
 * Ground truth of one real log file: each line typed from its content, each type's actors judged
 * by that type's rules (auth.ts, web.ts, firewall.ts, fail2ban.ts), and each line labelled by its
 * actor: `attack` (an attacker's), `gray` (a suspicious actor's below the attacker thresholds) or
 * `benign` (a legitimate actor's, or background with no suspicious actor). Rules and their
 * reasons: eval/real/README.md.
 */
import { authTruth } from './auth.js';
import { fail2banTruth } from './fail2ban.js';
import { firewallTruth } from './firewall.js';
import { LOG_TYPES, readLogTypes, type LogType, type TypedLine } from './log-type.js';
import { webTruth } from './web.js';

export type ActorClass = 'attacker' | 'legitimate' | 'gray' | 'background';
export type AttackClass = 'brute-forcer' | 'scanner';
export const ATTACK_CLASSES: readonly AttackClass[] = ['brute-forcer', 'scanner'];
export type LineLabel = 'attack' | 'gray' | 'benign';

export interface Verdict {
  class: ActorClass;
  /** For attackers: what they did. */
  attack?: AttackClass;
  /** The rule that decided, with its counts, for diagnostics. */
  why: string;
}

/** What one log type's rules say about the lines of that type. */
export interface TypeTruth {
  /** Actor key (`ip:ADDR` or `user:NAME`) -> verdict. */
  actors: Map<string, Verdict>;
  /** Line index -> actor key, for lines that belong to an actor. */
  lineActor: Map<number, string>;
}

export interface GroundTruth {
  lines: number;
  types: Record<LogType, number>;
  actors: Map<string, Verdict & { attacks: Set<AttackClass> }>;
  /** Per line: its label and actor key (undefined for background lines of no actor). */
  labels: LineLabel[];
  lineActors: (string | undefined)[];
}

export const ipActor = (address: string): string => `ip:${address}`;
export const userActor = (name: string): string => `user:${name}`;

/** When one actor is judged in several log types, the more suspicious verdict wins. */
const SEVERITY: Record<ActorClass, number> = { attacker: 3, gray: 2, legitimate: 1, background: 0 };
const LABEL_OF: Record<ActorClass, LineLabel> = { attacker: 'attack', gray: 'gray', legitimate: 'benign', background: 'benign' };

export function groundTruth(lines: readonly string[]): GroundTruth {
  const typed = readLogTypes(lines);
  const types = Object.fromEntries(LOG_TYPES.map((type) => [type, 0])) as Record<LogType, number>;
  for (const line of typed) types[line.type]++;
  const ofType = <T extends LogType>(type: T): Extract<TypedLine, { type: T }>[] =>
    typed.filter((line): line is Extract<TypedLine, { type: T }> => line.type === type);
  const truths = [authTruth(ofType('auth')), webTruth(ofType('web')), firewallTruth(ofType('firewall')), fail2banTruth(ofType('fail2ban'))];

  const actors: GroundTruth['actors'] = new Map();
  const lineActors: (string | undefined)[] = new Array<string | undefined>(lines.length).fill(undefined);
  for (const truth of truths) {
    for (const [key, verdict] of truth.actors) {
      const known = actors.get(key);
      const attacks = new Set(known?.attacks);
      if (verdict.attack !== undefined) attacks.add(verdict.attack);
      const winner = known === undefined || SEVERITY[verdict.class] > SEVERITY[known.class] ? verdict : known;
      actors.set(key, { class: winner.class, why: winner.why, attacks });
    }
    for (const [index, key] of truth.lineActor) lineActors[index] = key;
  }
  const labels = lineActors.map((key): LineLabel => (key === undefined ? 'benign' : LABEL_OF[actors.get(key)?.class ?? 'background']));
  return { lines: lines.length, types, actors, labels, lineActors };
}
