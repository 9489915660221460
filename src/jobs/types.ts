/**
 * The job layer's contract. Two implementations sit behind it: the embedded default (a durable
 * `jobs` table worked by in-process workers; zero services) and BullMQ on Redis (`REDIS_URL`),
 * worked by `reelsmith worker --queues …` on any number of machines. Routes, the CLI and the
 * pipelines only ever see `JobQueue`.
 */
import { z } from "zod";

/** The seed's worker pools. */
export const QUEUES = ["index", "llm", "render", "maintenance"] as const;
export type QueueName = (typeof QUEUES)[number];

/** Every job name, its payload schema and the queue it runs on (one typed map). */
export const JOBS = {
  /** Index one file (or resume its task); `taskId` is the index_tasks row created when it was queued. */
  "index.file": {
    queue: "index",
    payload: z.strictObject({
      path: z.string().min(1),
      taskId: z.string().min(1).optional(),
      source: z.enum(["user_upload", "purchased", "licensed"]).optional(),
      license: z.string().optional(),
      reindex: z.boolean().optional(),
      consent: z.boolean().optional(),
    }),
  },
  /** Run (or resume) a production until it completes, fails or waits for review. */
  "production.run": {
    queue: "render",
    payload: z.strictObject({ productionId: z.string().min(1), approve: z.boolean().optional() }),
  },
  /** Render one segment of a production's timeline (split renders across workers). */
  "render.segment": {
    queue: "render",
    payload: z.strictObject({ productionId: z.string().min(1), index: z.number().int().min(0), count: z.number().int().min(1) }),
  },
  /** One LLM request of a clip analysis (rate-limited across all workers). */
  "llm.analyse-clip": {
    queue: "llm",
    payload: z.strictObject({ clipId: z.string().min(1) }),
  },
  "maintenance.cache-cleanup": { queue: "maintenance", payload: z.strictObject({}) },
  "maintenance.metrics-refresh": { queue: "maintenance", payload: z.strictObject({}) },
  "maintenance.reindex-stale": { queue: "maintenance", payload: z.strictObject({ olderThanDays: z.number().positive().optional() }) },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["payload"]>;

export interface EnqueueOptions {
  /** A job with the same key that is queued or active is not added twice (idempotent enqueue). */
  dedupeKey?: string;
  delayMs?: number;
  /** Defaults: 3 for index (as in the seed), 3 elsewhere. */
  attempts?: number;
}

export interface JobCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
}

export interface JobInfo {
  id: string;
  name: JobName;
  queue: QueueName;
  status: "queued" | "active" | "completed" | "failed" | "delayed";
  attempts: number;
  error: string | null;
  /** What the handler returned (an index job: its outcome and clip id). */
  result?: unknown;
}

/** Where jobs are put. Both implementations validate the payload with the job's schema. */
export interface JobQueue {
  readonly kind: "embedded" | "bullmq";
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: EnqueueOptions): Promise<{ jobId: string }>;
  get(jobId: string): Promise<JobInfo | null>;
  counts(): Promise<Record<QueueName, JobCounts>>;
  close(): Promise<void>;
}

/** Context a handler gets: an abort signal (graceful shutdown, cancel) and a progress callback. */
export interface JobContext {
  jobId: string;
  attempt: number;
  signal: AbortSignal;
  progress(percent: number): Promise<void> | void;
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<unknown>;
export type JobHandlers = { [N in JobName]?: JobHandler<N> };

/** A pool of workers on some queues; `stop` finishes (or hands back) the current jobs. */
export interface JobWorkers {
  readonly queues: QueueName[];
  /** Jobs being worked on now, across the pool. */
  active(): number;
  stop(opts?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

/** The queue a job name runs on. */
export function queueOf(name: JobName): QueueName {
  return JOBS[name].queue;
}

/** Parses a payload against its job's schema; throws a readable error naming the job and field. */
export function parsePayload<N extends JobName>(name: N, payload: unknown): JobPayload<N> {
  const r = JOBS[name].payload.safeParse(payload);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`job ${name}: ${issue.path.join(".") || "payload"}: ${issue.message}`);
  }
  return r.data as JobPayload<N>;
}

/** Attempts when `EnqueueOptions.attempts` is not given (the seed retries indexing 3 times). */
export const DEFAULT_ATTEMPTS = 3;

/**
 * How long one attempt may run before it is aborted and counted as failed. Render gets the
 * seed's 30 minutes; an index job is one file (minutes at most); LLM calls are short.
 */
export const JOB_TIMEOUT_MS: Record<QueueName, number> = {
  index: 20 * 60_000,
  llm: 5 * 60_000,
  render: 30 * 60_000,
  maintenance: 10 * 60_000,
};

/** What a worker pool reports as it works (progress lines, tests). */
export type WorkerEvent =
  | { type: "started"; jobId: string; name: JobName; attempt: number; reclaimed: boolean }
  | { type: "progress"; jobId: string; name: JobName; percent: number }
  | { type: "completed"; jobId: string; name: JobName; attempt: number }
  | { type: "retrying"; jobId: string; name: JobName; attempt: number; error: string; delayMs: number }
  | { type: "failed"; jobId: string; name: JobName; attempt: number; error: string }
  | { type: "released"; jobId: string; name: JobName; reason: string };

/** Options every worker pool takes (embedded or BullMQ). */
export interface WorkerOptions {
  queues: QueueName[];
  /** Jobs worked on at once by this pool (default 1). */
  concurrency?: number;
  handlers: JobHandlers;
  onEvent?: (e: WorkerEvent) => void;
}

/** Base of the exponential back-off between attempts: base · 2^(attempt − 1). */
export function backoffDelay(baseMs: number, attempt: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}
