/**
 * The `worker` command and `doctor`'s scale-out report, as real processes. The worker works the
 * embedded queue of an SQLite home here (no service needed): it indexes a real clip, and on
 * SIGTERM either finishes its job or, past --stop-timeout, hands it back for the next worker.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createApp, type AppContext } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { EmbeddedJobQueue } from "../src/jobs/embedded.ts";
import { CLIPS, ROOT, runCli } from "./support/cli.ts";

let home: string;
let env: Record<string, string>;
let app: AppContext;
let queue: EmbeddedJobQueue;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "reelsmith-worker-"));
  env = { REELSMITH_HOME: home, REELSMITH_MODELS_DIR: join(home, "models"), LOG_LEVEL: "warn", REELSMITH_JOB_LEASE_SECONDS: "3" };
  app = await createApp(loadConfig(env));
  queue = new EmbeddedJobQueue(app.database);
});
afterAll(async () => {
  await app.close();
  rmSync(home, { recursive: true, force: true });
});

function spawnWorker(args: string[] = []) {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env, REDIS_URL: undefined })) if (v !== undefined) merged[k] = v;
  const proc = Bun.spawn([process.execPath, join(ROOT, "src", "cli.ts"), "worker", "--queues", "index", ...args], { cwd: ROOT, env: merged, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let stderr = "";
  const reading = (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) stderr += new TextDecoder().decode(chunk);
  })();
  return { proc, stderr: () => stderr, done: async () => (await Promise.all([proc.exited, reading]))[0] };
}

const until = async (what: string, check: () => Promise<boolean> | boolean, ms = 120_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("reelsmith worker", () => {
  test("refuses unknown queues and bad concurrency with the reason (exit 2)", async () => {
    const a = await runCli(["worker", "--queues", "index,video"], env);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown queue "video"');
    const b = await runCli(["worker", "--concurrency", "zero"], env);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("--concurrency");
  });

  test("works an index job, then SIGTERM with nothing in hand stops cleanly (exit 0)", async () => {
    const path = join(CLIPS, "blender_sintel_snow_2s.mp4");
    const { jobId } = await queue.enqueue("index.file", { path, license: "CC0" });
    const w = spawnWorker();
    await until("the job", async () => (await queue.get(jobId))?.status === "completed");
    w.proc.kill("SIGTERM");
    expect(await w.done()).toBe(0);
    expect(w.stderr()).toContain(`job index.file ${jobId}: completed`);
    expect(w.stderr()).toContain("stopped");
    expect((await app.clips.findByPath(path))?.status).toBe("analyzed");
  }, 180_000);

  test("SIGTERM past --stop-timeout hands the job back unspent; the next worker finishes it from where it was", async () => {
    const path = join(CLIPS, "ntu_two_men_hug.mp4");
    const { jobId } = await queue.enqueue("index.file", { path, license: "CC0" });
    const first = spawnWorker(["--stop-timeout", "0"]);
    await until("the first worker to start the job", () => first.stderr().includes(`job index.file ${jobId}: started`));
    first.proc.kill("SIGTERM");
    expect(await first.done()).toBe(0);
    // Handed back: queued again, the interrupted attempt not counted (a clip takes seconds to index).
    expect(first.stderr()).toContain(`job index.file ${jobId}: handed back`);
    expect(await queue.get(jobId)).toMatchObject({ status: "queued", attempts: 0 });
    const second = spawnWorker();
    await until("the second worker", async () => (await queue.get(jobId))?.status === "completed");
    second.proc.kill("SIGTERM");
    expect(await second.done()).toBe(0);
    expect(await queue.get(jobId)).toMatchObject({ status: "completed", attempts: 1 });
    // One task for the file, done: the second worker resumed the first one's saved statechart.
    const t = app.database.tables.indexTasks;
    const tasks = await app.database.db.select({ status: t.status }).from(t).where(eq(t.filePath, path));
    expect(tasks).toEqual([{ status: "done" }]);
    expect((await app.clips.findByPath(path))?.status).toBe("analyzed");
  }, 180_000);
});

describe("doctor's scale-out report", () => {
  test("each engine on its own: reachable Redis, unreachable Qdrant and S3 with their reasons; exit 1", async () => {
    const r = await runCli(["doctor", "--json"], {
      ...env,
      REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      QDRANT_URL: "http://127.0.0.1:9",
      S3_BUCKET: "media",
      S3_ACCESS_KEY_ID: "key",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_ENDPOINT: "http://127.0.0.1:9",
    });
    const doc = JSON.parse(r.stdout);
    expect(doc.scale_out.redis).toMatchObject({ configured: true, reachable: true });
    expect(doc.scale_out.qdrant).toMatchObject({ configured: true, reachable: false, reason: "connection refused (is Qdrant running?)" });
    expect(doc.scale_out.s3).toMatchObject({ configured: true, reachable: false });
    expect(doc.scale_out.s3.reason).toBeTruthy();
    expect(doc.ok).toBe(false);
    expect(r.code).toBe(1);
  });

  test("nothing configured: the embedded defaults, nothing to reach", async () => {
    const r = await runCli(["doctor", "--json"], { ...env, REDIS_URL: undefined, QDRANT_URL: undefined, S3_BUCKET: undefined });
    const doc = JSON.parse(r.stdout);
    for (const k of ["redis", "qdrant", "s3"]) expect(doc.scale_out[k]).toMatchObject({ configured: false, reachable: null });
    expect(doc.scale_out.s3.using).toContain(join(home, "media"));
  });
});
