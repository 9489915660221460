/** Term expansion on the real WordNet 3.0 database: the words a clip search actually gets. */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { expandTerm, sharedWordNet, wordnetExpander, type Expansion } from "./index.ts";

const wn = sharedWordNet();
const terms = (e: Expansion[], relation?: Expansion["relation"]) => e.filter((x) => !relation || x.relation === relation).map((x) => x.term);

test("puppy → dog (hypernym)", () => {
  const e = expandTerm(wn, "puppy");
  expect(terms(e, "hypernym")).toContain("dog");
  expect(e[0]).toEqual({ term: "puppy", weight: 1, relation: "self" });
});

test("tumble → fall (verb hypernym), topple (synonym)", () => {
  const e = expandTerm(wn, "tumble");
  expect(terms(e, "hypernym")).toContain("fall");
  expect(terms(e, "synonym")).toContain("topple");
});

test("kitten → cat (the genus of its gloss; WordNet's hypernym is 'young mammal')", () => {
  const e = expandTerm(wn, "kitten");
  expect(e.find((x) => x.term === "cat")).toMatchObject({ relation: "hypernym", via: "gloss" });
  expect(terms(e, "hypernym")).toContain("young mammal");
});

test("ran → run (exception list), tumbled → tumble, puppies → puppy (detachment rules)", () => {
  expect(expandTerm(wn, "ran").find((x) => x.term === "run")).toMatchObject({ relation: "morph" });
  expect(expandTerm(wn, "tumbled").find((x) => x.term === "tumble")).toMatchObject({ relation: "morph" });
  const puppies = expandTerm(wn, "puppies");
  expect(puppies.find((x) => x.term === "puppy")).toMatchObject({ relation: "morph" });
  expect(terms(puppies)).toContain("dog");
});

test("nonsense words and empty input expand to themselves only", () => {
  expect(expandTerm(wn, "xyzzyq")).toEqual([{ term: "xyzzyq", weight: 1, relation: "self" }]);
  expect(expandTerm(wn, "Flibbertigibbetzz ")).toEqual([{ term: "flibbertigibbetzz", weight: 1, relation: "self" }]);
  expect(expandTerm(wn, "  ")).toEqual([]);
});

test("expansions are bounded, weighted, de-duplicated, phrases not lemmas, no taxonomic names", () => {
  for (const word of ["dog", "person", "vehicle", "run", "water", "fall", "animal"]) {
    const e = expandTerm(wn, word);
    expect(e.length).toBeLessThanOrEqual(16);
    expect(e[0]!.relation).toBe("self");
    expect(new Set(terms(e)).size).toBe(e.length);
    for (const x of e.slice(1)) {
      expect(x.weight).toBeGreaterThanOrEqual(0.12);
      expect(x.weight).toBeLessThan(1);
      expect(x.term).toMatch(/^[a-z0-9' .-]+$/);
    }
    expect(e.slice(1).map((x) => x.weight)).toEqual(e.slice(1).map((x) => x.weight).sort((a, b) => b - a));
  }
  const dog = expandTerm(wn, "dog");
  expect(terms(dog)).toContain("domestic dog");
  expect(terms(dog)).not.toContain("canis familiaris");
  // The verb "dog" (to chase) was tagged 2 times against 42 for the animal: it does not come in.
  expect(terms(dog)).not.toContain("chase");
  expect(terms(expandTerm(wn, "dog", { parts: ["verb"] }))).toContain("chase");
});

test("options switch relations off and cap the lists", () => {
  expect(expandTerm(wn, "puppy", { hypernymDepth: 0, glossGenus: false }).some((x) => x.relation === "hypernym")).toBe(false);
  expect(expandTerm(wn, "vehicle", { hyponymDepth: 0 }).some((x) => x.relation === "hyponym")).toBe(false);
  expect(expandTerm(wn, "vehicle", { maxTerms: 4 })).toHaveLength(4);
  expect(terms(expandTerm(wn, "puppy", { hypernymDepth: 2 }), "hypernym")).toContain("canine");
  const expander = wordnetExpander(wn, { maxTerms: 3 });
  expect(expander.expandTerm("dog")).toHaveLength(3);
  expect(expander.expandTerm("dog", { maxTerms: 5 })).toHaveLength(5);
});

describe("vehicle", () => {
  test("→ car and other common vehicles (hyponyms chosen by SemCor frequency)", () => {
    const e = terms(expandTerm(wn, "vehicle"), "hyponym");
    expect(e).toContain("car");
    expect(e).toEqual(expect.arrayContaining(["truck", "boat"]));
    // The rare ones stay out even though WordNet links them directly under "vehicle".
    expect(e).not.toContain("skibob");
  });

  test("bike → bicycle (a synonym of one of its senses)", () => {
    expect(terms(expandTerm(wn, "bike"), "synonym")).toContain("bicycle");
  });

  // SemCor (1960s prose) ranks ship, wagon and missile above bicycle, so a library's own
  // vocabulary is the better guide: read here from a real FTS5 table's fts5vocab over documents.
  let db: Database;
  let vocab: Set<string>;
  beforeAll(() => {
    db = new Database(":memory:");
    db.run("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')");
    db.run("CREATE VIRTUAL TABLE docs_vocab USING fts5vocab(docs, 'row')");
    for (const body of ["person riding a bicycle on a street", "car and truck at night", "a boat on the lake", "dog catches frisbee in the park"]) {
      db.query("INSERT INTO docs (body) VALUES (?)").run(body);
    }
    vocab = new Set((db.query("SELECT term FROM docs_vocab").all() as { term: string }[]).map((r) => r.term));
  });
  afterAll(() => db.close());

  test("→ bicycle when the library's vocabulary is given", () => {
    const vocabulary = (t: string) => t.split(" ").every((w) => vocab.has(w));
    const e = expandTerm(wn, "vehicle", { vocabulary });
    expect(terms(e, "hyponym")).toEqual(expect.arrayContaining(["car", "bicycle", "truck", "boat"]));
    // Unknown words keep half their weight, and only take places the known ones left.
    const plain = expandTerm(wn, "vehicle");
    const ship = e.find((x) => x.term === "ship")!;
    expect(ship.weight).toBeCloseTo(plain.find((x) => x.term === "ship")!.weight / 2, 2);
    const narrow = terms(expandTerm(wn, "vehicle", { vocabulary, maxHyponyms: 4 }), "hyponym");
    expect(narrow.sort()).toEqual(["bicycle", "boat", "car", "truck"]);
  });
});
