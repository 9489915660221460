/**
 * Timing of WordNet expansion: opening, the lazy loads (index files, cntlist.rev), and 100
 * expansions of words a clip library is searched with, cold (synsets read from disk) and warm
 * (synset cache filled). Run through scripts/bench-wordnet.ts; not part of the tests.
 */
import { DEFAULT_WORDNET_DIR, WordNet } from "./database.ts";
import { expandTerm, type ExpandOptions } from "./expand.ts";

/** 100 query words: animals, vehicles, people, actions (some inflected), places, sounds, and one unknown word. */
export const BENCH_WORDS = (
  "dog puppy cat kitten bird horse cow squirrel fish duck car vehicle truck bicycle bike motorcycle boat airplane train bus " +
  "person man woman child kid baby crowd friend skater surfer run ran running jump jumped jumping fall falling tumble tumbled slip " +
  "crash hug hugging dance dancing swim swimming climb throw catch kick laugh scream cry wave waving ride riding skate surf ski " +
  "beach park street kitchen snow water night pool forest road stadium garden mountain river city room table sofa " +
  "ball skateboard surfboard frisbee kite umbrella bottle cup chair book fire music applause explosion fireworks wedding birthday " +
  "fail win xyzzyq"
).split(" ");

export interface WordnetBenchRow {
  phase: string;
  count: number;
  totalMs: number;
  meanMs: number;
  p95Ms: number;
  maxMs: number;
  slowest: string;
}

export interface WordnetBench {
  openMs: number;
  loads: Record<string, number>;
  rows: WordnetBenchRow[];
  /** Alternatives per word (mean) with the default options. */
  meanAlternatives: number;
}

function phase(name: string, words: string[], run: (w: string) => unknown): WordnetBenchRow {
  const times: number[] = [];
  for (const w of words) {
    const t0 = performance.now();
    run(w);
    times.push(performance.now() - t0);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const total = times.reduce((a, b) => a + b, 0);
  const r = (x: number) => Math.round(x * 100) / 100;
  const worst = times.indexOf(sorted[sorted.length - 1]!);
  return {
    phase: name,
    count: words.length,
    totalMs: r(total),
    meanMs: r(total / words.length),
    p95Ms: r(sorted[Math.floor(0.95 * (sorted.length - 1))]!),
    maxMs: r(sorted[sorted.length - 1]!),
    slowest: words[worst]!,
  };
}

/** Opens a fresh WordNet and times loading plus 100 expansions, cold then warm. */
export function benchWordnet(dir: string = DEFAULT_WORDNET_DIR, opts: ExpandOptions = {}): WordnetBench {
  const t0 = performance.now();
  const wn = WordNet.open(dir);
  const openMs = Math.round((performance.now() - t0) * 100) / 100;
  let alternatives = 0;
  const rows = [
    phase("expand cold (first use loads files)", BENCH_WORDS, (w) => (alternatives += expandTerm(wn, w, opts).length)),
    phase("expand warm (synsets cached)", BENCH_WORDS, (w) => expandTerm(wn, w, opts)),
    phase("morphy + lookup only", BENCH_WORDS, (w) => wn.lemmas(w)),
  ];
  wn.close();
  return { openMs, loads: { ...wn.loadTimes }, rows, meanAlternatives: Math.round((alternatives / BENCH_WORDS.length) * 10) / 10 };
}
