/**
 * Binary heaps over parallel typed arrays (score, slot): the HNSW search keeps two of them per
 * query, and plain arrays of objects would allocate one object per visited node.
 */
export class ScoreHeap {
  private scores: Float32Array;
  private slots: Int32Array;
  size = 0;

  /** `max` true: the top is the highest score; false: the lowest. */
  constructor(
    private readonly max: boolean,
    capacity = 64,
  ) {
    this.scores = new Float32Array(capacity);
    this.slots = new Int32Array(capacity);
  }

  private better(a: number, b: number): boolean {
    return this.max ? this.scores[a]! > this.scores[b]! : this.scores[a]! < this.scores[b]!;
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
    const i = this.slots[a]!;
    this.slots[a] = this.slots[b]!;
    this.slots[b] = i;
  }

  /** Adds one entry. */
  push(score: number, slot: number): void {
    if (this.size === this.scores.length) {
      const scores = new Float32Array(this.size * 2);
      scores.set(this.scores);
      this.scores = scores;
      const slots = new Int32Array(this.size * 2);
      slots.set(this.slots);
      this.slots = slots;
    }
    let i = this.size++;
    this.scores[i] = score;
    this.slots[i] = slot;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.better(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Score at the top (NaN when empty). */
  topScore(): number {
    return this.size ? this.scores[0]! : Number.NaN;
  }

  /** Slot at the top (-1 when empty). */
  topSlot(): number {
    return this.size ? this.slots[0]! : -1;
  }

  /** Removes the top entry. */
  pop(): void {
    if (!this.size) return;
    this.size--;
    this.scores[0] = this.scores[this.size]!;
    this.slots[0] = this.slots[this.size]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < this.size && this.better(l, best)) best = l;
      if (r < this.size && this.better(r, best)) best = r;
      if (best === i) break;
      this.swap(i, best);
      i = best;
    }
  }

  /** Empties the heap, keeping its storage. */
  clear(): void {
    this.size = 0;
  }

  /** Entries as [score, slot] pairs, best first (drains the heap). */
  drainSorted(): { score: number; slot: number }[] {
    const out: { score: number; slot: number }[] = [];
    while (this.size) {
      out.push({ score: this.topScore(), slot: this.topSlot() });
      this.pop();
    }
    return out;
  }
}
