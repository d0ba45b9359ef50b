/**
 * Ground-truth labels of a generated stream: one per log line, in line order, written as JSON lines
 * to `FILE.labels.jsonl` beside the log file. `line` is 1-based, like an editor's line numbers;
 * in memory `labels[i]` belongs to `lines[i]`.
 */

export const ATTACK_KINDS = [
  'brute_force',
  'brute_force_success',
  'password_spraying',
  'distributed_brute_force',
  'port_scan_fast',
  'port_scan_slow',
  'web_scan',
  'sudo_abuse',
  'rogue_account_creation',
  'night_admin_login',
  'new_country_login',
  'impossible_travel',
] as const;

export type AttackKind = (typeof ATTACK_KINDS)[number];

export interface BenignLabel {
  line: number;
  label: 'benign';
}

export interface AttackLabel {
  line: number;
  label: 'attack';
  kind: AttackKind;
  /** Unique per attack episode within a stream, e.g. `brute_force-2`. */
  episode: string;
}

export type Label = BenignLabel | AttackLabel;

export function isAttackKind(value: unknown): value is AttackKind {
  return typeof value === 'string' && (ATTACK_KINDS as readonly string[]).includes(value);
}

export function formatLabelsJsonl(labels: readonly Label[]): string {
  let text = '';
  for (const label of labels) text += `${JSON.stringify(label)}\n`;
  return text;
}

/** Parses and validates a labels file; throws on the first malformed or out-of-order line. */
export function parseLabelsJsonl(text: string): Label[] {
  const labels: Label[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]?.trim();
    if (!row) continue;
    const value: unknown = JSON.parse(row);
    const label = toLabel(value);
    if (!label) throw new Error(`labels line ${i + 1}: not a label: ${row.slice(0, 200)}`);
    if (label.line !== labels.length + 1) {
      throw new Error(`labels line ${i + 1}: expected line ${labels.length + 1}, got ${label.line}`);
    }
    labels.push(label);
  }
  return labels;
}

function toLabel(value: unknown): Label | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const line = record.line;
  if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) return undefined;
  if (record.label === 'benign') return { line, label: 'benign' };
  const kind = record.kind;
  const episode = record.episode;
  if (record.label === 'attack' && isAttackKind(kind) && typeof episode === 'string' && episode !== '') {
    return { line, label: 'attack', kind, episode };
  }
  return undefined;
}
