/**
 * The genus term of a noun gloss: "a young dog" → "dog", "young domestic cat" → "domestic cat",
 * "cat". Definitions in WordNet are mostly "genus + differentia", and the genus is often a closer
 * and more common word than the synset's hypernym (kitten's hypernym is "young mammal"; its gloss
 * says "cat"). This is the heuristic of Extended WordNet's gloss parsing, kept deliberately narrow.
 */
import { glossDefinition } from "./format.ts";

/** Words that end the genus phrase: relative pronouns, prepositions, participles of purpose. */
const BOUNDARY = new Set(
  "that which who whom whose where when of for with in on at by from to into onto as like than used usually especially often typically esp or and but not having resembling consisting made".split(" "),
);
/** Openers that are not part of the genus ("any of several…", "a member of…" leave nothing or what follows). */
const OPENERS = /^(a|an|the|any|one|some|someone|somebody|something|anyone|anything|several|various|each|either|kind|type|form|sort|variety|member|species|genus|group|part|piece|unit)\s+/;

/**
 * Candidate genus phrases of a noun gloss, longest first (at most 3 words); `nounBase` turns a
 * word or '_'-joined phrase into its noun lemma, or null when it is not a noun.
 */
export function glossGenus(gloss: string, nounBase: (phrase: string) => string | null): string[] {
  let def = glossDefinition(gloss).toLowerCase().replace(/\([^)]*\)/g, " ");
  def = def.split(/[,:]/)[0]!.trim();
  for (let prev = ""; prev !== def; ) {
    prev = def;
    def = def.replace(OPENERS, "");
  }
  const words: string[] = [];
  for (const w of def.split(/\s+/)) {
    if (!/^[a-z][a-z'-]*$/.test(w) || BOUNDARY.has(w)) break;
    words.push(w);
  }
  if (words.length === 0) return [];
  const head = nounBase(words[words.length - 1]!);
  if (!head) return [];
  const out: string[] = [];
  for (let n = Math.min(3, words.length); n >= 2; n--) {
    const phrase = nounBase([...words.slice(words.length - n, -1), head].join("_"));
    if (phrase) {
      out.push(phrase);
      break;
    }
  }
  out.push(head);
  return out;
}
