/**
 * The real handlers through the embedded queue: a real clip indexed by a job (real ffmpeg and
 * models), and the maintenance jobs doing their work on real tables of both engines.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createApp, type AppContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { clipsInDatabase, metricsRegistry } from "../lib/metrics.ts";
import { CLIPS } from "../../tests/support/cli.ts";
import { ENGINES, type TestDatabase } from "../../tests/support/databases.ts";
import { createJobHandlers } from "./handlers.ts";
import { createJobQueue, startWorkers } from "./index.ts";
import type { JobQueue } from "./types.ts";

const until = async (what: string, check: () => Promise<boolean>, ms = 60_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
};

for (const engine of ENGINES) {
  describe(`job handlers on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let app: AppContext;
    let home: string;
    let queue: JobQueue;

    beforeAll(async () => {
      tdb = await engine.open();
      home = mkdtempSync(join(tmpdir(), "reelsmith-jobs-"));
      app = await createApp(loadConfig({ REELSMITH_HOME: home, DATABASE_URL: tdb.url, REELSMITH_MODELS_DIR: join(home, "models"), LOG_LEVEL: "error" }));
      queue = createJobQueue(app);
    });
    afterAll(async () => {
      await app.close();
      await tdb.dispose();
      rmSync(home, { recursive: true, force: true });
    });

    test("maintenance: cache clean-up drops old LLM replies only; stale index tasks are queued again; the clip gauge is refreshed", async () => {
      const db = app.database.db;
      const { llmCache, indexTasks } = app.database.tables;
      const old = new Date(Date.now() - 40 * 86_400_000);
      await db.insert(llmCache).values([
        { key: "old", provider: "local", model: "m", task: "t", response: {}, createdAt: old },
        { key: "new", provider: "local", model: "m", task: "t", response: {} },
      ]);
      // Inserted already old: PostgreSQL's updated_at trigger would overwrite an UPDATE's value.
      const [stale] = await db.insert(indexTasks).values({ batchId: "b", filePath: "/lib/stale.mp4", status: "running", options: { license: "CC0" }, updatedAt: old }).returning();
      await db.insert(indexTasks).values({ batchId: "b", filePath: "/lib/fresh.mp4", status: "running" });

      const handlers = createJobHandlers(app, { queue });
      const pool = startWorkers(app, { queues: ["maintenance"], handlers });
      const cleanup = await queue.enqueue("maintenance.cache-cleanup", {});
      const reindex = await queue.enqueue("maintenance.reindex-stale", {});
      const refresh = await queue.enqueue("maintenance.metrics-refresh", {});
      for (const j of [cleanup, reindex, refresh]) await until("maintenance", async () => (await queue.get(j.jobId))?.status === "completed");
      await pool.stop();

      expect((await db.select({ key: llmCache.key }).from(llmCache)).map((r) => r.key)).toEqual(["new"]);
      const jobs = app.database.tables.jobs;
      const queued = await db.select().from(jobs).where(eq(jobs.name, "index.file"));
      expect(queued.map((j) => j.payload)).toEqual([{ path: "/lib/stale.mp4", taskId: stale!.id, license: "CC0" }]);
      expect(queued[0]!.dedupeKey).toBe("index:/lib/stale.mp4");
      await db.delete(jobs).where(eq(jobs.name, "index.file"));
      expect((await clipsInDatabase.get()).values[0]?.value).toBe(await app.clips.count());
      expect(await metricsRegistry.getSingleMetricAsString("queue_size")).toContain('queue_name="maintenance"');
    });

    test.skipIf(engine.name !== "sqlite")("index.file indexes a real clip; a second job for it reports it unchanged", async () => {
      const handlers = createJobHandlers(app);
      const pool = startWorkers(app, { queues: ["index"], handlers });
      const path = join(CLIPS, "blender_bbb_meadow_2s.mp4");
      const first = await queue.enqueue("index.file", { path, license: "CC-BY" }, { dedupeKey: `index:${path}` });
      await until("indexing", async () => (await queue.get(first.jobId))?.status === "completed", 120_000);
      const second = await queue.enqueue("index.file", { path }, { dedupeKey: `index:${path}` });
      expect(second.jobId).not.toBe(first.jobId);
      await until("second", async () => (await queue.get(second.jobId))?.status === "completed", 60_000);
      await pool.stop();
      const jobs = app.database.tables.jobs;
      const results = await app.database.db.select({ id: jobs.id, result: jobs.result }).from(jobs).where(eq(jobs.name, "index.file"));
      const byId = Object.fromEntries(results.map((r) => [r.id, r.result as { outcome: string; external_id: string }]));
      expect(byId[first.jobId]!.outcome).toBe("indexed");
      expect(byId[second.jobId]).toMatchObject({ outcome: "unchanged", external_id: byId[first.jobId]!.external_id });
      const clip = await app.clips.findByPath(path);
      expect(clip?.status).toBe("analyzed");
      expect(clip?.license).toBe("CC-BY");
    }, 180_000);
  });
}
