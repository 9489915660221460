/**
 * HNSW (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs", 2016/2018) over a VectorStore, with similarity =
 * dot product of unit vectors. Layer 0 links live in one Int32Array (2·M slots per node, as in
 * hnswlib); the few nodes above layer 0 keep plain arrays. Neighbours are picked with the
 * paper's heuristic (Algorithm 4), which keeps links spread out and is what makes clustered
 * data reach high recall. Removed vectors stay in the graph as tombstones for navigation.
 */
import { ScoreHeap } from "./heap.ts";
import { SeededRandom } from "./rng.ts";
import type { SlotHit } from "./exact.ts";
import type { VectorStore } from "./store.ts";

export interface HnswParams {
  /** Links per node above layer 0 (layer 0 gets 2·M). 16 is hnswlib's default. */
  M: number;
  /** Candidate list size while building; higher = better graph, slower build. */
  efConstruction: number;
  /** Default candidate list size while searching (raised to k when smaller). */
  efSearch: number;
  seed: number;
}

export const DEFAULT_HNSW: HnswParams = { M: 16, efConstruction: 128, efSearch: 128, seed: 42 };

/** Levels are capped: with M = 16 a level above 16 needs ~16^16 nodes. */
const MAX_LEVEL = 16;

export class HnswGraph {
  readonly M0: number;
  levels: Uint8Array;
  links0: Int32Array;
  count0: Uint8Array;
  /** upper[slot][l - 1] = neighbours on layer l ≥ 1. */
  upper: (number[][] | undefined)[] = [];
  entry = -1;
  maxLevel = -1;
  nodes = 0;
  readonly rng: SeededRandom;
  private visited: Uint32Array;
  private visitMark = 0;
  private readonly mL: number;
  private readonly candidates = new ScoreHeap(true);
  private readonly results = new ScoreHeap(false);

  constructor(
    readonly store: VectorStore,
    readonly params: HnswParams = DEFAULT_HNSW,
  ) {
    this.M0 = params.M * 2;
    if (this.M0 > 255) throw new Error(`HNSW M=${params.M} is too large (layer-0 counts are bytes)`);
    this.mL = 1 / Math.log(params.M);
    this.rng = new SeededRandom(params.seed);
    const capacity = Math.max(1024, store.slots);
    this.levels = new Uint8Array(capacity);
    this.links0 = new Int32Array(capacity * this.M0);
    this.count0 = new Uint8Array(capacity);
    this.visited = new Uint32Array(capacity);
  }

  private ensureCapacity(slot: number): void {
    if (slot < this.levels.length) return;
    const capacity = Math.max(slot + 1, this.levels.length * 2);
    const grow = <T extends Uint8Array | Int32Array | Uint32Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.levels = grow(this.levels, capacity);
    this.count0 = grow(this.count0, capacity);
    this.links0 = grow(this.links0, capacity * this.M0);
    this.visited = grow(this.visited, capacity);
  }

  /** Neighbours of a node on a layer (a copy for layer 0). */
  neighbours(slot: number, level: number): number[] {
    if (level === 0) {
      const base = slot * this.M0;
      return Array.from(this.links0.subarray(base, base + this.count0[slot]!));
    }
    return this.upper[slot]?.[level - 1] ?? [];
  }

  private setNeighbours(slot: number, level: number, list: number[]): void {
    if (level === 0) {
      this.links0.set(list, slot * this.M0);
      this.count0[slot] = list.length;
    } else {
      this.upper[slot]![level - 1] = list;
    }
  }

  private nextMark(): number {
    if (++this.visitMark === 0xffffffff) {
      this.visited.fill(0);
      this.visitMark = 1;
    }
    return this.visitMark;
  }

  /** Greedy walk on one layer towards the query: the usual descent above the target layer. */
  private greedy(query: Float32Array, ep: number, epScore: number, level: number): [number, number] {
    for (let changed = true; changed; ) {
      changed = false;
      for (const n of this.neighbours(ep, level)) {
        const s = this.store.dot(n, query);
        if (s > epScore) {
          ep = n;
          epScore = s;
          changed = true;
        }
      }
    }
    return [ep, epScore];
  }

  /** Best-first search of one layer (Algorithm 2), returning up to ef hits best first. */
  searchLayer(query: Float32Array, ep: number, ef: number, level: number, skipDeleted: boolean): SlotHit[] {
    const mark = this.nextMark();
    const { candidates, results, store } = this;
    candidates.clear();
    results.clear();
    const deleted = store.deleted;
    const epScore = store.dot(ep, query);
    this.visited[ep] = mark;
    candidates.push(epScore, ep);
    if (!(skipDeleted && deleted[ep])) results.push(epScore, ep);
    while (candidates.size) {
      const cScore = candidates.topScore();
      const c = candidates.topSlot();
      if (results.size >= ef && cScore < results.topScore()) break;
      candidates.pop();
      let list: ArrayLike<number>;
      let count: number;
      if (level === 0) {
        list = this.links0.subarray(c * this.M0, c * this.M0 + this.count0[c]!);
        count = list.length;
      } else {
        list = this.upper[c]?.[level - 1] ?? [];
        count = list.length;
      }
      for (let i = 0; i < count; i++) {
        const n = list[i]!;
        if (this.visited[n] === mark) continue;
        this.visited[n] = mark;
        const s = store.dot(n, query);
        if (results.size < ef || s > results.topScore()) {
          candidates.push(s, n);
          if (!(skipDeleted && deleted[n])) {
            results.push(s, n);
            if (results.size > ef) results.pop();
          }
        }
      }
    }
    return results.drainSorted().reverse();
  }

  /**
   * The neighbour heuristic (Algorithm 4): take candidates best first, and keep one only if it is
   * closer to the base than to every neighbour kept so far, so links reach other clusters too.
   */
  private selectNeighbours(sorted: SlotHit[], m: number): number[] {
    const kept: number[] = [];
    for (const c of sorted) {
      if (kept.length >= m) break;
      let good = true;
      for (const r of kept) {
        if (this.store.dotSlots(c.slot, r) > c.score) {
          good = false;
          break;
        }
      }
      if (good) kept.push(c.slot);
    }
    return kept;
  }

  private randomLevel(): number {
    const r = this.rng.next();
    return Math.min(MAX_LEVEL, Math.floor(-Math.log(1 - r) * this.mL));
  }

  /** Links a stored slot into the graph (Algorithm 1). */
  insert(slot: number): void {
    this.ensureCapacity(slot);
    const level = this.randomLevel();
    this.levels[slot] = level;
    this.count0[slot] = 0;
    this.upper[slot] = level > 0 ? Array.from({ length: level }, () => []) : undefined;
    this.nodes++;
    if (this.entry < 0) {
      this.entry = slot;
      this.maxLevel = level;
      return;
    }
    const query = this.store.vector(slot);
    let ep = this.entry;
    let epScore = this.store.dot(ep, query);
    for (let l = this.maxLevel; l > level; l--) [ep, epScore] = this.greedy(query, ep, epScore, l);
    for (let l = Math.min(level, this.maxLevel); l >= 0; l--) {
      const found = this.searchLayer(query, ep, this.params.efConstruction, l, false);
      const chosen = this.selectNeighbours(found, this.params.M);
      this.setNeighbours(slot, l, chosen);
      const cap = l === 0 ? this.M0 : this.params.M;
      for (const n of chosen) this.link(n, slot, l, cap);
      ep = found[0]!.slot;
    }
    if (level > this.maxLevel) {
      this.entry = slot;
      this.maxLevel = level;
    }
  }

  /** Adds a back link, re-running the heuristic over the node's links when it is full. */
  private link(node: number, to: number, level: number, cap: number): void {
    const current = this.neighbours(node, level);
    if (current.length < cap) {
      current.push(to);
      this.setNeighbours(node, level, current);
      return;
    }
    const base = this.store.vector(node);
    const scored = [...current, to].map((s) => ({ slot: s, score: this.store.dot(s, base) }));
    scored.sort((a, b) => b.score - a.score);
    this.setNeighbours(node, level, this.selectNeighbours(scored, cap));
  }

  /** Approximate top hits for a unit query, tombstones left out, best first. */
  search(query: Float32Array, k: number, ef = this.params.efSearch): SlotHit[] {
    if (this.entry < 0 || k <= 0) return [];
    let ep = this.entry;
    let epScore = this.store.dot(ep, query);
    for (let l = this.maxLevel; l > 0; l--) [ep, epScore] = this.greedy(query, ep, epScore, l);
    return this.searchLayer(query, ep, Math.max(ef, k), 0, true).slice(0, k);
  }
}
