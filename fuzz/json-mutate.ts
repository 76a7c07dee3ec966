// Mutations of a JSON document, for the files a learner can hand the lab (scenarios, lab exports,
// lesson frontmatter): in the tree (a value replaced by one of another type or an edge value, a key
// dropped or added, a list item dropped or doubled, a value moved to a sibling) and in the text
// (cut short, a character changed). Seeded; the input is never changed.

import type { SeededRandom } from '../src/stack/sim/random';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const EDGE: Json[] = [
  null, true, false, 0, -1, 1, 0.5, -0.5, 255, 256, 65535, 65536, 16383, 16384, 2 ** 31, 2 ** 32, 2 ** 53, 1e308, -1e308,
  '', ' ', 'x', '0', '-1', 'true', 'null', '__proto__', 'constructor', 'ü💥\u202e', 'a'.repeat(5000), '\u0000', '../../etc',
  [], [null], [[]], {}, { x: 1 }, JSON.parse('{"__proto__": 1}') as Json, 'VMW_PSP_RR', 'naa.6001', '50:01:40:5a:01:00:00:00',
];

export class JsonMutator {
  constructor(private readonly r: SeededRandom) {}

  private pick<T>(xs: readonly T[]): T {
    return xs[this.r.below(xs.length)];
  }

  /** An edge value, fresh each time (a shared one could end up inside itself). */
  private edge(): Json {
    return structuredClone(this.pick(EDGE));
  }

  /** A deep copy of `doc` with 1..max tree mutations. */
  mutate(doc: unknown, max = 3): unknown {
    const copy = structuredClone(doc) as Json;
    let root: Json = copy;
    for (let n = 1 + this.r.below(max); n > 0; n--) root = this.once(root);
    return root;
  }

  private once(root: Json): Json {
    // Walk down a random path; stop at a random depth or at a leaf.
    const trail: { parent: Json[] | { [k: string]: Json }; key: string | number }[] = [];
    let node = root;
    while (node !== null && typeof node === 'object' && this.r.next() < 0.8) {
      const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
      if (keys.length === 0) break;
      const key = this.pick(keys);
      trail.push({ parent: node, key });
      node = (node as Record<string | number, Json>)[key];
    }
    const at = trail[trail.length - 1];
    if (!at) return this.edge(); // the whole document replaced
    const parent = at.parent as Record<string | number, Json>;
    switch (this.r.below(8)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(at.key as number, 1);
        else delete parent[at.key];
        break;
      case 1:
        if (Array.isArray(parent)) parent.splice(at.key as number, 0, structuredClone(parent[at.key]));
        else parent[`${at.key}_extra`] = structuredClone(parent[at.key]);
        break;
      case 2: {
        const siblings = Object.keys(parent);
        parent[at.key] = structuredClone(parent[this.pick(siblings)]);
        break;
      }
      case 3:
        parent[at.key] = typeof node === 'number' ? this.pick([node + 1, node - 1, -node, node * 1000, node / 3, 0]) : this.edge();
        break;
      case 4:
        parent[at.key] = typeof node === 'string' ? this.text(node) : this.edge();
        break;
      case 5:
        if (Array.isArray(node)) node.push(structuredClone(node[0] ?? null));
        else parent[at.key] = this.edge();
        break;
      case 6:
        parent[at.key] = Array.isArray(node) ? [] : node !== null && typeof node === 'object' ? {} : this.edge();
        break;
      default:
        parent[at.key] = this.edge();
    }
    return root;
  }

  /** A string cut, lengthened or with one character changed. */
  text(s: string): string {
    if (s.length === 0) return this.pick(['x', '\n', '---', '{']);
    const at = this.r.below(s.length);
    switch (this.r.below(5)) {
      case 0: return s.slice(0, at);
      case 1: return s.slice(0, at) + s.slice(at + 1);
      case 2: return s.slice(0, at) + this.pick(['"', '{', '}', '[', ']', ',', ':', '\n', ' ', '\\', '#', '-', '\t', 'ü', '0']) + s.slice(at);
      case 3: return s.slice(0, at) + s.slice(at, at + 1 + this.r.below(40)).repeat(2) + s.slice(at + 1 + this.r.below(40));
      default: return s.slice(0, at) + String.fromCharCode(this.r.below(128)) + s.slice(at + 1);
    }
  }
}
