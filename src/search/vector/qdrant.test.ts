/**
 * The Qdrant adapter against a real Qdrant when QDRANT_URL is set (skipped otherwise), checked
 * against the in-process index's exact answers on the same vectors. The same suite also runs
 * against a small fake Qdrant on 127.0.0.1 (the REST calls the client makes, answered with
 * exact cosine search), so the adapter's requests and mapping are exercised on every machine.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../app.ts";
import { loadConfig } from "../../config.ts";
import { loadClipTokenizer } from "../../inference/clip/tokenizer.ts";
import { indexFiles } from "../../indexing/service.ts";
import { createIndexSteps } from "../../indexing/steps.ts";
import { CLIP_FILES_DIR, TINY_DIM, writeTinyClipDir } from "../../../tests/fixtures/tiny-clip.ts";
import { CLIPS } from "../../../tests/support/cli.ts";
import { searchClips } from "../service.ts";
import { createVectorIndex } from "./index.ts";
import { pointIdFor, QdrantVectorIndex } from "./qdrant.ts";
import { clusteredVectors } from "./testdata.ts";

const DIM = 64;
const vectors = clusteredVectors(300, DIM, 12, 0.4, 3);
const ids = vectors.map((_, i) => `clip-${i % 40}@${(i / 10).toFixed(1)}`);
const queries = clusteredVectors(8, DIM, 12, 0.4, 99);

/** A fake Qdrant: the endpoints the adapter uses, exact cosine search, Qdrant's response envelope. */
function startFakeQdrant() {
  const collections = new Map<string, { size: number; points: Map<string, { vector: number[]; payload: Record<string, unknown> }> }>();
  const ok = (result: unknown) => Response.json({ result, status: "ok", time: 0 });
  const notFound = (name: string) => Response.json({ status: { error: `Not found: Collection \`${name}\` doesn't exist!` }, time: 0 }, { status: 404 });
  const norm = (v: number[]) => {
    const n = Math.hypot(...v) || 1;
    return v.map((x) => x / n);
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      const parts = url.pathname.split("/").filter(Boolean);
      const body = req.method === "GET" || req.method === "DELETE" ? {} : ((await req.json().catch(() => ({}))) as Record<string, any>);
      if (parts[0] !== "collections") return new Response("no route", { status: 404 });
      if (parts.length === 1) return ok({ collections: [...collections.keys()].map((name) => ({ name })) });
      const name = parts[1]!;
      const c = collections.get(name);
      const rest = parts.slice(2).join("/");
      if (rest === "exists") return ok({ exists: Boolean(c) });
      if (rest === "" && req.method === "PUT") {
        collections.set(name, { size: body.vectors.size, points: new Map() });
        return ok(true);
      }
      if (!c) return notFound(name);
      if (rest === "" && req.method === "GET") return ok({ status: "green", points_count: c.points.size, config: { params: { vectors: { size: c.size, distance: "Cosine" } } } });
      if (rest === "" && req.method === "DELETE") return ok(collections.delete(name));
      if (rest === "index") return ok({ operation_id: 0, status: "completed" });
      if (rest === "points" && req.method === "PUT") {
        for (const p of body.points) {
          if (p.vector.length !== c.size) return Response.json({ status: { error: "Wrong input: Vector dimension error" } }, { status: 400 });
          c.points.set(String(p.id), { vector: norm(p.vector), payload: p.payload ?? {} });
        }
        return ok({ operation_id: 1, status: "completed" });
      }
      if (rest === "points" && req.method === "POST") return ok((body.ids as string[]).filter((id) => c.points.has(id)).map((id) => ({ id, payload: null })));
      if (rest === "points/delete") {
        for (const id of body.points) c.points.delete(String(id));
        return ok({ operation_id: 2, status: "completed" });
      }
      if (rest === "points/count") return ok({ count: c.points.size });
      if (rest === "points/scroll") {
        const all = [...c.points.keys()].sort();
        const from = body.offset ? all.indexOf(String(body.offset)) : 0;
        const page = all.slice(from, from + body.limit);
        return ok({ points: page.map((id) => ({ id, payload: null })), next_page_offset: all[from + body.limit] ?? null });
      }
      if (rest === "points/query") {
        const q = norm(body.query);
        const scored = [...c.points].map(([id, p]) => ({ id, version: 0, score: p.vector.reduce((s, x, i) => s + x * q[i]!, 0), payload: { key: p.payload.key } }));
        scored.sort((a, b) => b.score - a.score);
        return ok({ points: scored.slice(body.offset ?? 0, (body.offset ?? 0) + body.limit) });
      }
      return new Response(`no route ${req.method} ${url.pathname}`, { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

const fake = startFakeQdrant();
afterAll(() => fake.stop());

const TARGETS = [
  { name: "Qdrant at QDRANT_URL", url: process.env.QDRANT_URL, apiKey: process.env.QDRANT_API_KEY, enabled: Boolean(process.env.QDRANT_URL) },
  { name: "a fake Qdrant on 127.0.0.1", url: fake.url, apiKey: undefined, enabled: true },
];

for (const target of TARGETS) {
  describe.skipIf(!target.enabled)(`vector index on ${target.name}`, () => {
    const collection = `reelsmith_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    let index: QdrantVectorIndex;
    const memory = createVectorIndex({ dim: DIM });

    beforeAll(async () => {
      index = await QdrantVectorIndex.open({ url: target.url!, apiKey: target.apiKey, collection, dim: DIM });
      await index.addMany(vectors.map((vec, i) => ({ id: ids[i]!, vec })));
      vectors.forEach((vec, i) => memory.add(ids[i]!, vec));
    });
    afterAll(async () => {
      await index?.drop();
    });

    test("holds every vector once; re-adding an id replaces it", async () => {
      expect(await index.size()).toBe(vectors.length);
      await index.add(ids[0]!, vectors[0]!);
      expect(await index.size()).toBe(vectors.length);
    });

    test("answers like the in-process index: same ids, same cosine scores, best first", async () => {
      for (const q of queries) {
        const got = await index.search(q, 10);
        const want = memory.searchExact(q, 10);
        expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
        got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 4));
      }
    });

    test("a filter on ids keeps only passing hits and still returns k of them", async () => {
      const onlyClip3 = (id: string) => id.startsWith("clip-3@");
      const got = await index.search(queries[0]!, 5, onlyClip3);
      const want = memory.searchExact(queries[0]!, 5, onlyClip3);
      expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id));
      expect(got).toHaveLength(5);
    });

    test("remove, has, and vectors of the wrong size", async () => {
      const id = ids[5]!;
      expect(await index.has(id)).toBe(true);
      expect(await index.remove(id)).toBe(true);
      expect(await index.has(id)).toBe(false);
      expect(await index.remove(id)).toBe(false);
      expect((await index.search(vectors[5]!, 3)).map((h) => h.id)).not.toContain(id);
      await expect(index.add("x@1", [1, 2, 3])).rejects.toThrow(/3 dimensions, the index 64/);
    });

    test("opening the collection for another vector size is refused with both sizes named", async () => {
      await expect(QdrantVectorIndex.open({ url: target.url!, apiKey: target.apiKey, collection, dim: 512 })).rejects.toThrow(/holds 64-dimensional Cosine vectors, not 512-dimensional/);
    });

    test("check reports it reachable", async () => {
      expect((await QdrantVectorIndex.check(target.url!, target.apiKey)).ok).toBe(true);
    });
  });
}

test("point ids are stable UUIDs per id", () => {
  const a = pointIdFor("clip-1@2.0");
  expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(pointIdFor("clip-1@2.0")).toBe(a);
  expect(pointIdFor("clip-1@2.5")).not.toBe(a);
});

test("an unreachable Qdrant is reported with the reason, not thrown", async () => {
  const r = await QdrantVectorIndex.check("http://127.0.0.1:9");
  expect(r.ok).toBe(false);
  expect(r.reason).toMatch(/connection refused|ECONNREFUSED|fetch failed|Unable to connect/i);
});

for (const target of TARGETS) {
  test.skipIf(!target.enabled)(`with QDRANT_URL, text→image search goes through ${target.name} (tiny CLIP model built by the test: plumbing, not quality)`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "reelsmith-qdrant-dense-"));
    try {
      const modelDir = join(dir, "models", "clip-vit-b32");
      mkdirSync(modelDir, { recursive: true });
      for (const f of readdirSync(CLIP_FILES_DIR)) copyFileSync(join(CLIP_FILES_DIR, f), join(modelDir, f));
      const tok = await loadClipTokenizer(modelDir);
      const [red, green, blue] = ["red", "green", "blue"].map((w) => tok.tokenize(w)[0]!);
      writeTinyClipDir(modelDir, { [red!]: [1, 0, 0], [green!]: [0, 1, 0], [blue!]: [0, 0, 1] });
      const app = await createApp(loadConfig({ REELSMITH_HOME: join(dir, "home"), REELSMITH_MODELS_DIR: join(dir, "models"), QDRANT_URL: target.url!, QDRANT_API_KEY: target.apiKey, LOG_LEVEL: "error" }));
      const qdrant = await QdrantVectorIndex.open({ url: target.url!, apiKey: target.apiKey, collection: `reelsmith_frames_${TINY_DIM}`, dim: TINY_DIM });
      // A point no clip has: the sync from the database must drop it.
      await qdrant.add("gone@1", [1, 0, 0, 0]);
      try {
        const steps = await createIndexSteps(app);
        await indexFiles(app, ["mdn_flower_blooming_timelapse.mp4", "autoeditor_man_green_screen.mp4"].map((f) => join(CLIPS, f)), steps.actors);
        await steps.dispose();
        // "red" is in neither clip's text: only the image vectors, now in Qdrant, can answer it.
        const hits = await searchClips(app, "red");
        expect(hits[0]?.file_path).toContain("flower");
        expect(hits[0]?.why[0]).toMatch(/^image:0\.\d+@[\d.]+s$/);
        let frames = 0;
        for (const c of await app.clips.list()) frames += (await app.clips.frames(c.id)).filter((f) => f.embedding).length;
        expect(await qdrant.size()).toBe(frames);
        expect(await qdrant.has("gone@1")).toBe(false);
      } finally {
        await qdrant.drop();
        await app.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
}
