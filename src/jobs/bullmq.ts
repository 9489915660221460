/**
 * The job layer on BullMQ (Redis): one BullMQ queue per pool (index, llm, render, maintenance),
 * worked by `reelsmith worker` on any number of machines. Retries with exponential back-off,
 * dedupe while a job is queued or active, stalled-job recovery when a worker dies, maintenance
 * as job schedulers (repeatable jobs), graceful stop that finishes or hands back the jobs.
 *
 * Why no sandboxed processors for CPU work: BullMQ renews a job's lock from a timer on the
 * event loop, so a handler that blocks the loop longer than `lockDuration` loses its lock and
 * the job is taken as stalled (BullMQ #2857, #3078). Our indexing keeps the loop mostly free —
 * decoding runs in ffmpeg processes, onnxruntime on its native thread pool, and the JS-thread
 * work (tfjs-wasm, frame maths) comes in per-frame slices well under a second — and it needs
 * the process's model sessions and database pool, which a sandbox would rebuild per child.
 * So: a generous lock (2 min, renewed every minute) that a slice can never outlast, a
 * stalled check every 30 s, and an event-loop lag watch that warns long before a lock is at
 * risk. A job that really stalls is resumed elsewhere from its saved statechart snapshot.
 */
import { DelayedError, Queue, WaitingError, Worker, type Job, type JobsOptions } from "bullmq";
import IORedis from "ioredis";
import { activeWorkers } from "../lib/metrics.ts";
import { errorText, JobAbortedError, runAttempt } from "./run-job.ts";
import {
  DEFAULT_ATTEMPTS,
  JOB_TIMEOUT_MS,
  JOBS,
  parsePayload,
  QUEUES,
  queueOf,
  type EnqueueOptions,
  type JobCounts,
  type JobInfo,
  type JobName,
  type JobPayload,
  type JobQueue,
  type JobWorkers,
  type QueueName,
  type WorkerOptions,
} from "./types.ts";

/** Redis key prefix; tests use their own so runs never collide. */
export const DEFAULT_PREFIX = "reelsmith";

/** Maintenance jobs and how often they run (job schedulers, upserted when a maintenance pool starts). */
export const MAINTENANCE_SCHEDULE: { name: JobName; everyMs: number }[] = [
  { name: "maintenance.metrics-refresh", everyMs: 60_000 },
  { name: "maintenance.cache-cleanup", everyMs: 24 * 3600_000 },
  { name: "maintenance.reindex-stale", everyMs: 3600_000 },
];

export interface BullOptions {
  redisUrl: string;
  prefix?: string;
}

/** Job ids carry their queue so `get` knows where to look: "index-<uuid>". */
const jobIdFor = (queue: QueueName) => `${queue}-${crypto.randomUUID()}`;
const queueOfId = (id: string): QueueName | undefined => QUEUES.find((q) => id.startsWith(`${q}-`));

const redis = (url: string, worker: boolean) =>
  // Workers block on Redis and must retry forever (BullMQ requires maxRetriesPerRequest null);
  // producers fail fast so an API call gets an answer when Redis is down.
  new IORedis(url, worker ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 2, connectTimeout: 5000 });

/** Jobs on BullMQ. */
export class BullJobQueue implements JobQueue {
  readonly kind = "bullmq" as const;
  private readonly connection: IORedis;
  private readonly queues = new Map<QueueName, Queue>();
  readonly prefix: string;

  constructor(opts: BullOptions & { backoffMs?: number }) {
    this.prefix = opts.prefix ?? DEFAULT_PREFIX;
    this.connection = redis(opts.redisUrl, false);
    this.backoffMs = opts.backoffMs ?? 2000;
  }
  private readonly backoffMs: number;

  /** The BullMQ queue of a pool (created on first use). */
  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<{ jobId: string }> {
    const data = parsePayload(name, payload);
    const queue = queueOf(name);
    const jobOpts: JobsOptions = {
      jobId: jobIdFor(queue),
      attempts: opts.attempts ?? DEFAULT_ATTEMPTS,
      backoff: { type: "exponential", delay: this.backoffMs },
      delay: opts.delayMs,
      // Finished jobs stay readable for a while (status pages), then Redis forgets them.
      removeOnComplete: { age: 7 * 86_400, count: 10_000 },
      removeOnFail: { age: 30 * 86_400, count: 10_000 },
      // Simple-mode deduplication lasts until the job completes or fails: "queued or active".
      ...(opts.dedupeKey ? { deduplication: { id: opts.dedupeKey } } : {}),
    };
    const job = await this.queue(queue).add(name, data, jobOpts);
    return { jobId: String(job.id) };
  }

  async get(jobId: string): Promise<JobInfo | null> {
    const queue = queueOfId(jobId);
    if (!queue) return null;
    const job = await this.queue(queue).getJob(jobId);
    if (!job) return null;
    const state = await job.getState();
    const status: JobInfo["status"] =
      state === "active" || state === "completed" || state === "failed" || state === "delayed" ? state : "queued";
    return {
      id: jobId,
      name: job.name as JobName,
      queue,
      status,
      attempts: job.attemptsMade + (status === "active" ? 1 : 0),
      error: job.failedReason || null,
      result: job.returnvalue ?? null,
    };
  }

  async counts(): Promise<Record<QueueName, JobCounts>> {
    const entries = await Promise.all(
      QUEUES.map(async (q) => {
        const c = await this.queue(q).getJobCounts("waiting", "prioritized", "active", "completed", "failed", "delayed");
        const counts: JobCounts = {
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          completed: c.completed ?? 0,
          failed: c.failed ?? 0,
          delayed: c.delayed ?? 0,
        };
        return [q, counts] as const;
      }),
    );
    return Object.fromEntries(entries) as Record<QueueName, JobCounts>;
  }

  /** Workers connected to each queue (BullMQ's CLIENT LIST view). */
  async workerCounts(): Promise<Record<QueueName, number>> {
    const entries = await Promise.all(QUEUES.map(async (q) => [q, await this.queue(q).getWorkersCount()] as const));
    return Object.fromEntries(entries) as Record<QueueName, number>;
  }

  /** Upserts the maintenance job schedulers (idempotent: every maintenance pool may call it). */
  async scheduleMaintenance(schedule = MAINTENANCE_SCHEDULE): Promise<void> {
    for (const s of schedule) await this.queue("maintenance").upsertJobScheduler(s.name, { every: s.everyMs }, { name: s.name, data: {} });
  }

  /** Removes every key of this prefix's queues (tests). */
  async obliterate(): Promise<void> {
    for (const q of QUEUES) await this.queue(q).obliterate({ force: true });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

export interface BullWorkerOptions extends WorkerOptions, BullOptions {
  /** How long a job's lock holds without renewal (default 2 min; renewed at half of it). */
  lockDurationMs?: number;
  /** How often workers look for stalled jobs (default 30 s). */
  stalledIntervalMs?: number;
  timeoutMs?: Partial<Record<QueueName, number>>;
  /** Upsert the maintenance schedulers when working the maintenance queue (default true). */
  schedule?: boolean;
  log?: (line: string) => void;
}

/** Starts one BullMQ worker per queue in this process; `stop` finishes or hands back its jobs. */
export function startBullWorkers(opts: BullWorkerOptions): JobWorkers {
  const queues = [...new Set(opts.queues)];
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const lockDuration = opts.lockDurationMs ?? 120_000;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const emit = opts.onEvent ?? (() => {});
  const running = new Map<string, { controller: AbortController; name: JobName }>();
  const connections: IORedis[] = [];

  const processor = (queue: QueueName) => async (job: Job, token?: string) => {
    const name = job.name as JobName;
    if (!(name in JOBS)) throw new Error(`unknown job "${job.name}" on queue ${queue}`);
    const id = String(job.id);
    if (!opts.handlers[name]) {
      // A BullMQ worker takes every job of its queue: one it cannot run goes back for a pool
      // that can, without using up an attempt.
      log(`[warn] no handler for ${name} in this worker: job ${id} put back for another worker`);
      await job.moveToDelayed(Date.now() + 5000, token);
      throw new DelayedError();
    }
    const controller = new AbortController();
    running.set(id, { controller, name });
    const attempt = job.attemptsMade + 1;
    activeWorkers.inc({ queue_name: queue });
    emit({ type: "started", jobId: id, name, attempt, reclaimed: (job.stalledCounter ?? 0) > 0 });
    try {
      const result = await runAttempt({
        name,
        payload: job.data,
        handlers: opts.handlers,
        timeoutMs: opts.timeoutMs?.[queue] ?? JOB_TIMEOUT_MS[queue],
        controller,
        ctx: {
          jobId: id,
          attempt,
          progress: async (percent) => {
            emit({ type: "progress", jobId: id, name, percent });
            await job.updateProgress(Math.max(0, Math.min(100, percent))).catch(() => {});
          },
        },
      });
      emit({ type: "completed", jobId: id, name, attempt });
      return result ?? null;
    } catch (err) {
      if (err instanceof JobAbortedError && err.kind === "stopping") {
        // Handed back: straight to the wait list, this attempt not counted (WaitingError tells BullMQ so).
        await job.moveToWait(token);
        emit({ type: "released", jobId: id, name, reason: err.message });
        throw new WaitingError();
      }
      const error = errorText(err);
      const max = job.opts.attempts ?? 1;
      if (attempt < max) emit({ type: "retrying", jobId: id, name, attempt, error, delayMs: (job.opts.backoff as { delay?: number } | undefined)?.delay ?? 0 });
      else emit({ type: "failed", jobId: id, name, attempt, error });
      throw err instanceof Error ? err : new Error(error);
    } finally {
      running.delete(id);
      activeWorkers.dec({ queue_name: queue });
    }
  };

  const workers = queues.map((queue) => {
    const connection = redis(opts.redisUrl, true);
    connections.push(connection);
    const w = new Worker(queue, processor(queue), {
      connection,
      prefix,
      concurrency: Math.max(1, opts.concurrency ?? 1),
      lockDuration,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      // A job found stalled twice (its worker died twice, or blocked the loop twice) fails
      // with the reason instead of going round for ever.
      maxStalledCount: 2,
      name: `reelsmith:${process.pid}`,
    });
    w.on("error", (err) => log(`[warn] worker ${queue}: ${errorText(err)}`));
    w.on("stalled", (jobId) => log(`[warn] job ${jobId} on ${queue} stalled (its worker died or blocked); re-queued`));
    return w;
  });

  let scheduling: Promise<void> = Promise.resolve();
  if (queues.includes("maintenance") && opts.schedule !== false) {
    const q = new BullJobQueue({ redisUrl: opts.redisUrl, prefix });
    scheduling = q
      .scheduleMaintenance()
      .catch((err) => log(`[warn] maintenance schedulers: ${errorText(err)}`))
      .finally(() => q.close());
  }

  // Event-loop lag watch: BullMQ renews locks from this loop; warn well before a lock is lost.
  let lastTick = performance.now();
  const lagWatch = setInterval(() => {
    const now = performance.now();
    const lag = now - lastTick - 1000;
    lastTick = now;
    if (lag > lockDuration / 4) log(`[warn] event loop blocked for ${Math.round(lag)} ms (lock ${lockDuration} ms): job locks are at risk`);
  }, 1000);
  lagWatch.unref?.();

  return {
    queues,
    active: () => running.size,
    async stop({ graceful = true, timeoutMs = 30_000 } = {}) {
      clearInterval(lagWatch);
      await scheduling;
      // close() stops fetching and waits for the jobs in hand; past the timeout (or at once if
      // not graceful) they are aborted and handed back to the wait list for another worker.
      const closing = Promise.all(workers.map((w) => w.close()));
      if (graceful && running.size) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([closing, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
        clearTimeout(timer);
      }
      for (const r of running.values()) r.controller.abort(new JobAbortedError(`worker stopping: job ${r.name} handed back`, "stopping"));
      await closing;
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** Redis reachable? PING with a short timeout; never throws (doctor). */
export async function checkRedis(url: string): Promise<{ ok: boolean; version?: string; reason?: string }> {
  const client = new IORedis(url, { maxRetriesPerRequest: 0, connectTimeout: 3000, lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false });
  // The socket's own error (ECONNREFUSED…) arrives as an event; connect() only says "closed".
  let socketError: { code?: string; message?: string } | undefined;
  client.on("error", (err) => (socketError ??= err));
  try {
    await client.connect();
    await client.ping();
    const info = await client.info("server");
    return { ok: true, version: /redis_version:(\S+)/.exec(info)?.[1] };
  } catch (err) {
    const e = socketError ?? (err as { code?: string; message?: string });
    return { ok: false, reason: e.code === "ECONNREFUSED" ? "connection refused (is Redis running?)" : (e.message ?? String(err)) };
  } finally {
    client.disconnect();
  }
}
