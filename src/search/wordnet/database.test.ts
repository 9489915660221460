/** The WordNet reader on Debian's wordnet-base database: index search, synsets, counts, Morphy. */
import { expect, test } from "bun:test";
import { WordNet } from "./database.ts";
import { glossLexicon } from "./expand.ts";
import { glossGenus } from "./gloss.ts";
import { lemmaToPhrase, parseDataLine, parseIndexLine, POINTER, senseKeyPrefix } from "./format.ts";
import { morphy } from "./morphy.ts";
import { SortedLines } from "./sorted-lines.ts";

const wn = WordNet.open();

test("index lines: pointer symbols, tagged senses and offsets in sense order", () => {
  const e = parseIndexLine("dog n 7 5 @ ~ #m #p %p 7 1 02084071 10114209 10023039 09886220 07676602 03901548 02710044  ")!;
  expect(e).toEqual({
    lemma: "dog",
    pos: "noun",
    pointerSymbols: ["@", "~", "#m", "#p", "%p"],
    tagSenseCount: 1,
    offsets: [2084071, 10114209, 10023039, 9886220, 7676602, 3901548, 2710044],
  });
  expect(parseIndexLine("  1 This software and database is being provided")).toBeNull();
  expect(() => parseIndexLine("garbage")).toThrow(/malformed/);
});

test("data lines: hex word counts and lex ids, adjective markers, pointers, verb frames, gloss", () => {
  const verb = parseDataLine(
    '01976506 38 v 02 tumble 0 topple 0 003 @ 01970844 v 0000 + 00076884 n 0102 ~ 01976720 v 0000 02 + 01 00 + 02 00 | fall down, as if collapsing; "The tower tumbled"  ',
  );
  expect(verb.words).toEqual([{ lemma: "tumble", lexId: 0 }, { lemma: "topple", lexId: 0 }]);
  expect(verb.lexFile).toBe(38);
  expect(verb.pointers[1]).toEqual({ symbol: "+", offset: 76884, pos: "noun", source: 1, target: 2 });
  expect(verb.gloss).toStartWith("fall down, as if collapsing");
  const adj = parseDataLine("00020103 00 s 02 outback(a) 0 remote 0 003 & 00019874 a 0000 + 05085165 n 0202 + 08505110 n 0101 | inaccessible  ");
  expect(adj.ssType).toBe("s");
  expect(adj.words.map((w) => w.lemma)).toEqual(["outback", "remote"]);
  const many = parseDataLine("09999999 18 n 0b a 0 b 1 c 2 d 3 e 4 f 5 g 6 h 7 i 8 j 9 k a 000 | eleven words  ");
  expect(many.words).toHaveLength(11);
  expect(many.words[10]).toEqual({ lemma: "k", lexId: 10 });
});

test("sorted-file search: exact first field, not a longer lemma that shares the prefix", () => {
  const lines = new SortedLines(Buffer.from("  licence line\ndog n 1\ndog_bane n 2\ndogcart n 3\ndoggy n 4\n"));
  expect(lines.lineCount).toBe(4);
  expect(lines.find("dog")).toBe("dog n 1");
  expect(lines.find("dog_bane")).toBe("dog_bane n 2");
  expect(lines.find("do")).toBeNull();
  expect(lines.find("zebra")).toBeNull();
  expect(lines.find("")).toBeNull();
  expect(lines.withPrefix("dog")).toEqual(["dog n 1", "dog_bane n 2", "dogcart n 3", "doggy n 4"]);
});

test("lookup and synsets by offset from the real database", () => {
  const puppy = wn.lookup("puppy", "noun")!;
  const first = wn.synset(puppy.offsets[0]!, "noun");
  expect(first.gloss).toBe("a young dog");
  const hypernyms = first.pointers.filter((p) => p.symbol === POINTER.hypernym).map((p) => wn.synset(p.offset, p.pos));
  expect(hypernyms.flatMap((h) => h.words.map((w) => w.lemma))).toContain("dog");
  expect(wn.lookup("xyzzyq", "noun")).toBeNull();
  // The hub synsets run far past one read buffer; "person" has hundreds of hyponyms.
  const person = wn.synset(wn.lookup("person", "noun")!.offsets[0]!, "noun");
  expect(person.pointers.length).toBeGreaterThan(300);
  expect(() => wn.synset(puppy.offsets[0]! + 3, "noun")).toThrow(/offset/);
});

test("SemCor tag counts by sense key", () => {
  const dog = wn.synset(wn.lookup("dog", "noun")!.offsets[0]!, "noun");
  expect(senseKeyPrefix("dog", dog, 0)).toBe("dog%1:05:00:");
  expect(wn.tagCount("dog", dog, 0)).toBeGreaterThan(10);
  expect(wn.tagCount("Canis_familiaris", dog, 0)).toBe(0);
});

test("Morphy: exception lists and detachment rules", () => {
  const base = (w: string, pos: "noun" | "verb" | "adj") => morphy(w, pos, wn);
  expect(base("ran", "verb")).toEqual(["run"]);
  expect(base("mice", "noun")).toEqual(["mouse"]);
  expect(base("tumbled", "verb")).toEqual(["tumble"]);
  expect(base("puppies", "noun")).toEqual(["puppy"]);
  expect(base("running", "verb")).toEqual(["run"]);
  expect(base("boxes", "noun")).toContain("box");
  expect(base("glass", "noun")).toEqual(["glass"]);
  expect(base("better", "adj")).toEqual(expect.arrayContaining(["better", "good", "well"]));
  expect(base("hot dogs", "noun")).toEqual(["hot_dog"]);
  expect(base("xyzzyqs", "noun")).toEqual([]);
  expect(wn.lemmas("t shirt").map((m) => m.lemma)).toEqual(["t-shirt"]);
  expect(wn.lemmas("mice").map((m) => ({ pos: m.pos, lemma: m.lemma, morph: m.morph }))).toEqual([{ pos: "noun", lemma: "mouse", morph: true }]);
});

test("gloss genus: the head noun of the definition", () => {
  const nounBase = glossLexicon(wn);
  expect(glossGenus("a young dog", nounBase)).toEqual(["dog"]);
  expect(glossGenus("young domestic cat", nounBase)).toEqual(["domestic_cat", "cat"]);
  expect(glossGenus("a motor vehicle with four wheels; usually propelled by an internal combustion engine", nounBase)).toEqual(["motor_vehicle", "vehicle"]);
  expect(glossGenus("a member of the genus Canis", nounBase)).toEqual([]);
  expect(glossGenus("someone who rides", nounBase)).toEqual([]);
  // Relational heads hand over to the noun after "of"; the phrase stops at the first non-nominal word.
  expect(glossGenus("female of domestic cattle", nounBase)).toEqual(["cattle"]);
  expect(glossGenus("a person you know well and regard with affection and trust", nounBase)).toEqual(["person"]);
  expect(glossGenus("a light plastic disk about 10 inches in diameter", nounBase)).toEqual(["disk"]);
  expect(lemmaToPhrase("Canis_familiaris")).toBe("canis familiaris");
});

test("a missing database is refused with the file named", () => {
  expect(WordNet.available("/nonexistent")).toBe(false);
  expect(() => WordNet.open("/nonexistent")).toThrow(/index\.noun is missing/);
});
