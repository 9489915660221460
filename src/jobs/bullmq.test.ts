/**
 * The BullMQ job layer on the real Redis at 127.0.0.1:6379 (REDIS_URL), each run under its own
 * key prefix. A worker that dies is a BullMQ worker force-closed mid-job (its lock is no longer
 * renewed, the job stays active); the kill -9 of a real process is in tests/scale-out.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BullJobQueue, MAINTENANCE_SCHEDULE, startBullWorkers, type BullWorkerOptions } from "./bullmq.ts";
import type { JobHandlers, JobWorkers, WorkerEvent } from "./types.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `reelsmith-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await Bun.sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("BullMQ jobs on Redis", () => {
  let queue: BullJobQueue;
  const pools: JobWorkers[] = [];
  const start = (handlers: JobHandlers, more: Partial<BullWorkerOptions> = {}) => {
    const pool = startBullWorkers({ redisUrl: REDIS_URL, prefix, queues: ["maintenance"], handlers, schedule: false, log: () => {}, ...more });
    pools.push(pool);
    return pool;
  };
  const status = async (id: string) => (await queue.get(id))?.status;

  beforeAll(() => {
    queue = new BullJobQueue({ redisUrl: REDIS_URL, prefix, backoffMs: 40 });
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.stop({ graceful: false })));
    await queue.obliterate();
    await queue.close();
  });

  test("a payload that does not fit its job's schema is refused with the job and field named", async () => {
    await expect(queue.enqueue("index.file", { path: "" })).rejects.toThrow(/job index.file: path/);
  });

  test("enqueue, run, completed; the id names its queue; unknown ids are null", async () => {
    const seen: unknown[] = [];
    const pool = start({ "maintenance.reindex-stale": async (p) => (seen.push(p), { ok: true }) });
    const { jobId } = await queue.enqueue("maintenance.reindex-stale", { olderThanDays: 3 });
    expect(jobId.startsWith("maintenance-")).toBe(true);
    await until("completion", async () => (await status(jobId)) === "completed");
    await pool.stop();
    expect(seen).toEqual([{ olderThanDays: 3 }]);
    expect(await queue.get(jobId)).toMatchObject({ name: "maintenance.reindex-stale", queue: "maintenance", attempts: 1, error: null, result: { ok: true } });
    expect(await queue.get("maintenance-nope")).toBeNull();
    expect(await queue.get("nope")).toBeNull();
  });

  test("a failing job is retried with exponential back-off, then fails with its last error kept", async () => {
    const events: WorkerEvent[] = [];
    const starts: number[] = [];
    let n = 0;
    const pool = start({ "maintenance.cache-cleanup": async () => (starts.push(Date.now()), Promise.reject(new Error(`boom ${++n}`))) }, { onEvent: (e) => events.push(e) });
    const { jobId } = await queue.enqueue("maintenance.cache-cleanup", {}, { attempts: 3 });
    await until("failure", async () => (await status(jobId)) === "failed");
    await pool.stop();
    expect(await queue.get(jobId)).toMatchObject({ status: "failed", attempts: 3, error: "boom 3" });
    expect(events.filter((e) => e.type === "retrying").map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2]);
    // BullMQ's exponential back-off: delay · 2^(attempt − 1) = 40, 80 ms at least.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(40);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(80);
  });

  test("dedupe: the same key while queued gives the same job; once finished the key can be queued again", async () => {
    const a = await queue.enqueue("maintenance.metrics-refresh", {}, { dedupeKey: "refresh" });
    const b = await queue.enqueue("maintenance.metrics-refresh", {}, { dedupeKey: "refresh" });
    expect(b.jobId).toBe(a.jobId);
    expect((await queue.counts()).maintenance.waiting).toBe(1);
    const pool = start({ "maintenance.metrics-refresh": async () => "done" });
    await until("completion", async () => (await status(a.jobId)) === "completed");
    await pool.stop();
    const c = await queue.enqueue("maintenance.metrics-refresh", {}, { dedupeKey: "refresh" });
    expect(c.jobId).not.toBe(a.jobId);
    expect(await status(c.jobId)).toBe("queued");
    await queue.queue("maintenance").remove(c.jobId);
  });

  test("a job whose worker process is killed (kill -9) is recovered by the stalled check and run by another worker", async () => {
    // On a queue no earlier test worked: a worker's stalled check holds off every other
    // worker's for its stalledInterval (a key in Redis), and earlier pools used the default 30 s.
    const { jobId } = await queue.enqueue("llm.analyse-clip", { clipId: "c9" });
    // The dying worker: a separate process that takes the job and never finishes it.
    const code = `
      const { Worker } = await import(${JSON.stringify(import.meta.resolve("bullmq"))});
      const IORedis = (await import(${JSON.stringify(import.meta.resolve("ioredis"))})).default;
      const connection = new IORedis(${JSON.stringify(REDIS_URL)}, { maxRetriesPerRequest: null });
      new Worker("llm", async () => { console.log("took"); await new Promise(() => {}); }, { connection, prefix: ${JSON.stringify(prefix)}, lockDuration: 800, stalledInterval: 400 });
    `;
    const child = Bun.spawn([process.execPath, "-e", code], { stdout: "pipe", stderr: "inherit" });
    const reader = child.stdout.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("took");
    child.kill("SIGKILL");
    await child.exited;
    expect(await status(jobId)).toBe("active");
    const ran: string[] = [];
    const events: WorkerEvent[] = [];
    const pool = start({ "llm.analyse-clip": async (p) => (ran.push(p.clipId), "recovered") }, { queues: ["llm"], lockDurationMs: 800, stalledIntervalMs: 400, onEvent: (e) => events.push(e) });
    await until("recovery", async () => (await status(jobId)) === "completed");
    await pool.stop();
    expect(ran).toEqual(["c9"]);
    expect(events.find((e) => e.type === "started")).toMatchObject({ jobId, reclaimed: true });
  }, 20_000);

  test("graceful stop waits for a short job, hands back a long one (attempt not counted), which another worker then runs", async () => {
    const short = start({ "maintenance.metrics-refresh": async () => (await Bun.sleep(150), "short") });
    const s = await queue.enqueue("maintenance.metrics-refresh", {});
    await until("short to start", async () => (await status(s.jobId)) === "active");
    await short.stop({ graceful: true, timeoutMs: 5000 });
    expect(await status(s.jobId)).toBe("completed");

    let aborted = false;
    const long = start({
      "maintenance.cache-cleanup": (_p, ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => ((aborted = true), reject(new Error("stopped"))))),
    });
    const l = await queue.enqueue("maintenance.cache-cleanup", {});
    await until("long to start", () => long.active() === 1);
    await long.stop({ graceful: true, timeoutMs: 100 });
    expect(aborted).toBe(true);
    expect(await queue.get(l.jobId)).toMatchObject({ status: "queued", attempts: 0, error: null });
    const next = start({ "maintenance.cache-cleanup": async () => "second" });
    await until("completion by the next worker", async () => (await status(l.jobId)) === "completed");
    await next.stop();
  });

  test("a maintenance pool upserts the repeatable maintenance jobs once, however many pools start", async () => {
    const a = start({}, { schedule: true });
    const b = start({}, { schedule: true });
    await Promise.all([a.stop(), b.stop()]);
    const schedulers = await queue.queue("maintenance").getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(MAINTENANCE_SCHEDULE.map((s) => s.name).sort());
    expect(schedulers.find((s) => s.key === "maintenance.metrics-refresh")?.every).toBe(60_000);
    for (const s of schedulers) await queue.queue("maintenance").removeJobScheduler(s.key);
  });

  test("counts cover every queue; worker counts see a running pool", async () => {
    const pool = start({ "index.file": async () => "x" }, { queues: ["index"] });
    await until("the worker to connect", async () => (await queue.workerCounts()).index >= 1);
    const counts = await queue.counts();
    expect(Object.keys(counts).sort()).toEqual(["index", "llm", "maintenance", "render"]);
    await pool.stop();
  });
});
