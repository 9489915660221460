/**
 * The genus term of a noun gloss: "a young dog" → "dog", "young domestic cat" → "domestic cat",
 * "cat". Definitions in WordNet are mostly "genus + differentia", and the genus is often a closer
 * and more common word than the synset's hypernym (kitten's hypernym is "young mammal"; its gloss
 * says "cat"). This is the heuristic of Extended WordNet's gloss parsing, kept deliberately narrow:
 * the genus is the last noun of the gloss's opening run of nouns and adjectives.
 */
import { glossDefinition } from "./format.ts";

/** Words that end the genus phrase: relative pronouns, prepositions, participles of purpose. */
const BOUNDARY = new Set(
  "that which who whom whose where when of for with in on at by from to into onto as like than used usually especially often typically esp but not having resembling consisting made about".split(" "),
);
/** Openers that are not part of the genus ("a member of…" leaves nothing or what follows). */
const OPENERS = /^(a|an|the|any|one|some|someone|somebody|something|anyone|anything|several|various|each|either|kind|type|form|sort|variety|member|species|genus|group|part|piece|unit)\s+/;
/** Heads that name a relation to the noun after "of": "female of domestic cattle" → "cattle". */
const RELATIONAL = new Set(["female", "male", "young", "flesh", "member", "kind", "type", "sort", "variety", "form", "part", "piece", "group", "number", "collection", "set"]);

export interface GlossLexicon {
  /** The noun lemma of a word or '_'-joined phrase, or null when it is not a noun. */
  nounBase(phrase: string): string | null;
  /** Whether a word can be a noun or an adjective (so it may sit inside a noun phrase). */
  isNominal(word: string): boolean;
}

/** Candidate genus phrases of a noun gloss, longest first (at most 3 words). */
export function glossGenus(gloss: string, lex: GlossLexicon): string[] {
  let def = glossDefinition(gloss).toLowerCase().replace(/\([^)]*\)/g, " ").replace(/,/g, " , ");
  for (let hops = 0; hops < 2; hops++) {
    const { words, stop, rest } = nounPhrase(stripOpeners(def), lex);
    const headAt = findLastIndex(words, (w) => lex.nounBase(w) !== null);
    if (headAt < 0) return [];
    const head = lex.nounBase(words[headAt]!)!;
    if (RELATIONAL.has(head) && headAt === words.length - 1 && stop === "of") {
      def = rest;
      continue;
    }
    const out: string[] = [];
    for (let n = Math.min(3, headAt + 1); n >= 2; n--) {
      const phrase = lex.nounBase([...words.slice(headAt + 1 - n, headAt), head].join("_"));
      if (phrase) {
        out.push(phrase);
        break;
      }
    }
    out.push(head);
    return out;
  }
  return [];
}

function stripOpeners(def: string): string {
  for (let prev = ""; prev !== def; ) {
    prev = def;
    def = def.replace(OPENERS, "");
  }
  return def;
}

/**
 * The opening run of nouns and adjectives; coordinated runs ("a glass or plastic vessel", "a
 * light, plastic disk") give the last one. Also the word that ended the run and the text after it.
 */
function nounPhrase(def: string, lex: GlossLexicon): { words: string[]; stop: string; rest: string } {
  const tokens = def.split(/\s+/).filter(Boolean);
  let last: string[] = [];
  let current: string[] = [];
  let i = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === "," || t === "and" || t === "or") {
      if (current.length > 0) last = current;
      current = [];
      continue;
    }
    if (!/^[a-z][a-z'-]*$/.test(t) || BOUNDARY.has(t) || !lex.isNominal(t)) break;
    current.push(t);
  }
  return { words: current.length > 0 ? current : last, stop: tokens[i] ?? "", rest: tokens.slice(i + 1).join(" ") };
}

function findLastIndex<T>(a: T[], f: (x: T) => boolean): number {
  for (let i = a.length - 1; i >= 0; i--) if (f(a[i]!)) return i;
  return -1;
}
