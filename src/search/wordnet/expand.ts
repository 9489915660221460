/**
 * Term expansion over WordNet for a full-text ranker: a word becomes itself, its base form,
 * synonyms of its commonest senses, one or two hypernyms ("puppy" → "dog"), the genus of its
 * gloss ("kitten" → "cat") and its commonest hyponyms a few levels down ("vehicle" → "car",
 * "bicycle"). Every alternative carries a weight in (0, 1]; the list is capped, because weak
 * alternatives OR-ed into an FTS5 or tsquery expression cost precision.
 */
import type { WordNet, LemmaMatch } from "./database.ts";
import { lemmaToPhrase, POINTER, POS_LIST, type Pos, type Synset } from "./format.ts";
import { glossGenus } from "./gloss.ts";
import { morphy } from "./morphy.ts";
import type { GlossLexicon } from "./gloss.ts";

export type Relation = "self" | "synonym" | "hypernym" | "hyponym" | "morph";

export interface Expansion {
  /** Lower case; multi-word lemmas as phrases with spaces ("domestic cat"). */
  term: string;
  weight: number;
  relation: Relation;
  /** Set when a hypernym was read from the gloss's genus term rather than a pointer. */
  via?: "gloss";
}

export interface ExpandOptions {
  /** Parts of speech to consider (default all four). */
  parts?: readonly Pos[];
  /** Senses kept, commonest first (default 3). */
  maxSenses?: number;
  /** Senses weighing less than this against the commonest are dropped (default 0.1). */
  minSenseWeight?: number;
  /** Hypernym levels (0–2, default 1). */
  hypernymDepth?: number;
  /** Hyponym levels (default 4: car is four levels below vehicle). */
  hyponymDepth?: number;
  /** Hyponym terms kept over all senses (default 8). */
  maxHyponyms?: number;
  /** Synsets a hyponym walk may visit per sense (default 600), which bounds time on hubs. */
  maxVisited?: number;
  /** Read a hypernym from noun glosses (default true). */
  glossGenus?: boolean;
  /** Halve senses from abstract lexicographer files, since clips show things (default true). */
  visualBias?: boolean;
  /** Follow instance pointers (proper nouns such as cities) too (default false). */
  instances?: boolean;
  /**
   * Whether a term occurs in the searched library (e.g. backed by an fts5vocab table or the
   * detector's label list). Alternatives it rejects weigh half, so the bounded lists fill with
   * words that can match: SemCor's counts favour "ship" and "wagon" over "bicycle" under "vehicle".
   */
  vocabulary?: (term: string) => boolean;
  /** Alternatives returned, the word itself included (default 16). */
  maxTerms?: number;
  /** Alternatives weighing less are dropped (default 0.12). */
  minWeight?: number;
}

/**
 * Relation weights. A synonym is nearly the word; a hypernym broadens and a hyponym narrows, so
 * both weigh less; per level they decay again. Chosen by hand on the test words, not fitted.
 */
const W = { morph: 0.95, synonym: 0.85, untaggedSynonym: 0.7, hypernym: [0.6, 0.35], genus: 0.6, hyponym: 0.55, hyponymDecay: 0.92 } as const;
/** Synonyms kept per sense: WordNet lists a synset's commonest lemmas first; the tail is rare ("clangoring"). */
const MAX_SYNONYMS = 4;
/** Noun synsets closer than this to "entity" are too general to help (object, whole, matter, location). */
const MIN_NOUN_DEPTH = 4;
/**
 * Upper-level nouns deeper than that which still say nothing a clip could show; picked from the
 * expansions of the benchmark words (src/search/wordnet/bench.ts).
 */
const GENERIC_NOUNS = new Set(
  ("artifact artefact instrumentality instrumentation organism being living_thing animate_thing causal_agent cause causal_agency " +
    "area region physical_object unit whole thing act deed human_action human_activity event happening occurrence occurrent " +
    "natural_event device structure construction covering material stuff part portion component group grouping " +
    "collection aggregation assemblage abstraction abstract_entity attribute measure quantity amount relation state condition " +
    "natural_object content message subject_matter substance matter chemical_compound compound binary_compound activity " +
    "process physical_process change action work product production creation commodity goods merchandise").split(" "),
);
/** Tag count at which a hyponym is "common" and gets its full weight (SemCor counts; car has 71). */
const COMMON_TAG_COUNT = 50;
/** Lexicographer files of abstractions (lexnames(5WN)): attribute, cognition, communication, motive, possession, quantity, relation, state, time; verb cognition, possession, stative. */
const ABSTRACT_LEX_FILES = new Set([7, 9, 10, 16, 21, 23, 24, 26, 28, 31, 40, 42]);

interface Sense {
  match: LemmaMatch;
  synset: Synset;
  weight: number;
  /** SemCor tag count of the query word in this sense. */
  count: number;
}

/** Expands one word or phrase; a word WordNet does not know expands to itself only. */
export function expandTerm(wn: WordNet, word: string, opts: ExpandOptions = {}): Expansion[] {
  const self = word.toLowerCase().trim().replace(/[\s_]+/g, " ");
  if (!self) return [];
  const out = new Map<string, Expansion>([[self, { term: self, weight: 1, relation: "self" }]]);
  const known = vocabularyFactor(opts.vocabulary);
  const add = (lemma: string, weight: number, relation: Relation, via?: "gloss") => {
    // Proper nouns and taxonomic names ("Canis_familiaris") rarely occur in clip descriptions.
    if (relation !== "morph" && /^[A-Z]/.test(lemma)) return;
    // Idioms of four words and more ("trip_the_light_fantastic") do not occur in descriptions.
    if (lemma.split(/[_\s]/).length > 3) return;
    const term = lemmaToPhrase(lemma);
    weight *= known(term);
    const had = out.get(term);
    // At equal weight a pointer outranks a gloss reading as the stated source.
    if (!had || had.weight < weight || (had.weight === weight && had.via && !via)) out.set(term, via ? { term, weight, relation, via } : { term, weight, relation });
  };
  const matches = wn.lemmas(self, opts.parts ?? POS_LIST);
  const senses = pickSenses(wn, matches, opts);
  // A base form counts only through a sense that was kept: "forest" is not the adjective "fore" + -est.
  for (const s of senses) if (s.match.morph) add(s.match.lemma, W.morph, "morph");
  for (const s of senses) {
    const synonyms = s.synset.words.filter((w) => w.lemma.toLowerCase() !== s.match.lemma).slice(0, MAX_SYNONYMS);
    for (const w of synonyms) {
      // A synonym never tagged in a sense that was tagged for the query word is the rarer name.
      const rare = s.count > 0 && wn.tagCount(w.lemma, s.synset, w.lexId) === 0;
      add(w.lemma, (rare ? W.untaggedSynonym : 1) * W.synonym * s.weight, "synonym");
    }
    // The gloss's genus first: at equal weight it is the lexicographer's own word ("cat" for kitten).
    if (s.synset.pos === "noun" && (opts.glossGenus ?? true)) {
      for (const g of glossGenus(s.synset.gloss, glossLexicon(wn))) {
        const first = wn.lookup(g, "noun")?.offsets[0];
        if (g !== s.match.lemma && first !== undefined && generalEnough(wn, wn.synset(first, "noun"))) add(g, W.genus * s.weight, "hypernym", "gloss");
      }
    }
    const depth = Math.min(2, opts.hypernymDepth ?? 1);
    let level: Synset[] = [s.synset];
    for (let d = 0; d < depth; d++) {
      level = level.flatMap((syn) => hypernyms(wn, syn, opts.instances ?? false));
      for (const h of level) if (generalEnough(wn, h)) for (const w of h.words.slice(0, 3)) add(w.lemma, W.hypernym[d]! * s.weight, "hypernym");
    }
  }
  addHyponyms(wn, senses, opts, known, add);
  const minWeight = opts.minWeight ?? 0.12;
  return [...out.values()]
    .filter((e) => e.relation === "self" || e.weight >= minWeight)
    .sort((a, b) => (a.relation === "self" ? -1 : b.relation === "self" ? 1 : b.weight - a.weight))
    .slice(0, opts.maxTerms ?? 16)
    .map((e) => ({ ...e, weight: Math.round(e.weight * 1000) / 1000 }));
}

/** Weight factor for a term from the library's vocabulary: 1 when known or when no vocabulary is given. */
function vocabularyFactor(vocabulary: ExpandOptions["vocabulary"]): (term: string) => number {
  return vocabulary ? (term) => (vocabulary(term) ? 1 : 0.5) : () => 1;
}

/**
 * The commonest senses over all parts of speech, weighted by their SemCor tag counts relative to
 * the commonest sense (so "dog" the animal outweighs "dog" the verb 42 to 2); words without
 * any tagged sense fall back to WordNet's sense order.
 */
function pickSenses(wn: WordNet, matches: LemmaMatch[], opts: ExpandOptions): Sense[] {
  const maxSenses = opts.maxSenses ?? 3;
  const found: (Sense & { rank: number })[] = [];
  for (const match of matches) {
    // Index offsets are in frequency order with the tagged senses first, so the first few suffice.
    const n = Math.min(match.entry.offsets.length, Math.max(maxSenses, Math.min(match.entry.tagSenseCount, maxSenses)));
    match.entry.offsets.slice(0, n).forEach((offset, rank) => {
      const synset = wn.synset(offset, match.pos);
      const word = synset.words.find((w) => w.lemma.toLowerCase() === match.lemma);
      const count = word ? wn.tagCount(match.lemma, synset, word.lexId) : 0;
      found.push({ match, synset, weight: 0, count, rank });
    });
  }
  const maxCount = Math.max(0, ...found.map((s) => s.count));
  for (const s of found) {
    // Add-one smoothing for each part of speech's first sense, so an untagged noun ("kite")
    // is not silenced by one tagged verb sense; other untagged senses drop out.
    s.weight = maxCount > 0 ? (s.count + (s.rank === 0 ? 1 : 0)) / (maxCount + 1) : 1 / (s.rank + 1);
    if ((opts.visualBias ?? true) && ABSTRACT_LEX_FILES.has(s.synset.lexFile)) s.weight /= 2;
  }
  return found
    .filter((s) => s.weight >= (opts.minSenseWeight ?? 0.1))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, maxSenses);
}

function hypernyms(wn: WordNet, syn: Synset, instances: boolean): Synset[] {
  return syn.pointers
    .filter((p) => p.symbol === POINTER.hypernym || (instances && p.symbol === POINTER.instanceHypernym))
    .map((p) => wn.synset(p.offset, p.pos));
}

/** Noun and adjective look-ups that gloss parsing needs, answered by this WordNet. */
export function glossLexicon(wn: WordNet): GlossLexicon {
  return {
    nounBase: (p) => {
      // The base form ("things" → "thing"); a word mostly used as an adjective ("large", "wild")
      // is not taken for a head noun when none of its noun senses was ever tagged.
      const base = morphy(p, "noun", wn).at(-1) ?? null;
      if (base && !base.includes("_") && wn.has(base, "adj") && (wn.lookup(base, "noun")?.tagSenseCount ?? 0) === 0) return null;
      return base;
    },
    isNominal: (w) => wn.has(w, "adj") || morphy(w, "noun", wn).length > 0,
  };
}

/** Steps from a noun synset up to "entity" along first hypernyms. */
function nounDepth(wn: WordNet, syn: Synset): number {
  let depth = 0;
  for (let s: Synset | undefined = syn; depth < 30; depth++) {
    const up = s.pointers.find((p) => p.symbol === POINTER.hypernym || p.symbol === POINTER.instanceHypernym);
    if (!up) break;
    s = wn.synset(up.offset, up.pos);
  }
  return depth;
}

/** Verb roots ("move", "change", "be") and nouns near "entity" are too general to add. */
function generalEnough(wn: WordNet, syn: Synset): boolean {
  if (syn.pos === "noun") return !GENERIC_NOUNS.has(syn.words[0]!.lemma.toLowerCase()) && nounDepth(wn, syn) >= MIN_NOUN_DEPTH;
  if (syn.pos === "verb") return syn.pointers.some((p) => p.symbol === POINTER.hypernym);
  return true;
}

/**
 * Hyponyms breadth-first down to hyponymDepth, keeping only lemmas that were tagged at least once
 * in SemCor (so "vehicle" yields "car" and "bicycle", not "skibob"), the commonest first.
 */
function addHyponyms(
  wn: WordNet,
  senses: Sense[],
  opts: ExpandOptions,
  known: (term: string) => number,
  add: (lemma: string, weight: number, relation: Relation) => void,
): void {
  const maxDepth = opts.hyponymDepth ?? 4;
  const maxVisited = opts.maxVisited ?? 600;
  const found = new Map<string, number>();
  for (const s of senses) {
    const seen = new Set<number>([s.synset.offset]);
    let level = [s.synset];
    for (let d = 1; d <= maxDepth && level.length > 0 && seen.size < maxVisited; d++) {
      const next: Synset[] = [];
      for (const syn of level) {
        for (const p of syn.pointers) {
          if (p.symbol !== POINTER.hyponym && !(opts.instances && p.symbol === POINTER.instanceHyponym)) continue;
          if (seen.has(p.offset) || seen.size >= maxVisited) continue;
          seen.add(p.offset);
          const h = wn.synset(p.offset, p.pos);
          next.push(h);
          for (const w of h.words) {
            const count = wn.tagCount(w.lemma, h, w.lexId);
            if (count === 0) continue;
            const popularity = Math.min(1, Math.log1p(count) / Math.log1p(COMMON_TAG_COUNT));
            const weight = W.hyponym * s.weight * W.hyponymDecay ** (d - 1) * popularity;
            if ((found.get(w.lemma) ?? 0) < weight) found.set(w.lemma, weight);
          }
        }
      }
      level = next;
    }
  }
  // Words the library knows take the places first; add() applies the vocabulary factor to the weight.
  const best = [...found.entries()]
    .map(([lemma, weight]) => ({ lemma, weight, known: known(lemmaToPhrase(lemma)) }))
    .sort((a, b) => b.known - a.known || b.weight - a.weight)
    .slice(0, opts.maxHyponyms ?? 8);
  for (const { lemma, weight } of best) add(lemma, weight, "hyponym");
}
