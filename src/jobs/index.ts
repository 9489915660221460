/**
 * The job layer's entry: picks the implementation from the configuration. `REDIS_URL` set →
 * BullMQ on Redis (workers on any number of machines); otherwise the embedded `jobs` table in
 * the app's database (zero services).
 */
import type { AppContext } from "../app.ts";
import { EmbeddedJobQueue, startEmbeddedWorkers } from "./embedded.ts";
import { disposeJobHandlers } from "./handlers.ts";
import type { JobQueue, JobWorkers, WorkerOptions } from "./types.ts";

export type { JobQueue, JobWorkers, WorkerOptions } from "./types.ts";

/** The queue this configuration uses. */
export function createJobQueue(app: AppContext): JobQueue {
  return new EmbeddedJobQueue(app.database);
}

/** Starts a worker pool on `queues`; its `stop` also frees what the handlers created. */
export function startWorkers(app: AppContext, opts: WorkerOptions): JobWorkers {
  const pool = startEmbeddedWorkers(app.database, opts);
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
