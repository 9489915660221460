/**
 * The embedded job layer: the durable `jobs` table (SQLite or PostgreSQL) worked by in-process
 * pools. No service needed. A claim is a lease (`locked_by`, `locked_until`) renewed while the
 * handler runs; a job whose process died keeps its lease only until `locked_until`, then any
 * pool re-claims it (stalled recovery). Every state change is one conditional UPDATE, so two
 * pools — in one process or many, on one database — never both own a job.
 *
 * Clocks: leases and `run_at` are written with the claiming process's clock, so processes on
 * several machines need roughly synchronised clocks (NTP), as any lease scheme does.
 */
import { hostname } from "node:os";
import { and, asc, eq, gt, inArray, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "../db/client.ts";
import { activeWorkers } from "../lib/metrics.ts";
import { errorText, JobAbortedError, runAttempt } from "./run-job.ts";
import {
  backoffDelay,
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
  type WorkerEvent,
  type WorkerOptions,
} from "./types.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Pools of this process sleeping on a database: an enqueue wakes them at once. */
const sleepers = new WeakMap<Database, Set<() => void>>();
function wakeAll(database: Database): void {
  for (const wake of sleepers.get(database) ?? []) wake();
}

/** Jobs in the database's `jobs` table. */
export class EmbeddedJobQueue implements JobQueue {
  readonly kind = "embedded" as const;
  constructor(private readonly database: Database) {}

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<{ jobId: string }> {
    const data = parsePayload(name, payload) as Record<string, unknown>;
    const { db, tables } = this.database;
    const t = tables.jobs;
    // The unique dedupe_key is cleared when a job finishes, so a key can only meet a queued or
    // active job: on conflict that job's id is the answer. Three tries cover a job finishing
    // between our insert and our read.
    for (let i = 0; i < 3; i++) {
      const rows = await db
        .insert(t)
        .values({
          queue: queueOf(name),
          name,
          payload: data,
          maxAttempts: opts.attempts ?? DEFAULT_ATTEMPTS,
          runAt: new Date(Date.now() + (opts.delayMs ?? 0)),
          dedupeKey: opts.dedupeKey ?? null,
        })
        .onConflictDoNothing()
        .returning({ id: t.id });
      if (rows[0]) {
        wakeAll(this.database);
        return { jobId: rows[0].id };
      }
      if (!opts.dedupeKey) break;
      const existing = await db.select({ id: t.id }).from(t).where(eq(t.dedupeKey, opts.dedupeKey)).limit(1);
      if (existing[0]) return { jobId: existing[0].id };
    }
    throw new Error(`job ${name}: could not be queued (dedupe key ${JSON.stringify(opts.dedupeKey ?? null)} kept conflicting)`);
  }

  async get(jobId: string): Promise<JobInfo | null> {
    // PostgreSQL's id column is a uuid: anything else cannot be a job (and would be a SQL error).
    if (!UUID.test(jobId)) return null;
    const t = this.database.tables.jobs;
    const [row] = await this.database.db.select().from(t).where(eq(t.id, jobId)).limit(1);
    if (!row) return null;
    const delayed = row.status === "queued" && row.runAt.getTime() > Date.now();
    return {
      id: row.id,
      name: row.name as JobName,
      queue: row.queue,
      status: delayed ? "delayed" : row.status,
      attempts: row.attempts,
      error: row.error,
      result: row.result ?? null,
    };
  }

  async counts(): Promise<Record<QueueName, JobCounts>> {
    const t = this.database.tables.jobs;
    const db = this.database.db;
    const out = Object.fromEntries(QUEUES.map((q) => [q, { waiting: 0, active: 0, completed: 0, failed: 0, delayed: 0 }])) as Record<QueueName, JobCounts>;
    const n = sql<number>`count(*)`.mapWith(Number);
    const byStatus = await db.select({ queue: t.queue, status: t.status, n }).from(t).groupBy(t.queue, t.status);
    for (const r of byStatus) {
      const c = out[r.queue];
      if (r.status === "queued") c.waiting += r.n;
      else c[r.status] += r.n;
    }
    const delayed = await db
      .select({ queue: t.queue, n })
      .from(t)
      .where(and(eq(t.status, "queued"), gt(t.runAt, new Date())))
      .groupBy(t.queue);
    for (const r of delayed) {
      out[r.queue].delayed += r.n;
      out[r.queue].waiting -= r.n;
    }
    return out;
  }

  /** The queue does not own the database: the app closes it. */
  async close(): Promise<void> {}
}

export interface EmbeddedWorkerOptions extends WorkerOptions {
  /** How long a claim holds without renewal (default 30 s; renewed every third of it). */
  leaseMs?: number;
  /** How often an idle pool looks for ready jobs (default 1 s; an enqueue in this process wakes it at once). */
  pollMs?: number;
  /** Base of the exponential back-off between attempts (default 2 s: 2, 4, 8 … s). */
  backoffMs?: number;
  /** Per-queue attempt timeouts (default JOB_TIMEOUT_MS). */
  timeoutMs?: Partial<Record<QueueName, number>>;
  workerId?: string;
}

interface Running {
  name: JobName;
  queue: QueueName;
  controller: AbortController;
  done: Promise<void>;
}

/** Starts a pool working `queues` from the database; `stop` finishes or hands back its jobs. */
export function startEmbeddedWorkers(database: Database, opts: EmbeddedWorkerOptions): JobWorkers {
  const { db, tables } = database;
  const t = tables.jobs;
  const queues = [...new Set(opts.queues)];
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const leaseMs = opts.leaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 1000;
  const backoffMs = opts.backoffMs ?? 2000;
  const workerId = opts.workerId ?? `${hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  // Only jobs this pool can run are claimed; others stay for a pool that has their handler.
  const names = (Object.keys(JOBS) as JobName[]).filter((n) => opts.handlers[n] && queues.includes(queueOf(n)));
  const emit = (e: WorkerEvent) => opts.onEvent?.(e);
  const running = new Map<string, Running>();
  let stopping = false;
  let wake: () => void = () => {};
  const wakers = sleepers.get(database) ?? new Set();
  sleepers.set(database, wakers);
  const onWake = () => wake();
  wakers.add(onWake);

  const ready = (now: Date) =>
    or(and(eq(t.status, "queued"), lte(t.runAt, now)), and(eq(t.status, "active"), lt(t.lockedUntil, now)));

  async function claim() {
    if (!names.length) return null;
    const now = new Date();
    const candidates = await db
      .select({ id: t.id, status: t.status })
      .from(t)
      .where(and(inArray(t.queue, queues), inArray(t.name, names), ready(now)))
      .orderBy(asc(t.runAt))
      .limit(concurrency + 4);
    for (const c of candidates) {
      // The same condition again, on the row's latest version: only one pool's UPDATE matches.
      const [row] = await db
        .update(t)
        .set({ status: "active", lockedBy: workerId, lockedUntil: new Date(now.getTime() + leaseMs), attempts: sql`${t.attempts} + 1` })
        .where(and(eq(t.id, c.id), ready(now)))
        .returning();
      if (row) return { row, reclaimed: c.status === "active" };
    }
    return null;
  }

  /** Updates the job only while this pool still holds it (a lost lease makes this a no-op). */
  const whileMine = (id: string, values: Partial<typeof t.$inferInsert>) =>
    db.update(t).set(values).where(and(eq(t.id, id), eq(t.lockedBy, workerId), eq(t.status, "active"))).returning({ id: t.id });

  async function work(row: typeof t.$inferSelect, reclaimed: boolean, controller: AbortController): Promise<void> {
    const name = row.name as JobName;
    const queue = row.queue;
    const attempt = row.attempts;
    if (reclaimed && attempt > row.maxAttempts) {
      const error = `worker lost during the last attempt (lease expired)${row.error ? `; before: ${row.error}` : ""}`;
      await whileMine(row.id, { status: "failed", error, dedupeKey: null, lockedBy: null, lockedUntil: null });
      emit({ type: "failed", jobId: row.id, name, attempt: attempt - 1, error });
      return;
    }
    const renew = setInterval(() => {
      whileMine(row.id, { lockedUntil: new Date(Date.now() + leaseMs) })
        .then((r) => {
          if (!r.length) controller.abort(new JobAbortedError(`job ${name}: lease lost to another worker`, "lease-lost"));
        })
        .catch(() => {}); // a failed renewal is retried on the next tick; the lease covers three
    }, Math.max(50, Math.floor(leaseMs / 3)));
    activeWorkers.inc({ queue_name: queue });
    emit({ type: "started", jobId: row.id, name, attempt, reclaimed });
    try {
      const result = await runAttempt({
        name,
        payload: row.payload,
        handlers: opts.handlers,
        timeoutMs: opts.timeoutMs?.[queue] ?? JOB_TIMEOUT_MS[queue],
        controller,
        ctx: { jobId: row.id, attempt, progress: (percent) => emit({ type: "progress", jobId: row.id, name, percent }) },
      });
      await whileMine(row.id, { status: "completed", result: (result ?? null) as never, error: null, dedupeKey: null, lockedBy: null, lockedUntil: null });
      emit({ type: "completed", jobId: row.id, name, attempt });
    } catch (err) {
      const kind = err instanceof JobAbortedError ? err.kind : undefined;
      if (kind === "lease-lost") return;
      if (kind === "stopping") {
        // Handed back: this attempt does not count, the job is ready for any pool at once.
        await whileMine(row.id, { status: "queued", attempts: Math.max(0, attempt - 1), runAt: new Date(), lockedBy: null, lockedUntil: null });
        emit({ type: "released", jobId: row.id, name, reason: errorText(err) });
        return;
      }
      const error = errorText(err);
      if (attempt < row.maxAttempts) {
        const delayMs = backoffDelay(backoffMs, attempt);
        await whileMine(row.id, { status: "queued", error, runAt: new Date(Date.now() + delayMs), lockedBy: null, lockedUntil: null });
        emit({ type: "retrying", jobId: row.id, name, attempt, error, delayMs });
      } else {
        await whileMine(row.id, { status: "failed", error, dedupeKey: null, lockedBy: null, lockedUntil: null });
        emit({ type: "failed", jobId: row.id, name, attempt, error });
      }
    } finally {
      clearInterval(renew);
      activeWorkers.dec({ queue_name: queue });
    }
  }

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function loop(): Promise<void> {
    while (!stopping) {
      if (running.size >= concurrency) {
        await Promise.race([...[...running.values()].map((r) => r.done), sleep(pollMs)]);
        continue;
      }
      const claimed = await claim().catch((err) => {
        console.error(`[warn] jobs: claim failed: ${errorText(err)}`);
        return null;
      });
      if (stopping && claimed) {
        await whileMine(claimed.row.id, { status: "queued", attempts: claimed.row.attempts - 1, lockedBy: null, lockedUntil: null });
        break;
      }
      if (!claimed) {
        await sleep(pollMs);
        continue;
      }
      const { row, reclaimed } = claimed;
      const controller = new AbortController();
      const entry: Running = { name: row.name as JobName, queue: row.queue, controller, done: Promise.resolve() };
      entry.done = work(row, reclaimed, controller)
        .catch((err) => console.error(`[error] jobs: ${row.name} ${row.id}: ${errorText(err)}`))
        .finally(() => running.delete(row.id));
      running.set(row.id, entry);
    }
  }
  const looping = loop();

  return {
    queues,
    active: () => running.size,
    async stop({ graceful = true, timeoutMs = 30_000 } = {}) {
      stopping = true;
      wake();
      await looping;
      const all = () => Promise.all([...running.values()].map((r) => r.done));
      if (graceful && running.size) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
        clearTimeout(timer);
      }
      for (const r of running.values()) r.controller.abort(new JobAbortedError(`worker stopping: job ${r.name} handed back`, "stopping"));
      await all();
      wakers.delete(onWake);
    },
  };
}
