/**
 * Job names wired to the services that do the work. Handlers are thin: the indexing and
 * production services already persist their statecharts, so a job retried after a crash
 * resumes from the last saved snapshot instead of starting over. Heavy resources (model
 * sessions, ffmpeg helpers) are created on first use, once per pool, and disposed at stop.
 */
import { and, inArray, lt } from "drizzle-orm";
import type { AppContext } from "../app.ts";
import { indexFiles } from "../indexing/service.ts";
import { createIndexSteps, type IndexStepsHandle } from "../indexing/steps.ts";
import { clipsInDatabase, activeWorkers, queueSize } from "../lib/metrics.ts";
import { runProduction } from "../production/service.ts";
import { createProductionServices } from "../production/services-impl.ts";
import { renderSlice } from "../production/split-render.ts";
import { createMediaStore } from "../storage/index.ts";
import { publishProduction } from "../storage/publish.ts";
import type { JobHandlers, JobQueue } from "./types.ts";

/** LLM replies older than this are dropped by the cache clean-up (providers change models). */
export const LLM_CACHE_MAX_AGE_DAYS = 30;
/** An unfinished index task untouched this long is taken as abandoned and queued again. */
export const STALE_TASK_DAYS = 1;

const disposers = new WeakMap<JobHandlers, () => Promise<void>>();

/** Frees what a handler set created (model sessions, ffmpeg helpers). Safe to call twice. */
export async function disposeJobHandlers(handlers: JobHandlers): Promise<void> {
  const dispose = disposers.get(handlers);
  disposers.delete(handlers);
  await dispose?.();
}

/** Rejects as soon as `signal` aborts: the services' own abort paths stop their actors but may never settle. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Lazily creates a resource once; `dispose` frees it only if it was created. */
function lazy<T>(make: () => Promise<T>, free: (t: T) => Promise<void>) {
  let made: Promise<T> | undefined;
  return {
    get: () => (made ??= make()),
    dispose: async () => {
      if (made) await free(await made).catch(() => {});
      made = undefined;
    },
  };
}

/**
 * The handlers a worker pool runs. `queue` (optional) lets maintenance jobs re-queue stale
 * work and refresh the queue gauges.
 */
export function createJobHandlers(app: AppContext, opts: { queue?: JobQueue } = {}): JobHandlers {
  const steps = lazy<IndexStepsHandle>(() => createIndexSteps(app), (s) => s.dispose());
  const production = lazy(() => createProductionServices(app, { jobs: opts.queue }), (s) => s.dispose());

  const handlers: JobHandlers = {
    "index.file": async (p, ctx) => {
      const { actors } = await steps.get();
      const summary = await untilAborted(
        indexFiles(app, [p.path], actors, { concurrency: 1, source: p.source, license: p.license, reindex: p.reindex, consent: p.consent, signal: ctx.signal }),
        ctx.signal,
      );
      // Our own machinery failing (database gone, file vanished) is worth a retry; a clip the
      // pipeline failed on is recorded on the clip with its reason and is an outcome, not an error.
      const broken = summary.failed.find((f) => f.stage === "service" || f.stage === "input");
      if (broken) throw new Error(`index ${p.path}: ${broken.reason}`);
      const indexed = summary.indexed[0];
      const failed = summary.failed[0];
      if (indexed) return { outcome: "indexed", clip_id: indexed.clip_id, external_id: indexed.external_id };
      if (summary.unchanged[0]) return { outcome: "unchanged", external_id: summary.unchanged[0].external_id };
      if (summary.skipped[0]) return { outcome: "skipped", reason: summary.skipped[0].reason };
      return { outcome: "failed", stage: failed?.stage ?? "unknown", reason: failed?.reason ?? "no outcome", external_id: failed?.external_id };
    },

    "production.run": async (p, ctx) => {
      const services = await production.get();
      const row = await untilAborted(runProduction(app, services, p.productionId, { signal: ctx.signal, approve: p.approve }), ctx.signal);
      // With S3 configured the finished files go to the bucket: other machines have no access to this one's disk.
      const store = createMediaStore(app.config);
      const media = row.status === "completed" && store.kind === "s3" ? await publishProduction(app, store, row.productionId) : undefined;
      return { production_id: row.productionId, status: row.status, error: row.error ?? null, ...(media ? { media: media.objects } : {}) };
    },

    "render.segment": async (p, ctx) => untilAborted(renderSlice(app, p, ctx.signal), ctx.signal),

    "maintenance.cache-cleanup": async () => {
      const t = app.database.tables.llmCache;
      const before = new Date(Date.now() - LLM_CACHE_MAX_AGE_DAYS * 86_400_000);
      const gone = await app.database.db.delete(t).where(lt(t.createdAt, before)).returning({ key: t.key });
      return { deleted: gone.length, older_than_days: LLM_CACHE_MAX_AGE_DAYS };
    },

    "maintenance.metrics-refresh": async () => {
      const clips = await app.clips.count();
      clipsInDatabase.set(clips);
      if (opts.queue) {
        for (const [queue, c] of Object.entries(await opts.queue.counts())) {
          queueSize.set({ queue_name: queue }, c.waiting + c.delayed);
          activeWorkers.set({ queue_name: queue }, c.active);
        }
      }
      return { clips };
    },

    "maintenance.reindex-stale": async (p) => {
      const days = p.olderThanDays ?? STALE_TASK_DAYS;
      const t = app.database.tables.indexTasks;
      const stale = await app.database.db
        .select({ id: t.id, filePath: t.filePath, options: t.options })
        .from(t)
        .where(and(inArray(t.status, ["queued", "running"]), lt(t.updatedAt, new Date(Date.now() - days * 86_400_000))));
      if (!opts.queue) return { stale: stale.length, requeued: 0, reason: "no job queue given to the maintenance handlers" };
      for (const task of stale) {
        const o = task.options as { source?: "user_upload" | "purchased" | "licensed"; license?: string };
        // Same dedupe key as the API's index route: a file already queued is not queued twice.
        await opts.queue.enqueue(
          "index.file",
          { path: task.filePath, taskId: task.id, ...(o.source ? { source: o.source } : {}), ...(o.license ? { license: o.license } : {}) },
          { dedupeKey: `index:${task.filePath}` },
        );
      }
      return { stale: stale.length, requeued: stale.length };
    },
  };
  disposers.set(handlers, async () => {
    await Promise.all([steps.dispose(), production.dispose()]);
  });
  return handlers;
}
