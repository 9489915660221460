/** One repository suite, run on both engines: SQLite (bun:sqlite) and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { ENGINES, type TestDatabase } from "../../../tests/support/databases.ts";
import { migrationStatus } from "../client.ts";
import { rawRows } from "../raw.ts";
import { ClipRepository, type NewClip } from "./clips.ts";
import { IndexTaskRepository } from "./index-tasks.ts";
import { ProductionRepository } from "./productions.ts";

let seq = 0;
function clip(overrides: Partial<NewClip> = {}): Omit<NewClip, "externalId"> {
  seq++;
  return {
    filePath: `/library/clip-${seq}.mp4`,
    fileHash: `${seq.toString(16).padStart(8, "0")}${"ab".repeat(28)}`,
    durationSeconds: 10 + seq,
    status: "analyzed",
    rightsCleared: true,
    intensity: 6,
    viralPotential: 8,
    visualElements: ["dog", "ball"],
    detectedObjects: [{ object: "dog", confidence: 0.91, bbox: [0.1, 0.2, 0.3, 0.4] }],
    ...overrides,
  };
}

for (const engine of ENGINES) {
  describe(`repositories on ${engine.name}`, () => {
    let t: TestDatabase;
    let clips: ClipRepository;
    let productions: ProductionRepository;
    let tasks: IndexTaskRepository;

    beforeAll(async () => {
      t = await engine.open();
      clips = new ClipRepository(t.database);
      productions = new ProductionRepository(t.database);
      tasks = new IndexTaskRepository(t.database);
    });
    afterAll(async () => t?.dispose());

    test("migrations are all applied and re-applying is a no-op", async () => {
      const s = await migrationStatus(t.database);
      expect(s.applied).toBe(s.expected);
      expect(s.expected).toBeGreaterThanOrEqual(2);
    });

    test("create assigns readable external ids in order and round-trips JSON, booleans and dates", async () => {
      const a = await clips.create(clip(), [{ tag: "Dog", confidence: 0.9, source: "local_analysis" }]);
      const b = await clips.create(clip({ rightsCleared: false }));
      expect(a.externalId).toMatch(/^clip_\d{4}$/);
      expect(Number(b.externalId.slice(5))).toBe(Number(a.externalId.slice(5)) + 1);
      const got = await clips.get(a.externalId);
      expect(got?.id).toBe(a.id);
      expect(got?.visualElements).toEqual(["dog", "ball"]);
      expect(got?.detectedObjects[0]?.object).toBe("dog");
      expect(got?.rightsCleared).toBe(true);
      expect(got?.createdAt).toBeInstanceOf(Date);
      expect((await clips.get(b.id))?.rightsCleared).toBe(false);
      expect((await clips.tags(a.id)).map((x) => x.tag)).toEqual(["dog"]);
    });

    test("file_hash is unique: the same content cannot be stored twice", async () => {
      const c = clip();
      await clips.create(c);
      await expect(clips.create({ ...c, filePath: "/elsewhere.mp4" })).rejects.toThrow();
      expect((await clips.findByHash(c.fileHash))?.filePath).toBe(c.filePath);
    });

    test("CHECK constraints refuse scores outside 0..10 and unknown statuses", async () => {
      await expect(clips.create(clip({ intensity: 11 }))).rejects.toThrow();
      await expect(clips.create(clip({ viralPotential: -1 }))).rejects.toThrow();
      await expect(clips.create(clip({ status: "bogus" as "pending" }))).rejects.toThrow();
      await expect(clips.create(clip({ themeComedy: 10.5 }))).rejects.toThrow();
    });

    test("updated_at moves on update, also for writes that bypass the ORM", async () => {
      const c = await clips.create(clip());
      await Bun.sleep(15);
      const u = await clips.update(c.id, { notes: "checked" });
      expect(u!.updatedAt.getTime()).toBeGreaterThan(c.updatedAt.getTime());
      await Bun.sleep(15);
      await rawRows(t.database, sql`UPDATE video_clips SET notes = 'raw' WHERE id = ${c.id}`);
      const after = await clips.get(c.id);
      expect(after!.notes).toBe("raw");
      expect(after!.updatedAt.getTime()).toBeGreaterThan(u!.updatedAt.getTime());
    });

    test("replaceTags keeps manual tags and replaces one source's tags", async () => {
      const c = await clips.create(clip());
      await clips.replaceTags(c.id, "manual", [{ tag: "favourite", confidence: 1, source: "manual" }]);
      await clips.replaceTags(c.id, "local_analysis", [
        { tag: "dog", confidence: 0.5, source: "local_analysis" },
        { tag: "dog", confidence: 0.8, source: "local_analysis" },
        { tag: "favourite", confidence: 0.3, source: "local_analysis" },
      ]);
      await clips.replaceTags(c.id, "local_analysis", [{ tag: "cat", confidence: 0.7, source: "local_analysis" }]);
      const tags = await clips.tags(c.id);
      expect(tags.map((x) => [x.tag, x.source])).toEqual([
        ["favourite", "manual"],
        ["cat", "local_analysis"],
      ]);
    });

    test("views: usable_clips and underutilized_clips follow the seed's rules", async () => {
      const usable = await clips.create(clip({ intensity: 7, viralPotential: 9, timesUsed: 0 }));
      const dull = await clips.create(clip({ intensity: 3, viralPotential: 2 }));
      const uncleared = await clips.create(clip({ rightsCleared: false, intensity: 9 }));
      const worn = await clips.create(clip({ intensity: 8, viralPotential: 9, timesUsed: 5 }));
      const usableIds = (await clips.fromView("usable_clips")).map((r) => r.id);
      expect(usableIds).toContain(usable.id);
      expect(usableIds).toContain(worn.id);
      expect(usableIds).not.toContain(dull.id);
      expect(usableIds).not.toContain(uncleared.id);
      const under = (await clips.fromView("underutilized_clips")).map((r) => r.id);
      expect(under).toContain(usable.id);
      expect(under).not.toContain(worn.id);
    });

    test("list filters and counts", async () => {
      const failed = await clips.create(clip({ status: "failed", statusReason: "file is empty (0 bytes)", durationSeconds: 0 }));
      const listed = await clips.list({ status: "failed" });
      expect(listed.map((c) => c.id)).toContain(failed.id);
      expect(listed.every((c) => c.status === "failed")).toBe(true);
      expect(await clips.count({ status: "failed" })).toBe(listed.length);
      const hi = await clips.list({ minIntensity: 7 });
      expect(hi.every((c) => (c.intensity ?? 0) >= 7)).toBe(true);
    });

    test("near-duplicate links are symmetric and idempotent; deleting a clip cascades", async () => {
      const a = await clips.create(clip());
      const b = await clips.create(clip());
      await clips.linkNearDuplicate(a.id, b.id, 0.97);
      await clips.linkNearDuplicate(a.id, b.id, 0.97);
      expect((await clips.links(a.id)).map((l) => l.otherClipId)).toEqual([b.id]);
      expect((await clips.links(b.id)).map((l) => l.otherClipId)).toEqual([a.id]);
      expect(await clips.delete(b.id)).toBe(true);
      expect(await clips.links(a.id)).toEqual([]);
    });

    test("productions: clips, usage counts and the production_performance view", async () => {
      const c1 = await clips.create(clip({ viralPotential: 8, intensity: 6 }));
      const c2 = await clips.create(clip({ viralPotential: 6, intensity: 8 }));
      const p = await productions.create({ productionId: `prod_${engine.name}_1`, theme: "dogs", targetDuration: 60 });
      expect(p.status).toBe("curating");
      await productions.setClips(p.id, [
        { clipId: c1.id, positionIndex: 0, startTimeInVideo: 0, endTimeInVideo: 5, reason: "hook" },
        { clipId: c2.id, positionIndex: 1, startTimeInVideo: 5, endTimeInVideo: 12, transitionBefore: "fade" },
      ]);
      expect((await clips.get(c1.id))!.timesUsed).toBe(1);
      // A resumed step writes the same list again: no use is counted twice.
      await productions.setClips(p.id, [
        { clipId: c1.id, positionIndex: 0, startTimeInVideo: 0, endTimeInVideo: 5, reason: "hook" },
        { clipId: c2.id, positionIndex: 1, startTimeInVideo: 5, endTimeInVideo: 12, transitionBefore: "fade" },
      ]);
      expect((await clips.get(c1.id))!.timesUsed).toBe(1);
      expect((await clips.get(c1.id))!.lastUsedAt).toBeInstanceOf(Date);
      await productions.update(p.id, { status: "completed", views: 1000, retentionRate: 0.6, machineSnapshot: { value: "done", context: { n: 1 } } });
      const perf = (await productions.performance()).find((r) => r.production_id === p.productionId);
      expect(Number(perf?.clip_count)).toBe(2);
      expect(Number(perf?.avg_clip_viral_potential)).toBeCloseTo(7, 5);
      expect((await productions.get(p.productionId))!.machineSnapshot).toEqual({ value: "done", context: { n: 1 } });
      expect((await productions.clips(p.id)).map((r) => r.clipId)).toEqual([c1.id, c2.id]);
    });

    test("index tasks persist snapshots and are found again when unfinished", async () => {
      const task = await tasks.create("batch-1", "/library/x.mp4", { license: "CC0" });
      await tasks.update(task.id, { status: "running", stage: "visual", snapshot: { value: "visual", context: { path: "/library/x.mp4" } } });
      const open = await tasks.findUnfinished("/library/x.mp4");
      expect(open?.id).toBe(task.id);
      expect(open?.snapshot).toEqual({ value: "visual", context: { path: "/library/x.mp4" } });
      await tasks.update(task.id, { status: "done" });
      expect(await tasks.findUnfinished("/library/x.mp4")).toBeUndefined();
    });
  });
}
