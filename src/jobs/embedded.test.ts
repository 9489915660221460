/**
 * The embedded job layer on both engines: the real `jobs` table, real pools in this process.
 * A dead worker is the state it leaves behind (an active row whose lease has run out); the
 * kill -9 of a real process is in tests/scale-out.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { ENGINES, type TestDatabase } from "../../tests/support/databases.ts";
import { EmbeddedJobQueue, startEmbeddedWorkers } from "./embedded.ts";
import type { JobHandlers, JobWorkers, WorkerEvent } from "./types.ts";

const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
};

for (const engine of ENGINES) {
  describe(`embedded jobs on ${engine.name}`, () => {
    let tdb: TestDatabase;
    let queue: EmbeddedJobQueue;
    const pools: JobWorkers[] = [];
    const start = (handlers: JobHandlers, more: Partial<Parameters<typeof startEmbeddedWorkers>[1]> = {}) => {
      const pool = startEmbeddedWorkers(tdb.database, { queues: ["maintenance", "index"], handlers, pollMs: 20, backoffMs: 30, ...more });
      pools.push(pool);
      return pool;
    };

    beforeAll(async () => {
      tdb = await engine.open();
      queue = new EmbeddedJobQueue(tdb.database);
    });
    afterAll(async () => {
      await Promise.all(pools.map((p) => p.stop({ graceful: false })));
      await tdb.dispose();
    });

    test("a payload that does not fit its job's schema is refused with the job and field named", async () => {
      await expect(queue.enqueue("index.file", { path: "" })).rejects.toThrow(/job index.file: path/);
      await expect(queue.enqueue("maintenance.reindex-stale", { olderThanDays: -1 } as never)).rejects.toThrow(/olderThanDays/);
    });

    test("enqueue, run, completed with the handler's result stored", async () => {
      const seen: unknown[] = [];
      const pool = start({ "maintenance.reindex-stale": async (p) => (seen.push(p), { ok: true }) });
      const { jobId } = await queue.enqueue("maintenance.reindex-stale", { olderThanDays: 2 });
      await until("completion", async () => (await queue.get(jobId))?.status === "completed");
      await pool.stop();
      expect(seen).toEqual([{ olderThanDays: 2 }]);
      const t = tdb.database.tables.jobs;
      const [row] = await tdb.database.db.select().from(t).where(eq(t.id, jobId));
      expect(row!.result).toEqual({ ok: true });
      expect(row!.attempts).toBe(1);
      expect(row!.lockedBy).toBeNull();
    });

    test("a failing job is retried with exponential back-off, then fails with its last error kept", async () => {
      const events: WorkerEvent[] = [];
      const starts: number[] = [];
      let n = 0;
      const pool = start({ "maintenance.cache-cleanup": async () => (starts.push(Date.now()), Promise.reject(new Error(`boom ${++n}`))) }, { onEvent: (e) => events.push(e) });
      const { jobId } = await queue.enqueue("maintenance.cache-cleanup", {}, { attempts: 3 });
      await until("failure", async () => (await queue.get(jobId))?.status === "failed");
      await pool.stop();
      const info = await queue.get(jobId);
      expect(info).toMatchObject({ status: "failed", attempts: 3, error: "boom 3", queue: "maintenance" });
      const retries = events.filter((e) => e.type === "retrying");
      expect(retries.map((e) => (e as { delayMs: number }).delayMs)).toEqual([30, 60]);
      // Each attempt waited at least its back-off after the one before.
      expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(30);
      expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(60);
    });

    test("dedupe: the same key while queued gives the same job; once finished the key can be queued again", async () => {
      const a = await queue.enqueue("maintenance.metrics-refresh", {}, { dedupeKey: "refresh" });
      const b = await queue.enqueue("maintenance.metrics-refresh", {}, { dedupeKey: "refresh" });
      expect(b.jobId).toBe(a.jobId);
      const pool = start({ "maintenance.metrics-refresh": async () => "done" });
      await until("completion", async () => (await queue.get(a.jobId))?.status === "completed");
      await pool.stop();
      const c = await queue.enqueue("maintenance.metrics-refresh", {}, { dedupeKey: "refresh" });
      expect(c.jobId).not.toBe(a.jobId);
      expect((await queue.get(c.jobId))?.status).toBe("queued");
      expect((await queue.get(a.jobId))?.status).toBe("completed");
    });

    test("delayed jobs count as delayed until their time; unknown ids are null", async () => {
      const { jobId } = await queue.enqueue("index.file", { path: "/nowhere/x.mp4" }, { delayMs: 60_000 });
      expect((await queue.get(jobId))?.status).toBe("delayed");
      const counts = await queue.counts();
      expect(counts.index.delayed).toBeGreaterThanOrEqual(1);
      expect(Object.keys(counts).sort()).toEqual(["index", "llm", "maintenance", "render"]);
      expect(await queue.get("not-a-job")).toBeNull();
      expect(await queue.get(crypto.randomUUID())).toBeNull();
    });

    test("a job whose worker died is re-claimed once its lease expires, not before", async () => {
      const t = tdb.database.tables.jobs;
      const payload = { olderThanDays: 7 };
      // What a worker killed mid-job leaves: active, its lease in the future, then in the past.
      const [row] = await tdb.database.db
        .insert(t)
        .values({ queue: "maintenance", name: "maintenance.reindex-stale", payload, status: "active", attempts: 1, lockedBy: "dead-host:1", lockedUntil: new Date(Date.now() + 400) })
        .returning();
      const ran: string[] = [];
      const pool = start({ "maintenance.reindex-stale": async (p, ctx) => (ran.push(`${p.olderThanDays}@${ctx.attempt}`), "recovered") });
      await Bun.sleep(150);
      expect(ran).toEqual([]); // lease still held
      await until("re-claim", async () => (await queue.get(row!.id))?.status === "completed");
      await pool.stop();
      expect(ran).toEqual(["7@2"]);
    });

    test("a running job's lease is renewed, so a second pool does not take it", async () => {
      const ran: string[] = [];
      const slow = (who: string): JobHandlers => ({ "maintenance.cache-cleanup": async () => (ran.push(who), Bun.sleep(600)) });
      const a = start(slow("a"), { leaseMs: 150, queues: ["maintenance"] });
      const { jobId } = await queue.enqueue("maintenance.cache-cleanup", {});
      await until("a to start", () => ran.length === 1);
      const b = start(slow("b"), { leaseMs: 150, queues: ["maintenance"] });
      await until("completion", async () => (await queue.get(jobId))?.status === "completed");
      await Promise.all([a.stop(), b.stop()]);
      expect(ran).toEqual(["a"]);
      expect((await queue.get(jobId))?.attempts).toBe(1);
    });

    test("graceful stop waits for a short job, hands back a long one (attempt not counted), which another pool then runs", async () => {
      const short = start({ "maintenance.metrics-refresh": async () => (await Bun.sleep(150), "short done") }, { queues: ["maintenance"] });
      const s = await queue.enqueue("maintenance.metrics-refresh", {});
      await until("short to start", async () => (await queue.get(s.jobId))?.status === "active");
      await short.stop({ graceful: true, timeoutMs: 5000 });
      expect((await queue.get(s.jobId))?.status).toBe("completed");

      let aborted = false;
      const long = start(
        { "maintenance.cache-cleanup": (_p, ctx) => new Promise((_, reject) => ctx.signal.addEventListener("abort", () => ((aborted = true), reject(new Error("stopped"))))) },
        { queues: ["maintenance"] },
      );
      const l = await queue.enqueue("maintenance.cache-cleanup", {});
      await until("long to start", () => long.active() === 1);
      await long.stop({ graceful: true, timeoutMs: 100 });
      expect(aborted).toBe(true);
      expect(await queue.get(l.jobId)).toMatchObject({ status: "queued", attempts: 0 });
      const next = start({ "maintenance.cache-cleanup": async () => "second pool" }, { queues: ["maintenance"] });
      await until("completion by the next pool", async () => (await queue.get(l.jobId))?.status === "completed");
      await next.stop();
      expect((await queue.get(l.jobId))?.attempts).toBe(1);
    });

    test("a pool claims only the jobs it has handlers for", async () => {
      const { jobId } = await queue.enqueue("maintenance.metrics-refresh", {});
      const pool = start({ "maintenance.cache-cleanup": async () => "other" }, { queues: ["maintenance"] });
      await Bun.sleep(150);
      await pool.stop();
      expect((await queue.get(jobId))?.status).toBe("queued");
    });
  });
}
