/** Reading anomaly reasons the way an analyst does. */

/** The value and the bound a reason quotes: "7 failed login attempts ... (normal: ≤ 2)" → [7, 2]; undefined when it quotes no range. */
export function quotedRange(text: string): [value: number, bound: number] | undefined {
  const bound = /\(normal(?: rarity)?: ≤ ([\d.]+)\)/.exec(text);
  if (bound === null) return undefined;
  const value = /(?:rarity |^|[a-z] )(\d+(?:\.\d+)?)(?= | \(|\))/.exec(text);
  return value === null ? undefined : [Number(value[1]), Number(bound[1])];
}
