// The plate grammar as a deterministic automaton over characters, built from plate templates.
import type { PlateTemplate } from '../domain/plate-text.js';

export interface AutomatonState {
  /** Some template ends here. */
  accepting: boolean;
  /** Labels (1-based alphabet indices) that lead somewhere from this state. */
  allowed: number[];
  /** Next state by label; only entries for `allowed` are meaningful. */
  next: Int32Array;
  /** Names of the templates still possible in this state. */
  templates: string[];
}

export interface Automaton {
  /** Every character any template allows; label k stands for alphabet[k - 1], label 0 is blank. */
  alphabet: string[];
  /** State 0 is the start. The graph is acyclic: each character advances one position. */
  states: AutomatonState[];
}

/**
 * Subset construction over (template, position) pairs. Templates share prefixes (province,
 * letter, ...), so a read keeps every layout open until a character rules it out.
 */
export function buildAutomaton(templates: readonly PlateTemplate[]): Automaton {
  const alphabet = [...new Set(templates.flatMap((t) => t.slots.flatMap((s) => [...s])))];
  const labels = new Map(alphabet.map((ch, i) => [ch, i + 1] as const));
  const slotSets = templates.map((t) => t.slots.map((s) => new Set([...s].map((ch) => labels.get(ch) as number))));
  const ids = new Map<string, number>();
  const items: number[][] = [];
  const states: AutomatonState[] = [];
  const intern = (set: number[]): number => {
    const key = set.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = items.length;
      ids.set(key, id);
      items.push(set);
    }
    return id;
  };
  // An item packs (template, position) as template * 64 + position; plates are far shorter than 64.
  intern(templates.map((_, i) => i * 64));
  for (let id = 0; id < items.length; id++) {
    const next = new Int32Array(alphabet.length + 1).fill(-1);
    const allowed: number[] = [];
    for (let k = 1; k <= alphabet.length; k++) {
      const moved = items[id]
        .filter((it) => slotSets[it >> 6][it & 63]?.has(k))
        .map((it) => it + 1)
        .sort((a, b) => a - b);
      if (!moved.length) continue;
      next[k] = intern(moved);
      allowed.push(k);
    }
    states.push({
      accepting: items[id].some((it) => (it & 63) === templates[it >> 6].slots.length),
      allowed,
      next,
      templates: [...new Set(items[id].map((it) => templates[it >> 6].name))],
    });
  }
  return { alphabet, states };
}
