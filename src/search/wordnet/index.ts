/**
 * WordNet 3.0 for query understanding: the database reader, Morphy, and term expansion.
 * `sharedWordNet()` opens Debian's copy once per process; nothing is loaded until first use.
 */
import { DEFAULT_WORDNET_DIR, WordNet } from "./database.ts";
import { expandTerm, type ExpandOptions, type Expansion } from "./expand.ts";

export { DEFAULT_WORDNET_DIR, WordNet, type LemmaMatch } from "./database.ts";
export { expandTerm, type ExpandOptions, type Expansion, type Relation } from "./expand.ts";
export { lemmaToPhrase, POINTER, POS_LIST, type IndexEntry, type Pointer, type Pos, type Synset } from "./format.ts";
export { morphy } from "./morphy.ts";

/** Anything that turns one query word into weighted alternatives (WordNet here; an LLM could be another). */
export interface TermExpander {
  expandTerm(word: string, opts?: ExpandOptions): Expansion[];
}

const shared = new Map<string, WordNet>();

/** One WordNet per directory per process (the file handles and caches are worth sharing). */
export function sharedWordNet(dir: string = DEFAULT_WORDNET_DIR): WordNet {
  let wn = shared.get(dir);
  if (!wn) {
    wn = WordNet.open(dir);
    shared.set(dir, wn);
  }
  return wn;
}

/** A TermExpander over a WordNet database, with default options merged into each call. */
export function wordnetExpander(wn: WordNet = sharedWordNet(), defaults: ExpandOptions = {}): TermExpander {
  return { expandTerm: (word, opts) => expandTerm(wn, word, { ...defaults, ...opts }) };
}
