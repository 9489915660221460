/**
 * The in-process vector index: exact (brute force over contiguous memory) while small, HNSW
 * once it holds `exactBelow` vectors. Cosine similarity: vectors are stored unit length and
 * scored by dot product. Serialisable to bytes for persistence beside the database.
 */
import { exactSearch } from "./exact.ts";
import { DEFAULT_HNSW, HnswGraph, type HnswParams } from "./hnsw.ts";
import { decodeIndex, encodeIndex } from "./serialize.ts";
import { VectorStore, normalised } from "./store.ts";

export interface VectorHit {
  id: string;
  score: number;
}

export interface VectorIndexOptions {
  dim: number;
  /**
   * Below this many vectors searches are exact. 50k × 512 floats is a ~100 MB scan of about
   * 25–40 ms per query in Bun on one core; beyond that a graph pays for its build time.
   */
  exactBelow?: number;
  hnsw?: Partial<HnswParams>;
}

export interface VectorIndex {
  readonly dim: number;
  readonly size: number;
  /** "exact" or "hnsw": how searches are answered now. */
  readonly mode: "exact" | "hnsw";
  /** Adds or replaces a vector (it is normalised on the way in). */
  add(id: string, vec: ArrayLike<number>): void;
  /** Removes a vector; false when the id was not there. */
  remove(id: string): boolean;
  has(id: string): boolean;
  /** The k most similar vectors (cosine), best first, only ids passing `filter` when given. */
  search(query: ArrayLike<number>, k: number, filter?: (id: string) => boolean): VectorHit[];
  /** Exact search whatever the mode, for checking recall. */
  searchExact(query: ArrayLike<number>, k: number, filter?: (id: string) => boolean): VectorHit[];
  toBytes(): Uint8Array;
}

/** Index internals shared with the serialiser. */
export class MemoryVectorIndex implements VectorIndex {
  store: VectorStore;
  graph: HnswGraph | null = null;
  readonly exactBelow: number;
  readonly params: HnswParams;

  constructor(opts: VectorIndexOptions) {
    this.store = new VectorStore(opts.dim);
    this.exactBelow = opts.exactBelow ?? 50_000;
    this.params = { ...DEFAULT_HNSW, ...opts.hnsw };
  }

  get dim(): number {
    return this.store.dim;
  }

  get size(): number {
    return this.store.live;
  }

  get mode(): "exact" | "hnsw" {
    return this.graph ? "hnsw" : "exact";
  }

  add(id: string, vec: ArrayLike<number>): void {
    const slot = this.store.append(id, vec);
    if (this.graph) this.graph.insert(slot);
    else if (this.store.live >= this.exactBelow) this.buildGraph();
    this.maybeCompact();
  }

  remove(id: string): boolean {
    const removed = this.store.remove(id);
    if (removed) this.maybeCompact();
    return removed;
  }

  has(id: string): boolean {
    return this.store.slotOf.has(id);
  }

  /** Builds the graph over every live vector (tombstones dropped first). */
  buildGraph(): void {
    if (this.store.deletedCount) this.store = this.store.compact();
    const graph = new HnswGraph(this.store, this.params);
    for (let s = 0; s < this.store.slots; s++) graph.insert(s);
    this.graph = graph;
  }

  private maybeCompact(): void {
    const { store } = this;
    if (this.graph) {
      // Tombstones still route searches, so the graph is rebuilt only when half of it is dead.
      if (store.deletedCount * 2 <= store.slots) return;
      this.graph = null;
      this.store = store.compact();
      if (this.store.live >= this.exactBelow) this.buildGraph();
    } else if (store.deletedCount > 1024 && store.deletedCount * 4 > store.slots) {
      this.store = store.compact();
    }
  }

  private toHits(hits: { slot: number; score: number }[]): VectorHit[] {
    return hits.map((h) => ({ id: this.store.ids[h.slot]!, score: h.score }));
  }

  searchExact(query: ArrayLike<number>, k: number, filter?: (id: string) => boolean): VectorHit[] {
    const q = this.checkedQuery(query);
    const ids = this.store.ids;
    return this.toHits(exactSearch(this.store, q, k, filter && ((s) => filter(ids[s]!))));
  }

  search(query: ArrayLike<number>, k: number, filter?: (id: string) => boolean): VectorHit[] {
    if (!this.graph) return this.searchExact(query, k, filter);
    const q = this.checkedQuery(query);
    if (!filter) return this.toHits(this.graph.search(q, k));
    // Filtered: look wider in the graph, and scan exactly when the filter leaves too few.
    const ef = Math.max(this.params.efSearch, k * 4);
    const hits = this.graph.search(q, ef, ef).filter((h) => filter(this.store.ids[h.slot]!));
    if (hits.length >= k) return this.toHits(hits.slice(0, k));
    return this.searchExact(q, k, filter);
  }

  private checkedQuery(query: ArrayLike<number>): Float32Array {
    if (query.length !== this.dim) throw new Error(`query has ${query.length} dimensions, the index has ${this.dim}`);
    return normalised(query);
  }

  toBytes(): Uint8Array {
    return encodeIndex({ store: this.store, graph: this.graph, exactBelow: this.exactBelow, params: this.params });
  }
}

/** Creates an empty index. */
export function createVectorIndex(opts: VectorIndexOptions): VectorIndex {
  return new MemoryVectorIndex(opts);
}

/** Restores an index written by `toBytes` (throws with the reason on a foreign or damaged buffer). */
export function vectorIndexFromBytes(bytes: Uint8Array): VectorIndex {
  const parts = decodeIndex(bytes);
  const index = new MemoryVectorIndex({ dim: parts.store.dim, exactBelow: parts.exactBelow, hnsw: parts.params });
  index.store = parts.store;
  index.graph = parts.graph;
  return index;
}
