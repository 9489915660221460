/**
 * The job layer's entry: picks the implementation from the configuration. `REDIS_URL` set →
 * BullMQ on Redis (workers on any number of machines); otherwise the embedded `jobs` table in
 * the app's database (zero services).
 */
import type { AppContext } from "../app.ts";
import { activeWorkers, queueSize } from "../lib/metrics.ts";
import { BullJobQueue, MAINTENANCE_SCHEDULE, startBullWorkers } from "./bullmq.ts";
import { EmbeddedJobQueue, startEmbeddedWorkers } from "./embedded.ts";
import { disposeJobHandlers } from "./handlers.ts";
import type { JobQueue, JobWorkers, WorkerOptions } from "./types.ts";

export type { JobQueue, JobWorkers, WorkerOptions } from "./types.ts";

/** The queue this configuration uses. */
export function createJobQueue(app: AppContext): JobQueue {
  const c = app.config;
  return c.redisUrl ? new BullJobQueue({ redisUrl: c.redisUrl, prefix: c.queuePrefix }) : new EmbeddedJobQueue(app.database);
}

/** Starts a worker pool on `queues`; its `stop` also frees what the handlers created. */
export function startWorkers(app: AppContext, opts: WorkerOptions): JobWorkers {
  const c = app.config;
  const pool = c.redisUrl
    ? startBullWorkers({
        ...opts,
        redisUrl: c.redisUrl,
        prefix: c.queuePrefix,
        lockDurationMs: c.jobLeaseMs,
        // Look for stalled jobs twice per lock period, at most every 30 s.
        stalledIntervalMs: c.jobLeaseMs ? Math.min(30_000, Math.max(1000, c.jobLeaseMs / 2)) : undefined,
        log: (line) => process.stderr.write(`${line}\n`),
      })
    : startEmbeddedWorkers(app.database, { ...opts, leaseMs: c.jobLeaseMs });
  return {
    queues: pool.queues,
    active: () => pool.active(),
    async stop(o) {
      try {
        await pool.stop(o);
      } finally {
        await disposeJobHandlers(opts.handlers);
      }
    },
  };
}

/** Sets queue_size and active_workers from the real queues (what /metrics shows). */
export async function refreshQueueGauges(queue: JobQueue): Promise<void> {
  for (const [name, c] of Object.entries(await queue.counts())) {
    queueSize.set({ queue_name: name }, c.waiting + c.delayed);
    activeWorkers.set({ queue_name: name }, c.active);
  }
}

/**
 * Keeps the maintenance jobs coming. BullMQ has job schedulers (upserted by maintenance pools);
 * the embedded queue gets a timer per job that enqueues it under a dedupe key, so however many
 * worker processes run it, one of each is queued at a time. Returns a function that stops it.
 */
export function startMaintenanceSchedule(queue: JobQueue, schedule = MAINTENANCE_SCHEDULE): () => void {
  if (queue.kind === "bullmq") return () => {};
  const timers = schedule.map((s) => {
    const enqueue = () => {
      queue.enqueue(s.name, {} as never, { dedupeKey: `schedule:${s.name}` }).catch((err: Error) => process.stderr.write(`[warn] schedule ${s.name}: ${err.message}\n`));
    };
    enqueue();
    return setInterval(enqueue, s.everyMs);
  });
  return () => timers.forEach(clearInterval);
}
