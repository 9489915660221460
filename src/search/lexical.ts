/**
 * The lexical side of search: the query's concepts (src/search/query.ts) with their WordNet
 * alternatives, as one plan holding the concept groups (for explaining and coverage) and the
 * FTS5 and to_tsquery expressions (any concept may match; coverage is judged afterwards).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expandQuery, parseQuery, toFtsMatch, toTsQuery, type ConceptGroup } from "./query.ts";
import { DEFAULT_WORDNET_DIR, wordnetExpander, type TermExpander } from "./wordnet/index.ts";

export interface QueryPlan {
  groups: ConceptGroup[];
  ftsMatch: string;
  tsQuery: string;
}

let expander: TermExpander | null | undefined;
/** WordNet when Debian's wordnet-base is installed; otherwise queries run unexpanded. */
export function defaultExpander(): TermExpander | null {
  expander ??= existsSync(join(DEFAULT_WORDNET_DIR, "index.noun")) ? wordnetExpander() : null;
  return expander;
}

/** Builds the plan for a typed query; `expand` false keeps the words as typed. */
export async function buildLexicalQuery(text: string, expand: TermExpander | null | false = defaultExpander()): Promise<QueryPlan> {
  // Six alternatives a concept: every extra OR term makes the engine score more documents
  // (p95 at 100k clips went from 22 to 49 ms with twelve), and the weakest ones rarely help.
  const expanded = expandQuery(parseQuery(text), expand || null, { maxAlternatives: 6 });
  return { groups: expanded.groups, ftsMatch: toFtsMatch(expanded, { mode: "any" }), tsQuery: toTsQuery(expanded, { mode: "any" }) };
}
