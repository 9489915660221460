/**
 * Vector index benchmark for the main bench: build time, recall@10 of the graph against exact
 * search, and p50/p95 query latency, on seeded clustered vectors shaped like CLIP embeddings
 * (dim 512). Timings are wall clock on this process's one JS thread.
 */
import { createVectorIndex, type VectorIndex } from "./index.ts";
import { clusteredVectors, randomVectors } from "./testdata.ts";

export interface VectorBenchRow {
  data: "clustered" | "random";
  n: number;
  dim: number;
  mode: "exact" | "hnsw";
  buildMs: number;
  /** Share of the exact top 10 found (1 for exact mode). */
  recallAt10: number;
  p50Ms: number;
  p95Ms: number;
  bytes: number;
}

export interface VectorBenchOptions {
  sizes?: number[];
  dim?: number;
  queries?: number;
  data?: ("clustered" | "random")[];
  /** Called after each row, so a long run shows progress. */
  onRow?: (row: VectorBenchRow) => void;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

function timeQueries(index: VectorIndex, queries: Float32Array[], exact: boolean): { hits: string[][]; p50: number; p95: number } {
  const times: number[] = [];
  const hits: string[][] = [];
  for (const q of queries) {
    const t = performance.now();
    const h = exact ? index.searchExact(q, 10) : index.search(q, 10);
    times.push(performance.now() - t);
    hits.push(h.map((x) => x.id));
  }
  times.sort((a, b) => a - b);
  return { hits, p50: percentile(times, 0.5), p95: percentile(times, 0.95) };
}

/** Runs exact and HNSW on each size and returns one row per (data, size, mode). */
export function benchVectors(opts: VectorBenchOptions = {}): VectorBenchRow[] {
  const dim = opts.dim ?? 512;
  const rows: VectorBenchRow[] = [];
  for (const kind of opts.data ?? ["clustered"]) {
    for (const n of opts.sizes ?? [10_000, 100_000]) {
      // ~1 cluster per 100 vectors, spread 0.6: neighbours are mostly in-cluster, as for shots of a scene.
      const data = kind === "clustered" ? clusteredVectors(n, dim, Math.max(10, n / 100), 0.6, 1) : randomVectors(n, dim, 1);
      const queries = kind === "clustered" ? clusteredVectors(opts.queries ?? 200, dim, Math.max(10, n / 100), 0.6, 2) : randomVectors(opts.queries ?? 200, dim, 2);
      let t = performance.now();
      const exact = createVectorIndex({ dim, exactBelow: Number.POSITIVE_INFINITY });
      data.forEach((v, i) => exact.add(String(i), v));
      const exactBuild = performance.now() - t;
      const truth = timeQueries(exact, queries, true);
      const exactRow: VectorBenchRow = { data: kind, n, dim, mode: "exact", buildMs: exactBuild, recallAt10: 1, p50Ms: truth.p50, p95Ms: truth.p95, bytes: exact.toBytes().byteLength };
      rows.push(exactRow);
      opts.onRow?.(exactRow);
      t = performance.now();
      const graph = createVectorIndex({ dim, exactBelow: 0 });
      data.forEach((v, i) => graph.add(String(i), v));
      const graphBuild = performance.now() - t;
      const approx = timeQueries(graph, queries, false);
      let found = 0;
      approx.hits.forEach((h, i) => {
        const want = new Set(truth.hits[i]);
        found += h.filter((id) => want.has(id)).length;
      });
      const row: VectorBenchRow = { data: kind, n, dim, mode: "hnsw", buildMs: graphBuild, recallAt10: found / (queries.length * 10), p50Ms: approx.p50, p95Ms: approx.p95, bytes: graph.toBytes().byteLength };
      rows.push(row);
      opts.onRow?.(row);
    }
  }
  return rows;
}

/** The rows as an aligned text table. */
export function formatVectorBench(rows: VectorBenchRow[]): string {
  const head = ["data", "n", "dim", "mode", "build s", "recall@10", "p50 ms", "p95 ms", "MB"];
  const body = rows.map((r) => [r.data, String(r.n), String(r.dim), r.mode, (r.buildMs / 1000).toFixed(2), r.recallAt10.toFixed(3), r.p50Ms.toFixed(2), r.p95Ms.toFixed(2), (r.bytes / 1e6).toFixed(1)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  return [head, ...body].map((cells) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ")).join("\n");
}
