import { expect, test } from "bun:test";
import { benchVectors, formatVectorBench } from "./bench.ts";

test("benchVectors gives an exact and an HNSW row per size, with recall against exact search (small run)", () => {
  const rows = benchVectors({ sizes: [800], dim: 16, queries: 20 });
  expect(rows.map((r) => [r.n, r.mode])).toEqual([
    [800, "exact"],
    [800, "hnsw"],
  ]);
  expect(rows[0]!.recallAt10).toBe(1);
  expect(rows[1]!.recallAt10).toBeGreaterThan(0.9);
  for (const r of rows) expect(r.p95Ms).toBeGreaterThanOrEqual(r.p50Ms);
  expect(formatVectorBench(rows).split("\n")).toHaveLength(3);
});
