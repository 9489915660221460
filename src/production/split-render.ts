/**
 * A production's render split across workers (scale-out). The production's own job writes the
 * cut to `render-timeline.json`, queues `render.segment` jobs for the other slices, renders slice
 * 0 itself, waits for the slices other workers have taken, then joins: `renderTimeline` finds the
 * finished segments (same names: same cut, settings and encoder) and renders any still missing
 * itself, so a slice nobody picked up, or a worker killed mid-slice, costs time, never the video.
 * Workers must share REELSMITH_HOME/productions (one machine, or a shared filesystem).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AppContext } from "../app.ts";
import type { JobQueue } from "../jobs/types.ts";
import { renderSegmentSlice, type RenderOptions } from "../render/assemble.ts";
import { productionDir } from "./steps.ts";
import type { Timeline } from "./types.ts";

export const RENDER_TIMELINE_FILE = "render-timeline.json";

/** The options every slice and the final join use, so segment names agree. */
export function renderOptions(app: AppContext, productionId: string, signal?: AbortSignal): RenderOptions {
  const dir = productionDir(app, productionId);
  return { outDir: dir, workDir: join(dir, "work"), ffmpegPath: app.config.ffmpegPath, ffprobePath: app.config.ffprobePath, encoder: "auto", signal };
}

/** The `render.segment` job: one slice of the cut the production's job wrote down. */
export async function renderSlice(app: AppContext, p: { productionId: string; index: number; count: number }, signal?: AbortSignal) {
  const file = join(productionDir(app, p.productionId), RENDER_TIMELINE_FILE);
  const tl = JSON.parse(await readFile(file, "utf8")) as Timeline;
  const r = await renderSegmentSlice(tl, renderOptions(app, p.productionId, signal), { index: p.index, count: p.count });
  return { production_id: p.productionId, slice: `${p.index + 1}/${p.count}`, ...r };
}

/**
 * Renders slices in parallel across workers before the join. Returns the slice jobs' outcomes
 * (for the record); never fails the production because a slice failed.
 */
export async function renderSlicesAcrossWorkers(app: AppContext, jobs: JobQueue, tl: Timeline, count: number, signal?: AbortSignal): Promise<{ slice: number; status: string }[]> {
  const dir = productionDir(app, tl.productionId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, RENDER_TIMELINE_FILE), JSON.stringify(tl));
  const key = new Bun.CryptoHasher("sha256").update(JSON.stringify(tl)).digest("hex").slice(0, 12);
  const queued = await Promise.all(
    Array.from({ length: count - 1 }, (_, i) => jobs.enqueue("render.segment", { productionId: tl.productionId, index: i + 1, count }, { dedupeKey: `render:${tl.productionId}:${key}:${i + 1}/${count}`, attempts: 1 })),
  );
  await renderSlice(app, { productionId: tl.productionId, index: 0, count }, signal);
  // Wait for slices another worker is rendering now; one still queued is rendered by the join.
  const outcomes: { slice: number; status: string }[] = [{ slice: 1, status: "completed" }];
  for (const [i, { jobId }] of queued.entries()) {
    let info = await jobs.get(jobId);
    while (info?.status === "active" && !signal?.aborted) {
      await Bun.sleep(250);
      info = await jobs.get(jobId);
    }
    outcomes.push({ slice: i + 2, status: info?.status ?? "unknown" });
  }
  return outcomes;
}
