/**
 * WordNet query expansion speed: open, lazy file loads, 100 expansions cold and warm.
 * Run: npx bun scripts/bench-wordnet.ts [--json]
 */
import { formatTable, printJson } from "../src/cli/output.ts";
import { BENCH_WORDS, benchWordnet } from "../src/search/wordnet/bench.ts";

const result = benchWordnet();
if (process.argv.includes("--json")) printJson(result);
else {
  console.log(`WordNet 3.0 (/usr/share/wordnet), ${BENCH_WORDS.length} words; open ${result.openMs} ms; ${result.meanAlternatives} alternatives per word`);
  console.log(formatTable(["file loaded on first use", "ms"], Object.entries(result.loads)));
  console.log();
  console.log(formatTable(["phase", "words", "total ms", "mean ms", "p95 ms", "max ms", "slowest"], result.rows.map((r) => [r.phase, r.count, r.totalMs, r.meanMs, r.p95Ms, r.maxMs, r.slowest])));
}
