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
  /**
   * Coordination levels, most concepts first: for k = all concepts down to 1, every subset of k
   * concepts as an AND expression. Search walks them until it has enough candidates, so a large
   * library scores only the clips matching many concepts instead of every clip matching any
   * (at 100k clips an AND of two concepts costs 2–7 ms where the OR costs 12–50 ms).
   */
  tiers: { size: number; ftsMatch: string; tsQuery: string }[][];
}

/** Above this many concepts the subsets multiply: such queries use the plain OR expression. */
const MAX_TIERED_CONCEPTS = 5;

function subsets<T>(items: T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [head, ...rest] = items as [T, ...T[]];
  return [...subsets(rest, k - 1).map((s) => [head, ...s]), ...subsets(rest, k)];
}

/**
 * Remembers the last `size` expansions: WordNet lookups read its data files (2–4 ms for a
 * two-word query), and the words people search for recur. Expansions never change for a word.
 */
export function cachedExpander(inner: TermExpander, size = 2000): TermExpander {
  const cache = new Map<string, ReturnType<TermExpander["expandTerm"]>>();
  return {
    expandTerm(word, opts) {
      const key = `${word}\u0000${JSON.stringify(opts ?? {})}`;
      let hit = cache.get(key);
      if (hit) cache.delete(key);
      else hit = inner.expandTerm(word, opts);
      cache.set(key, hit);
      if (cache.size > size) cache.delete(cache.keys().next().value!);
      return hit;
    },
  };
}

let expander: TermExpander | null | undefined;
/** WordNet when Debian's wordnet-base is installed; otherwise queries run unexpanded. */
export function defaultExpander(): TermExpander | null {
  expander ??= existsSync(join(DEFAULT_WORDNET_DIR, "index.noun")) ? cachedExpander(wordnetExpander()) : null;
  return expander;
}

/** Builds the plan for a typed query; `expand` false keeps the words as typed. */
export async function buildLexicalQuery(
  text: string,
  expand: TermExpander | null | false = defaultExpander(),
  /** More alternatives per concept (the LLM's expansion), added after WordNet's. */
  extra: (concepts: string[]) => Promise<Record<string, string[]>> = async () => ({}),
): Promise<QueryPlan> {
  // Six alternatives a concept: every extra OR term makes the engine score more documents
  // (p95 at 100k clips went from 22 to 49 ms with twelve), and the weakest ones rarely help.
  const expanded = expandQuery(parseQuery(text), expand || null, { maxAlternatives: 6 });
  const more = await extra(expanded.groups.map((g) => g.original));
  for (const g of expanded.groups)
    for (const term of (more[g.original] ?? []).slice(0, 4))
      if (term && !g.alternatives.some((a) => a.term === term)) g.alternatives.push({ term, weight: 0.7, relation: "synonym" });
  const n = expanded.groups.length;
  const tiers: QueryPlan["tiers"] = [];
  if (n <= MAX_TIERED_CONCEPTS)
    for (let k = n; k >= 1; k--)
      tiers.push(
        subsets(expanded.groups, k).map((groups) => {
          const sub = { groups, negated: expanded.negated };
          return { size: k, ftsMatch: toFtsMatch(sub, { mode: "all" }), tsQuery: toTsQuery(sub, { mode: "all" }) };
        }),
      );
  return { groups: expanded.groups, ftsMatch: toFtsMatch(expanded, { mode: "any" }), tsQuery: toTsQuery(expanded, { mode: "any" }), tiers };
}
