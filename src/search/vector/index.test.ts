import { describe, expect, test } from "bun:test";
import { createVectorIndex, vectorIndexFromBytes, type VectorIndex } from "./index.ts";
import { clusteredVectors, randomVectors } from "./testdata.ts";

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return d / Math.sqrt(na * nb);
};

function fill(index: VectorIndex, vectors: Float32Array[]): VectorIndex {
  vectors.forEach((v, i) => index.add(`v${i}`, v));
  return index;
}

/** Share of the exact top 10 that the index's own search returns. */
function recallAt10(index: VectorIndex, queries: Float32Array[]): number {
  let found = 0;
  for (const q of queries) {
    const exact = new Set(index.searchExact(q, 10).map((h) => h.id));
    found += index.search(q, 10).filter((h) => exact.has(h.id)).length;
  }
  return found / (queries.length * 10);
}

describe("exact mode", () => {
  const data = randomVectors(600, 32, 11);
  const index = fill(createVectorIndex({ dim: 32 }), data);

  test("ranks by cosine similarity, scores equal the cosine", () => {
    const q = randomVectors(1, 32, 12)[0]!;
    const naive = data.map((v, i) => ({ id: `v${i}`, score: cosine(v, q) })).sort((a, b) => b.score - a.score).slice(0, 5);
    const hits = index.search(q, 5);
    expect(index.mode).toBe("exact");
    expect(hits.map((h) => h.id)).toEqual(naive.map((h) => h.id));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(naive[i]!.score, 5));
  });

  test("a stored vector finds itself first with score 1, whatever its length", () => {
    const scaled = data[42]!.map((x) => x * 7.5);
    const [top] = index.search(scaled, 1);
    expect(top!.id).toBe("v42");
    expect(top!.score).toBeCloseTo(1, 5);
  });

  test("filter, remove and replace", () => {
    const idx = fill(createVectorIndex({ dim: 32 }), data.slice(0, 50));
    const q = data[3]!;
    expect(idx.search(q, 3, (id) => id !== "v3").every((h) => h.id !== "v3")).toBe(true);
    expect(idx.search(q, 10, (id) => id === "v7" || id === "v9").map((h) => h.id).sort()).toEqual(["v7", "v9"]);
    expect(idx.remove("v3")).toBe(true);
    expect(idx.remove("v3")).toBe(false);
    expect(idx.size).toBe(49);
    expect(idx.search(q, 50).some((h) => h.id === "v3")).toBe(false);
    idx.add("v4", q); // replacing v4 with v3's vector
    expect(idx.size).toBe(49);
    expect(idx.search(q, 1)[0]).toMatchObject({ id: "v4" });
  });

  test("rejects wrong dimensions and zero vectors with a reason", () => {
    expect(() => index.add("bad", new Float32Array(31))).toThrow(/31 dimensions, the index has 32/);
    expect(() => index.add("zero", new Float32Array(32))).toThrow(/zero/);
    expect(() => index.add("v1", new Float32Array(32).fill(Number.NaN))).toThrow(/non-finite/);
    expect(index.has("v1")).toBe(true); // a bad replacement leaves the old vector in place
    expect(() => index.search(new Float32Array(8), 3)).toThrow(/8 dimensions/);
  });

  test("empty index and k = 0 give no hits", () => {
    expect(createVectorIndex({ dim: 4 }).search([1, 0, 0, 0], 5)).toEqual([]);
    expect(index.search(data[0]!, 0)).toEqual([]);
  });
});

describe("HNSW mode (approximate) against exact search", () => {
  // 5000 × 64 keeps the suite quick; the bench (scripts/bench-vectors.ts) runs 10k and 100k × 512.
  const random = fill(createVectorIndex({ dim: 64, exactBelow: 1000 }), randomVectors(5000, 64, 21));
  const clustered = fill(createVectorIndex({ dim: 64, exactBelow: 1000 }), clusteredVectors(5000, 64, 50, 0.5, 22));

  test("switches to the graph at the threshold", () => {
    const idx = fill(createVectorIndex({ dim: 8, exactBelow: 100 }), randomVectors(99, 8, 1));
    expect(idx.mode).toBe("exact");
    idx.add("one-more", randomVectors(1, 8, 2)[0]!);
    expect(idx.mode).toBe("hnsw");
    expect(random.mode).toBe("hnsw");
  });

  test("recall@10 ≥ 0.95 on random directions", () => {
    const r = recallAt10(random, randomVectors(100, 64, 23));
    console.log(`recall@10 random 5000×64: ${r.toFixed(3)}`);
    expect(r).toBeGreaterThanOrEqual(0.95);
  });

  test("recall@10 ≥ 0.98 on clustered data", () => {
    const r = recallAt10(clustered, clusteredVectors(100, 64, 50, 0.5, 24));
    console.log(`recall@10 clustered 5000×64: ${r.toFixed(3)}`);
    expect(r).toBeGreaterThanOrEqual(0.98);
  });

  test("filtered search returns only allowed ids, and the exact answer when the filter is selective", () => {
    const q = randomVectors(1, 64, 25)[0]!;
    const allow = (id: string) => Number(id.slice(1)) % 97 === 0; // ~52 of 5000
    const hits = random.search(q, 10, allow);
    expect(hits.length).toBe(10);
    expect(hits.every((h) => allow(h.id))).toBe(true);
    expect(hits.map((h) => h.id)).toEqual(random.searchExact(q, 10, allow).map((h) => h.id));
  });

  test("removed vectors are never returned; mass removal rebuilds", () => {
    const data = clusteredVectors(1500, 16, 10, 0.5, 26);
    const idx = fill(createVectorIndex({ dim: 16, exactBelow: 500 }), data);
    for (let i = 0; i < 300; i++) idx.remove(`v${i}`);
    const hits = idx.search(data[5]!, 20);
    expect(hits.some((h) => Number(h.id.slice(1)) < 300)).toBe(false);
    expect(hits).toHaveLength(20);
    for (let i = 300; i < 1300; i++) idx.remove(`v${i}`);
    expect(idx.size).toBe(200);
    expect(idx.mode).toBe("exact"); // fell below the threshold on rebuild
    expect(idx.search(data[1400]!, 1)[0]).toMatchObject({ id: "v1400" });
  });
});

describe("serialisation", () => {
  test("round trip of an exact index, with a tombstone", () => {
    const data = randomVectors(300, 24, 31);
    const idx = fill(createVectorIndex({ dim: 24 }), data);
    idx.remove("v10");
    const back = vectorIndexFromBytes(idx.toBytes());
    const q = randomVectors(1, 24, 32)[0]!;
    expect(back.size).toBe(299);
    expect(back.has("v10")).toBe(false);
    expect(back.search(q, 10)).toEqual(idx.search(q, 10));
  });

  test("round trip of a graph keeps the graph (same answers) and accepts new vectors", () => {
    const data = clusteredVectors(2000, 32, 20, 0.5, 33);
    const idx = fill(createVectorIndex({ dim: 32, exactBelow: 1000 }), data);
    const bytes = idx.toBytes();
    const back = vectorIndexFromBytes(bytes);
    expect(back.mode).toBe("hnsw");
    for (const q of clusteredVectors(20, 32, 20, 0.5, 34)) expect(back.search(q, 10)).toEqual(idx.search(q, 10));
    const extra = clusteredVectors(1, 32, 20, 0.5, 35)[0]!;
    back.add("extra", extra);
    expect(back.search(extra, 1)[0]).toMatchObject({ id: "extra" });
  });

  test("foreign and truncated bytes are refused with a reason", () => {
    expect(() => vectorIndexFromBytes(new TextEncoder().encode("hello world!"))).toThrow(/bad magic/);
    const bytes = fill(createVectorIndex({ dim: 8 }), randomVectors(10, 8, 36)).toBytes();
    expect(() => vectorIndexFromBytes(bytes.slice(0, bytes.length - 40))).toThrow(/end early|inconsistent/);
  });
});
