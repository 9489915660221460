/** The feedback rule exactly as the seed states it, on SQLite and PostgreSQL; a report counts once. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINES, type TestDatabase } from "../../tests/support/databases.ts";
import { createApp, type AppContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { FeedbackError, recordFeedback } from "./service.ts";

for (const engine of ENGINES) {
  describe(`feedback on ${engine.name}`, () => {
    let t: TestDatabase;
    let app: AppContext;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      t = await engine.open();
      app = await createApp(loadConfig({ REELSMITH_HOME: mkdtempSync(join(tmpdir(), "reelsmith-fb-")), DATABASE_URL: t.url, LOG_LEVEL: "error" }));
      for (const [name, viral] of [["a", 8], ["b", 6], ["c", 4]] as const) {
        const c = await app.clips.create({ filePath: `/lib/${name}.mp4`, fileHash: `${name}${"0".repeat(63)}`, durationSeconds: 10, status: "analyzed", rightsCleared: true, viralPotential: viral });
        ids[name] = c.id;
      }
      const p = await app.productions.create({ productionId: "prod_fb", theme: "dogs", targetDuration: 30, status: "completed", progress: 100 });
      // a and b were counted when the production finished; c came in without a counted use.
      await app.productions.setClips(p.id, [
        { clipId: ids.a!, positionIndex: 0, startTimeInVideo: 0, endTimeInVideo: 10 },
        { clipId: ids.b!, positionIndex: 1, startTimeInVideo: 10, endTimeInVideo: 20 },
      ]);
      await app.database.db.insert(app.database.tables.productionClips).values({ productionId: p.id, clipId: ids.c!, positionIndex: 2, startTimeInVideo: 20, endTimeInVideo: 30, usageCountedAt: null });
      await app.productions.create({ productionId: "prod_running", theme: "cats", targetDuration: 30, status: "rendering" });
    });
    afterAll(async () => {
      await app?.close();
      await t?.dispose();
    });

    const clip = async (k: string) => (await app.clips.get(ids[k]!))!;

    test("retention under 0.5: uses counted once, retention averaged, viral potential × 0.9; the same report again changes nothing", async () => {
      const r = await recordFeedback(app, "prod_fb", { views: 1000, likes: 50, comments: 7, avg_watch_time: 12.5, retention: 0.4, report_id: "week-47" });
      expect(r.applied).toBe(true);
      expect([(await clip("a")).timesUsed, (await clip("b")).timesUsed, (await clip("c")).timesUsed]).toEqual([1, 1, 1]);
      expect([(await clip("a")).viralPotential, (await clip("b")).viralPotential, (await clip("c")).viralPotential]).toEqual([7.2, 5.4, 3.6]);
      for (const k of ["a", "b", "c"]) {
        expect((await clip(k)).avgRetentionRate).toBe(0.4);
        expect((await clip(k)).lastUsedAt).not.toBeNull();
      }
      const again = await recordFeedback(app, "prod_fb", { views: 1000, likes: 50, comments: 7, avg_watch_time: 12.5, retention: 0.4, report_id: "week-47" });
      expect(again.applied).toBe(false);
      expect((await clip("c")).timesUsed).toBe(1);
      expect((await clip("a")).viralPotential).toBe(7.2);
      const perf = (await app.productions.performance()).find((p) => p.production_id === "prod_fb")!;
      expect(Number(perf.views)).toBe(1000);
      expect(Number(perf.retention_rate)).toBe(0.4);
    });

    test("a later report: running average of retention, no penalty at or above 0.5, uses not counted again; a report without id is keyed by its figures", async () => {
      const r = await recordFeedback(app, "prod_fb", { views: 5000, retention: 0.8 });
      expect(r.applied).toBe(true);
      expect(r.report_id).toMatch(/^sha256:/);
      expect((await clip("a")).avgRetentionRate).toBe(0.6);
      expect((await clip("a")).viralPotential).toBe(7.2);
      expect((await clip("c")).timesUsed).toBe(1);
      expect((await recordFeedback(app, "prod_fb", { views: 5000, retention: 0.8 })).applied).toBe(false);
      const prod = (await app.productions.get("prod_fb"))!;
      expect([prod.views, prod.retentionRate]).toEqual([5000, 0.8]);
    });

    test("bad reports and unfinished or unknown productions are refused with the reason", async () => {
      await expect(recordFeedback(app, "prod_fb", { views: 10, retention: 1.5 })).rejects.toThrow(/retention/);
      await expect(recordFeedback(app, "prod_fb", { retention: 0.5 })).rejects.toThrow(/views/);
      await expect(recordFeedback(app, "prod_nope", { views: 1, retention: 0.5 })).rejects.toBeInstanceOf(FeedbackError);
      await expect(recordFeedback(app, "prod_running", { views: 1, retention: 0.5 })).rejects.toThrow(/rendering: only finished videos/);
    });
  });
}
