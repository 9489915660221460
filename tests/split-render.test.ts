/**
 * A production's render split across workers: with REELSMITH_RENDER_SPLIT=2 and two worker slots
 * on the real job queue, the production's job renders one slice, a `render.segment` job renders
 * the other, and the join reuses both: the video is whole and the right length.
 */
import { afterAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createApp, type AppContext } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createJobHandlers } from "../src/jobs/handlers.ts";
import { createJobQueue, startWorkers } from "../src/jobs/index.ts";
import type { JobQueue, JobWorkers } from "../src/jobs/types.ts";
import { probe } from "../src/media/probe.ts";
import { createProduction } from "../src/production/service.ts";
import { indexedCorpus } from "./support/corpus.ts";

let app: AppContext | undefined;
let jobs: JobQueue | undefined;
let workers: JobWorkers | undefined;
afterAll(async () => {
  await workers?.stop({ graceful: false, timeoutMs: 5000 });
  await jobs?.close();
  await app?.close();
});

test("a render split in two slices across worker slots gives one whole video", async () => {
  const { home } = await indexedCorpus();
  app = await createApp(loadConfig({ REELSMITH_HOME: home, REELSMITH_RENDER_SPLIT: "2", LOG_LEVEL: "error" }));
  const queue = createJobQueue(app);
  jobs = queue;
  workers = startWorkers(app, { queues: ["render"], concurrency: 2, handlers: createJobHandlers(app, { queue }) });
  const row = await createProduction(app, { theme: "people talking", target_duration: 20, resolution: "360p" });
  await queue.enqueue("production.run", { productionId: row.productionId });
  let done = row;
  for (const end = Date.now() + 300_000; Date.now() < end; await Bun.sleep(500)) {
    done = (await app.productions.get(row.productionId))!;
    if (done.status === "completed" || done.status === "failed") break;
  }
  expect(done.error).toBeNull();
  expect(done.status).toBe("completed");
  const t = app.database.tables.jobs;
  const slices = (await app.database.db.select().from(t).where(eq(t.name, "render.segment"))).filter((j) => (j.payload as { productionId: string }).productionId === row.productionId);
  expect(slices).toHaveLength(1);
  expect(slices[0]!.status).toBe("completed");
  const r = slices[0]!.result as { rendered: number; reused: number; slice: string };
  expect(r.slice).toBe("2/2");
  expect(r.rendered + r.reused).toBeGreaterThanOrEqual(1);
  const p = await probe(done.finalVideoPath!);
  expect(p.hasVideo && p.hasAudio).toBe(true);
  expect(Math.abs(p.durationSeconds - 20) / 20).toBeLessThanOrEqual(0.02);
}, 600_000);
