/** The full-text documents and lexical query on both engines: FTS5 (SQLite) and tsvector (PostgreSQL). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ENGINES, type TestDatabase } from "../../tests/support/databases.ts";
import { ClipRepository } from "../db/repositories/clips.ts";
import { buildLexicalQuery } from "./lexical.ts";
import { parseQuery } from "./query.ts";
import { buildDocument, pathWords, SearchIndexRepository } from "./search-index.ts";

test("queries become concepts; quoted phrases stay whole; stop words go", () => {
  const q = parseQuery('a dog jumping into "the swimming pool"');
  expect(q.terms).toEqual(["dog", "jumping"]);
  expect(q.phrases).toEqual(["the swimming pool"]);
  expect(pathWords("/lib/Pets/pexels_squirrel_on-table.mp4")).toBe("lib pets pexels squirrel on table");
});

for (const engine of ENGINES) {
  describe(`search index on ${engine.name}`, () => {
    let t: TestDatabase;
    let search: SearchIndexRepository;
    let clips: ClipRepository;
    beforeAll(async () => {
      t = await engine.open();
      search = new SearchIndexRepository(t.database);
      clips = new ClipRepository(t.database);
      const rows = [
        { filePath: "/lib/pets/dog_park.mp4", sceneDescription: "Single shot shows dog and person; action: jumping", detectedObjects: [{ object: "dog", confidence: 0.9, bbox: [0, 0, 1, 1] as [number, number, number, number] }], audioTranscript: "good boy" },
        { filePath: "/lib/street/cars_night.mp4", sceneDescription: "3 shots show car and traffic light", detectedObjects: [{ object: "car", confidence: 0.8, bbox: [0, 0, 1, 1] as [number, number, number, number] }], audioTranscript: null },
      ];
      for (const [i, r] of rows.entries()) {
        const c = await clips.create({ ...r, fileHash: `${engine.name}${i}`.padEnd(64, "0"), durationSeconds: 5, status: "analyzed" });
        await search.upsert(c.id, buildDocument(c, ["outdoor"]));
      }
    });
    afterAll(async () => t?.dispose());

    test("a match ranks the right clip first and returns its document; stemming finds 'jumps'", async () => {
      const hits = await search.match(await buildLexicalQuery("dog jumps"), 10);
      expect(hits[0]!.document.path).toContain("dog park");
      expect(hits[0]!.document.speech).toBe("good boy");
      expect(hits[0]!.score).toBeGreaterThan(0);
    });

    test("nothing a user types is query syntax: hostile input runs as plain words on the real engine", async () => {
      for (const input of [`dog" OR "x" NEAR(a b) * -cat ' | & ! :*`, `"unclosed`, `a:b c^2 (d) {e}`, `'; DROP TABLE clip_search; --`, "-dog", `\\' & !`]) {
        await search.match(await buildLexicalQuery(input), 5);
      }
      expect(await search.count()).toBe(2);
    });

    test("upsert replaces a document; deleting the clip removes it", async () => {
      expect(await search.count()).toBe(2);
      const [car] = await search.match(await buildLexicalQuery("car"), 1);
      await search.upsert(car!.clipId, { ...car!.document, tags: "taxi" });
      expect((await search.match(await buildLexicalQuery("taxi"), 5)).map((h) => h.clipId)).toEqual([car!.clipId]);
      expect(await search.count()).toBe(2);
      await clips.delete(car!.clipId);
      expect(await search.count()).toBe(1);
      expect(await search.match(await buildLexicalQuery("nothingmatches"), 5)).toEqual([]);
    });
  });
}
