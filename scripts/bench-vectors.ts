/**
 * Vector index: build time, recall@10 (HNSW against exact) and query latency at 10k and 100k
 * vectors of dim 512. Run: npx bun scripts/bench-vectors.ts [--sizes 10000,100000] [--random]
 * The 100k graph build is single-threaded JS and takes minutes on a small CPU.
 */
import { benchVectors, formatVectorBench } from "../src/search/vector/bench.ts";

const args = process.argv.slice(2);
const sizesArg = args[args.indexOf("--sizes") + 1];
const sizes = args.includes("--sizes") && sizesArg ? sizesArg.split(",").map(Number) : [10_000, 100_000];
const data: ("clustered" | "random")[] = args.includes("--random") ? ["clustered", "random"] : ["clustered"];

const rows = benchVectors({ sizes, data, onRow: (r) => process.stderr.write(`done: ${r.data} ${r.n} ${r.mode} (build ${(r.buildMs / 1000).toFixed(1)} s)\n`) });
process.stdout.write(`${formatVectorBench(rows)}\n`);
