/** Exact nearest neighbours: one pass over the contiguous store, top-k kept in a small heap. */
import { ScoreHeap } from "./heap.ts";
import { dotAt, type VectorStore } from "./store.ts";

export interface SlotHit {
  slot: number;
  score: number;
}

/** The k live slots with the highest dot product with `query` (a unit vector), best first. */
export function exactSearch(store: VectorStore, query: Float32Array, k: number, accept?: (slot: number) => boolean): SlotHit[] {
  if (k <= 0) return [];
  // Min-heap of the best k so far: its top is the score a newcomer must beat.
  const best = new ScoreHeap(false, k + 1);
  const dim = store.dim;
  const data = store.data;
  for (let s = 0, base = 0; s < store.slots; s++, base += dim) {
    if (store.deleted[s]) continue;
    const score = dotAt(data, base, query, 0, dim);
    if (best.size === k && score <= best.topScore()) continue;
    if (accept && !accept(s)) continue;
    best.push(score, s);
    if (best.size > k) best.pop();
  }
  return best.drainSorted().reverse();
}
