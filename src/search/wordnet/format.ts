/**
 * Parsers for the WordNet 3.0 database files (wndb(5WN)): one line of an index.<pos> file and
 * one synset line of a data.<pos> file. Pure functions over strings; no file access here.
 */

export type Pos = "noun" | "verb" | "adj" | "adv";
export const POS_LIST: readonly Pos[] = ["noun", "verb", "adj", "adv"];

/** The one-letter part-of-speech codes of the files ("s" is an adjective satellite). */
export const POS_CODE: Record<Pos, string> = { noun: "n", verb: "v", adj: "a", adv: "r" };
const CODE_POS: Record<string, Pos> = { n: "noun", v: "verb", a: "adj", s: "adj", r: "adv" };

/** Sense-key synset type numbers (senseidx(5WN)): 1 noun, 2 verb, 3 adjective, 4 adverb, 5 satellite. */
export const SS_TYPE_NUMBER: Record<string, number> = { n: 1, v: 2, a: 3, r: 4, s: 5 };

/** Pointer symbols (wninput(5WN)) by meaning; the same symbol means the same thing in every file. */
export const POINTER = {
  antonym: "!",
  hypernym: "@",
  instanceHypernym: "@i",
  hyponym: "~",
  instanceHyponym: "~i",
  memberHolonym: "#m",
  substanceHolonym: "#s",
  partHolonym: "#p",
  memberMeronym: "%m",
  substanceMeronym: "%s",
  partMeronym: "%p",
  attribute: "=",
  derivation: "+",
  entailment: "*",
  cause: ">",
  alsoSee: "^",
  verbGroup: "$",
  similarTo: "&",
  participle: "<",
  pertainym: "\\",
  domainTopic: ";c",
  memberOfDomainTopic: "-c",
  domainRegion: ";r",
  memberOfDomainRegion: "-r",
  domainUsage: ";u",
  memberOfDomainUsage: "-u",
} as const;
export type PointerSymbol = (typeof POINTER)[keyof typeof POINTER];

export interface IndexEntry {
  lemma: string;
  pos: Pos;
  /** Pointer symbols used by any sense of the lemma. */
  pointerSymbols: string[];
  /** Senses that were tagged in the semantic concordances (their counts are in cntlist.rev). */
  tagSenseCount: number;
  /** Synset offsets in sense order: most frequent sense first. */
  offsets: number[];
}

export interface SynsetWord {
  /** As written in the data file: case kept, '_' between words, adjective marker removed. */
  lemma: string;
  /** Distinguishes senses of one lemma in one lexicographer file (part of the sense key). */
  lexId: number;
}

export interface Pointer {
  symbol: string;
  offset: number;
  pos: Pos;
  /** 0 when the pointer is semantic (synset to synset); else 1-based word numbers. */
  source: number;
  target: number;
}

export interface Synset {
  offset: number;
  pos: Pos;
  /** The raw synset type letter ("s" for adjective satellites, else as POS_CODE). */
  ssType: string;
  /** Lexicographer file number (lexnames(5WN)): e.g. 5 noun.animal, 6 noun.artifact, 38 verb.motion. */
  lexFile: number;
  words: SynsetWord[];
  pointers: Pointer[];
  gloss: string;
}

/** Parses one index.<pos> line; null for the licence header lines (they begin with spaces). */
export function parseIndexLine(line: string): IndexEntry | null {
  if (!line || line.startsWith(" ")) return null;
  const f = line.trim().split(" ");
  const pos = CODE_POS[f[1] ?? ""];
  if (!pos || f.length < 6) throw new Error(`malformed WordNet index line: ${line.slice(0, 80)}`);
  const synsetCount = Number(f[2]);
  const pointerCount = Number(f[3]);
  const pointerSymbols = f.slice(4, 4 + pointerCount);
  // sense_cnt repeats synset_cnt (kept for compatibility, per wndb(5WN)), then tagsense_cnt.
  const tagSenseCount = Number(f[5 + pointerCount]);
  const offsets = f.slice(6 + pointerCount, 6 + pointerCount + synsetCount).map(Number);
  return { lemma: f[0]!, pos, pointerSymbols, tagSenseCount, offsets };
}

/** Parses one synset line of a data.<pos> file. */
export function parseDataLine(line: string): Synset {
  const bar = line.indexOf(" | ");
  const head = (bar >= 0 ? line.slice(0, bar) : line).trim().split(" ");
  const gloss = bar >= 0 ? line.slice(bar + 3).trim() : "";
  const ssType = head[2] ?? "";
  const pos = CODE_POS[ssType];
  if (!pos) throw new Error(`malformed WordNet data line: ${line.slice(0, 80)}`);
  // w_cnt and lex_id are hexadecimal; p_cnt is decimal (wndb(5WN)).
  const wordCount = parseInt(head[3]!, 16);
  const words: SynsetWord[] = [];
  let i = 4;
  for (let w = 0; w < wordCount; w++, i += 2) {
    // Adjectives may carry a syntactic marker: "(a)", "(p)" or "(ip)" glued to the lemma.
    words.push({ lemma: head[i]!.replace(/\((a|p|ip)\)$/, ""), lexId: parseInt(head[i + 1]!, 16) });
  }
  const pointerCount = Number(head[i++]);
  const pointers: Pointer[] = [];
  for (let p = 0; p < pointerCount; p++, i += 4) {
    const st = head[i + 3]!;
    pointers.push({
      symbol: head[i]!,
      offset: Number(head[i + 1]),
      pos: CODE_POS[head[i + 2]!]!,
      source: parseInt(st.slice(0, 2), 16),
      target: parseInt(st.slice(2, 4), 16),
    });
  }
  return { offset: Number(head[0]), pos, ssType, lexFile: Number(head[1]), words, pointers, gloss };
}

/** The definition part of a gloss: before the first example sentence or ';'. */
export function glossDefinition(gloss: string): string {
  return gloss.split(/;|"/)[0]!.trim();
}

/** The sense-key prefix of a word in a synset, as in cntlist.rev: "dog%1:05:00:" (senseidx(5WN)). */
export function senseKeyPrefix(lemma: string, synset: Pick<Synset, "ssType" | "lexFile">, lexId: number): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${lemma.toLowerCase()}%${SS_TYPE_NUMBER[synset.ssType]}:${two(synset.lexFile)}:${two(lexId)}:`;
}

/** A WordNet lemma as a search phrase: "domestic_dog" → "domestic dog". */
export function lemmaToPhrase(lemma: string): string {
  return lemma.replace(/_/g, " ").toLowerCase();
}
