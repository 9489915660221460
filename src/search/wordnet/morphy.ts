/**
 * Morphy, WordNet's lemmatiser (morphy(7WN)): a word is looked up in its part of speech's
 * exception list ("ran" → "run", "mice" → "mouse"), then the detachment rules strip inflectional
 * endings ("tumbled" → "tumble", "puppies" → "puppy"); a candidate counts only if it is a lemma
 * in the index. Rules and their order are those of WordNet's morph.c.
 */
import type { Pos } from "./format.ts";

/** [suffix, replacement] per part of speech, in morph.c's order. Adverbs have exceptions only. */
export const DETACHMENT_RULES: Record<Pos, readonly (readonly [string, string])[]> = {
  noun: [["s", ""], ["ses", "s"], ["xes", "x"], ["zes", "z"], ["ches", "ch"], ["shes", "sh"], ["men", "man"], ["ies", "y"]],
  verb: [["s", ""], ["ies", "y"], ["es", "e"], ["es", ""], ["ed", "e"], ["ed", ""], ["ing", "e"], ["ing", ""]],
  adj: [["er", ""], ["est", ""], ["er", "e"], ["est", "e"]],
  adv: [],
};

export interface MorphyLexicon {
  /** Whether `lemma` (lower case, '_' between words) is in the index of `pos`. */
  has(lemma: string, pos: Pos): boolean;
  /** Base forms listed for an irregular inflection, or none. */
  exceptions(word: string, pos: Pos): readonly string[];
}

/** Base forms of one single word in one part of speech, the word itself first when it is a lemma. */
function morphWord(word: string, pos: Pos, lex: MorphyLexicon): string[] {
  const out = new Set<string>();
  if (lex.has(word, pos)) out.add(word);
  for (const base of lex.exceptions(word, pos)) if (lex.has(base, pos)) out.add(base);
  if (pos === "adv") return [...out];
  let stem = word;
  let tail = "";
  if (pos === "noun") {
    // morph.c: "boxesful" → "boxful"; and nouns in -ss ("glass") or of two letters are left alone.
    if (word.endsWith("ful") && word.length > 3) {
      stem = word.slice(0, -3);
      tail = "ful";
    } else if (word.endsWith("ss") || word.length <= 2) return [...out];
  }
  for (const [suffix, ending] of DETACHMENT_RULES[pos]) {
    if (stem.length > suffix.length && stem.endsWith(suffix)) {
      const candidate = stem.slice(0, -suffix.length) + ending + tail;
      if (lex.has(candidate, pos)) out.add(candidate);
    }
  }
  return [...out];
}

/**
 * Base forms of a word or collocation ("hot_dogs" → "hot_dog", "ran_away" → "run_away") in one
 * part of speech; empty when WordNet does not know it. Exceptions also cover whole collocations.
 */
export function morphy(word: string, pos: Pos, lex: MorphyLexicon): string[] {
  const w = word.toLowerCase().trim().replace(/[\s-]+/g, (m) => (m.includes("-") ? "-" : "_"));
  if (!w) return [];
  const direct = morphWord(w, pos, lex);
  if (direct.length > 0 || !w.includes("_")) return direct;
  // A collocation inflects on its head: the last word of a noun ("hot dogs"), the first word
  // of a verb ("ran away"). Trying both covers "attorneys general" and "looks up".
  const parts = w.split("_");
  const out = new Set<string>();
  for (const at of [parts.length - 1, 0]) {
    for (const base of morphWord(parts[at]!, pos, { has: () => true, exceptions: (x, p) => lex.exceptions(x, p) })) {
      const candidate = parts.map((p, i) => (i === at ? base : p)).join("_");
      if (lex.has(candidate, pos)) out.add(candidate);
    }
  }
  return [...out];
}
