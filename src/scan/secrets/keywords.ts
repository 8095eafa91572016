// One pass over a file finds which rule keywords it contains (an Aho-Corasick automaton compiled to
// a dense ASCII table), instead of one `includes` scan per keyword per rule: with gitleaks' 222 rules
// that was hundreds of passes over every file.

export class KeywordIndex {
  private readonly table: Int32Array;
  /** For each state, the keywords that end there (including through failure links). */
  private readonly outputs: number[][];
  /** Keywords with non-ASCII characters, checked with `includes`. */
  private readonly slow: number[];

  constructor(readonly keywords: readonly string[]) {
    const ascii = keywords.map((k, i) => [k, i] as const).filter(([k]) => /^[\x00-\x7f]+$/.test(k));
    this.slow = keywords.map((k, i) => [k, i] as const).filter(([k]) => !/^[\x00-\x7f]+$/.test(k)).map(([, i]) => i);
    const goto: Array<Map<number, number>> = [new Map()];
    const out: number[][] = [[]];
    for (const [word, index] of ascii) {
      let state = 0;
      for (let i = 0; i < word.length; i++) {
        const c = word.charCodeAt(i);
        let next = goto[state].get(c);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          out.push([]);
          goto[state].set(c, next);
        }
        state = next;
      }
      out[state].push(index);
    }
    // Breadth-first: failure links, then a full transition table (a DFA) for ASCII input.
    const table = new Int32Array(goto.length * 128);
    const fail = new Int32Array(goto.length);
    const queue: number[] = [];
    for (let c = 0; c < 128; c++) {
      const next = goto[0].get(c);
      table[c] = next ?? 0;
      if (next !== undefined) queue.push(next);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      out[state] = [...out[state], ...out[fail[state]]];
      for (let c = 0; c < 128; c++) {
        const next = goto[state].get(c);
        if (next !== undefined) {
          fail[next] = table[fail[state] * 128 + c];
          table[state * 128 + c] = next;
          queue.push(next);
        } else table[state * 128 + c] = table[fail[state] * 128 + c];
      }
    }
    this.table = table;
    this.outputs = out;
  }

  /** Indexes of the keywords that occur in `lower` (already lower-cased). */
  present(lower: string): Set<number> {
    const found = new Set<number>();
    const table = this.table;
    const outputs = this.outputs;
    let state = 0;
    for (let i = 0; i < lower.length; i++) {
      const c = lower.charCodeAt(i);
      state = c < 128 ? table[state * 128 + c] : 0;
      const hits = outputs[state];
      if (hits.length) for (const h of hits) found.add(h);
    }
    for (const i of this.slow) if (lower.includes(this.keywords[i])) found.add(i);
    return found;
  }
}
