/**
 * Query parsing, expansion into concept groups, and the FTS5 / tsquery expressions, run on a real
 * in-memory FTS5 table (the production tokenizer) and a real PostgreSQL to_tsquery('english').
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import postgres from "postgres";
import { expandQuery, parseQuery, toFtsMatch, toTsQuery, type ExpandedQuery } from "./query.ts";
import { wordnetExpander } from "./wordnet/index.ts";

const expander = wordnetExpander();
const plan = (q: string, expand = true) => expandQuery(parseQuery(q), expand ? expander : null);

test("parseQuery: stop words out, phrases whole, negations, normalisation", () => {
  expect(parseQuery('Videos of a Puppy tumbling into "the Swimming Pool" -cat')).toEqual({
    terms: ["puppy", "tumbling"],
    phrases: ["the swimming pool"],
    negated: ["cat"],
    raw: 'Videos of a Puppy tumbling into "the Swimming Pool" -cat',
  });
  expect(parseQuery("the dog's t-shirt, café!").terms).toEqual(["dog", "t shirt", "cafe"]);
  expect(parseQuery("\u201cslow motion\u201d -\"red car\" -the 360 x").phrases).toEqual(["slow motion"]);
  expect(parseQuery("\u201cslow motion\u201d -\"red car\" -the 360 x")).toMatchObject({ negated: ["red car"], terms: ["360"] });
  expect(parseQuery('"dog"')).toMatchObject({ terms: [], phrases: ["dog"] });
  expect(parseQuery('"unclosed phrase').terms).toEqual(["unclosed", "phrase"]);
  expect(parseQuery("the of and a")).toMatchObject({ terms: [], phrases: [], negated: [] });
});

test("expandQuery: one group per concept, the concept first, phrases not expanded", () => {
  const q = plan('puppy tumbles "hot air balloon" -cat');
  expect(q.groups.map((g) => g.original)).toEqual(["puppy", "tumbles", "hot air balloon"]);
  expect(q.groups[0]!.alternatives[0]).toEqual({ term: "puppy", weight: 1, relation: "self" });
  expect(q.groups[0]!.alternatives.map((a) => a.term)).toContain("dog");
  expect(q.groups[1]!.alternatives.map((a) => a.term)).toEqual(expect.arrayContaining(["tumble", "fall"]));
  expect(q.groups[2]!.alternatives).toEqual([{ term: "hot air balloon", weight: 1, relation: "self" }]);
  expect(q.negated).toEqual(["cat"]);
  expect(plan("puppy", false).groups).toEqual([{ original: "puppy", alternatives: [{ term: "puppy", weight: 1, relation: "self" }] }]);
  expect(expandQuery(parseQuery("vehicle"), expander, { maxAlternatives: 3 }).groups[0]!.alternatives).toHaveLength(3);
});

const fixed: ExpandedQuery = {
  groups: [
    { original: "dog", alternatives: [{ term: "dog", weight: 1, relation: "self" }, { term: "domestic dog", weight: 0.6, relation: "synonym" }, { term: "cur", weight: 0.1, relation: "hyponym" }] },
    { original: "fall", alternatives: [{ term: "fall", weight: 1, relation: "self" }] },
  ],
  negated: ["cat", "red car"],
};

test("expression shapes: AND across concepts, OR within, NOT for negations, weak alternatives cut", () => {
  expect(toFtsMatch(fixed)).toBe('(("dog" OR "domestic dog" OR "cur") AND "fall") NOT ("cat" OR "red car")');
  expect(toFtsMatch(fixed, { mode: "any", minWeight: 0.5 })).toBe('(("dog" OR "domestic dog") OR "fall") NOT ("cat" OR "red car")');
  expect(toTsQuery(fixed)).toBe("(('dog' | 'domestic' <-> 'dog' | 'cur') & 'fall') & !('cat' | 'red' <-> 'car')");
  expect(toTsQuery({ groups: fixed.groups.slice(1), negated: [] })).toBe("'fall'");
  // Neither engine can express "everything but": no positive concept, no query.
  expect(toFtsMatch({ groups: [], negated: ["cat"] })).toBe("");
  expect(toTsQuery({ groups: [], negated: ["cat"] })).toBe("");
});

const NASTY = [
  `dog" OR "x" NEAR(a b) * -cat ' | & ! :*`,
  `"unclosed`,
  `a:b c^2 (d) {e} body:dog`,
  `'; DROP TABLE docs; --`,
  `NEAR NOT AND OR`,
  `-"" -- - "" ""`,
  `\\' \\\\ \\" 'it''s' <-> <2> !!`,
  `ünïcödé 東京 العربية`,
  `*`,
  `dog* ^cat +bird`,
];
/** Alternatives can come from elsewhere (an LLM): the builders must not trust them either. */
const nastyAlternatives: ExpandedQuery = {
  groups: [{ original: "x", alternatives: NASTY.map((term) => ({ term, weight: 1, relation: "synonym" as const })) }],
  negated: [`") OR ("`, `'|'`],
};

const DOCS = [
  [1, "A puppy tumbles off the sofa onto the rug"],
  [2, "The dog falls into the swimming pool"],
  [3, "A cat jumps onto the kitchen table"],
  [4, "Red car and a truck at night on a wet street"],
  [5, "Kid on a bicycle falls in the park"],
] as const;
const EXPECTED: [string, number[]][] = [
  ["dog falling", [1, 2]], // puppy (hyponym) tumbles (a kind of falling)
  ["dog falling -sofa", [2]],
  ["kitten", [3]], // the genus of the gloss
  ["vehicle at night", [4]],
  ['"swimming pool"', [2]],
  ["xyzzyq", []],
];

describe("on a real SQLite FTS5 table", () => {
  let db: Database;
  const run = (match: string) => (match ? (db.query("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid").all(match) as { rowid: number }[]).map((r) => r.rowid) : []);
  beforeAll(() => {
    db = new Database(":memory:");
    // The tokenizer of the clip_search table (src/db/migrations/sqlite/0002_search_index.sql).
    db.run("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2')");
    for (const [id, body] of DOCS) db.query("INSERT INTO docs (rowid, body) VALUES (?, ?)").run(id, body);
  });
  afterAll(() => db.close());

  test("every nasty input gives a valid expression", () => {
    for (const input of NASTY) {
      const match = toFtsMatch(plan(input));
      expect(match).toMatch(/^[\p{L}\p{N}" ()]*$/u);
      expect(() => run(match)).not.toThrow();
    }
    expect(() => run(toFtsMatch(nastyAlternatives))).not.toThrow();
  });

  test("expanded queries find what the plain words miss", () => {
    for (const [q, ids] of EXPECTED) expect([q, run(toFtsMatch(plan(q)))]).toEqual([q, ids]);
    expect(run(toFtsMatch(plan("dog falling", false)))).toEqual([2]);
  });
});

describe("on a real PostgreSQL to_tsquery('english')", () => {
  const sql = postgres(process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test", { max: 1, onnotice: () => {} });
  const run = async (q: string) => {
    if (!q) return [];
    const rows = await sql<{ id: number }[]>`
      SELECT id FROM (VALUES ${sql(DOCS.map(([id, body]) => [id, body]))}) AS d(id, body)
      WHERE to_tsvector('english', body) @@ to_tsquery('english', ${q}) ORDER BY id`;
    return rows.map((r) => Number(r.id));
  };
  afterAll(() => sql.end());

  test("every nasty input gives a valid expression", async () => {
    for (const input of NASTY) {
      const q = toTsQuery(plan(input));
      expect(q).toMatch(/^[\p{L}\p{N}' ()|&!<>-]*$/u);
      await run(q);
    }
    await run(toTsQuery(nastyAlternatives));
  });

  test("expanded queries find what the plain words miss", async () => {
    for (const [q, ids] of EXPECTED) expect([q, await run(toTsQuery(plan(q)))]).toEqual([q, ids]);
    expect(await run(toTsQuery(plan("dog falling", false)))).toEqual([2]);
  });
});

describe("cached expansions", () => {
  test("the cache answers a repeated word without asking WordNet again, and drops the oldest past its size", async () => {
    const { cachedExpander } = await import("./lexical.ts");
    const asked: string[] = [];
    const inner = { expandTerm: (w: string) => (asked.push(w), [{ term: `${w}s`, weight: 0.5, relation: "synonym" as const }]) };
    const c = cachedExpander(inner as never, 2);
    expect(c.expandTerm("dog")).toEqual(c.expandTerm("dog"));
    expect(asked).toEqual(["dog"]);
    c.expandTerm("cat");
    c.expandTerm("bird");
    c.expandTerm("dog");
    expect(asked).toEqual(["dog", "cat", "bird", "dog"]);
  });
});
