/**
 * Scale-out through the real processes, on the PostgreSQL and Redis every machine runs: one
 * `reelsmith serve --no-workers` and two `reelsmith worker` processes with DATABASE_URL (a fresh
 * database) and REDIS_URL (a fresh key prefix). Clips are indexed through the API; one worker is
 * killed with SIGKILL in the middle of an indexing job, the other takes the job over and every
 * clip is stored once. Then search and a production through the API; the worker rendering it
 * is killed mid-render, another takes it over and the production completes.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { rawRows } from "../src/db/raw.ts";
import { BullJobQueue } from "../src/jobs/bullmq.ts";
import { CLIPS, ROOT, startServe, type ServeProcess } from "./support/cli.ts";
import { postgresTestDatabase, type TestDatabase } from "./support/databases.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const FILES = ["grid_speaker_bbaf2n.mpg", "grid_speaker_brbk7n.mpg", "grid_speaker_lbax4n.mpg", "grid_speaker_lwbsza.mpg", "grid_speaker_swiz3n.mpg", "autoeditor_talking_over_slate.mp4"];

/** A `reelsmith worker` process whose stderr lines are collected as they come. */
interface WorkerProcess {
  name: string;
  proc: ReturnType<typeof Bun.spawn>;
  lines: string[];
  /** Ids of the jobs of `name` this worker started and has not finished. */
  inHand(job: string): string[];
}

let tdb: TestDatabase;
let home: string;
let env: Record<string, string>;
let serve: ServeProcess | undefined;
let queue: BullJobQueue;
const workers: WorkerProcess[] = [];

function startWorker(name: string): WorkerProcess {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  const proc = Bun.spawn([process.execPath, join(ROOT, "src", "cli.ts"), "worker", "--queues", "index,render,maintenance", "--concurrency", "1"], { cwd: ROOT, env: merged, stdout: "ignore", stderr: "pipe", stdin: "ignore" });
  const lines: string[] = [];
  void (async () => {
    let buf = "";
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
      buf += new TextDecoder().decode(chunk);
      const parts = buf.split("\n");
      buf = parts.pop()!;
      lines.push(...parts);
    }
  })();
  const w: WorkerProcess = {
    name,
    proc,
    lines,
    inHand: (job) => {
      const started = lines.flatMap((l) => l.match(new RegExp(`job ${job.replace(".", "\\.")} (\\S+): started`))?.[1] ?? []);
      return started.filter((id) => !lines.some((l) => l.includes(`job ${job} ${id}: completed`) || l.includes(`job ${job} ${id}: failed`)));
    },
  };
  workers.push(w);
  return w;
}

const until = async <T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 120_000): Promise<T> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await check();
    if (v) return v;
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}\n${workers.map((w) => `--- ${w.name}\n${w.lines.slice(-15).join("\n")}`).join("\n")}`);
};

const api = async (path: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${serve!.url}${path}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const doc = await res.json();
  if (res.status >= 400) throw new Error(`${path}: ${res.status} ${JSON.stringify(doc)}`);
  return doc;
};

beforeAll(async () => {
  tdb = await postgresTestDatabase();
  home = mkdtempSync(join(tmpdir(), "reelsmith-scale-"));
  const prefix = `reelsmith-test-scale-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  env = {
    REELSMITH_HOME: home,
    REELSMITH_MODELS_DIR: join(home, "models"),
    DATABASE_URL: tdb.url,
    REDIS_URL,
    REELSMITH_QUEUE_PREFIX: prefix,
    // A dead worker's job is taken over within ~5 s (lock) + 2.5 s (stalled check), not minutes.
    REELSMITH_JOB_LEASE_SECONDS: "5",
    REELSMITH_LIBRARY_ROOTS: CLIPS,
    LOG_LEVEL: "warn",
  };
  queue = new BullJobQueue({ redisUrl: REDIS_URL, prefix });
  serve = await startServe(env, ["--no-workers"]);
});

afterAll(async () => {
  for (const w of workers) w.proc.kill("SIGKILL");
  await serve?.stop("SIGKILL");
  await queue.obliterate().catch(() => {});
  await queue.close();
  await tdb.dispose();
  rmSync(home, { recursive: true, force: true });
});

test("index through the API with two workers; kill -9 one mid-job: the other finishes it, every clip stored once", async () => {
  const a = startWorker("a");
  const b = startWorker("b");
  const tasks: Record<string, string> = {};
  for (const f of FILES) {
    const r = await api("/api/clips/index", { video_url: join(CLIPS, f), license: "CC-BY", consent: true });
    tasks[f] = r.task_id;
  }
  // Kill worker a while one of its index jobs is past probing and hashing (in the analysis passes).
  const victim = await until("worker a mid-index", async () => {
    for (const id of a.inHand("index.file")) {
      const job = await queue.queue("index").getJob(id);
      const rows = await rawRows<{ stage: string | null }>(tdb.database, sql`SELECT stage FROM index_tasks WHERE file_path = ${job?.data.path} AND status = 'running'`);
      if (rows.some((r) => ["visual", "audio", "analysing"].includes(r.stage ?? ""))) return { id, path: job!.data.path as string };
    }
    return undefined;
  });
  a.proc.kill("SIGKILL");
  await a.proc.exited;

  for (const [f, id] of Object.entries(tasks)) {
    const t = await until(`index job of ${f}`, async () => {
      const s = await api(`/api/tasks/${id}`);
      return ["completed", "failed"].includes(s.status) ? s : undefined;
    });
    expect({ f, status: t.status, error: t.error }).toEqual({ f, status: "completed", error: null });
  }
  // The killed job was finished by worker b, which took it over.
  expect(b.lines.some((l) => l.includes(`job index.file ${victim.id}: started`) && l.includes("taken over from a lost worker"))).toBe(true);
  await until(`worker b to log job ${victim.id} completed`, () => b.lines.some((l) => l.includes(`job index.file ${victim.id}: completed`)), 30_000);
  expect(a.lines.some((l) => l.includes(`job index.file ${victim.id}: completed`))).toBe(false);

  const clips = await rawRows<{ file_path: string; status: string }>(tdb.database, sql`SELECT file_path, status FROM video_clips ORDER BY file_path`);
  expect(clips.map((c) => c.file_path)).toEqual(FILES.map((f) => join(CLIPS, f)).sort());
  expect(clips.every((c) => c.status === "analyzed")).toBe(true);
  // One task per file: the one interrupted by the kill was resumed from its snapshot, not redone beside it.
  const perFile = await rawRows<{ file_path: string; n: number }>(tdb.database, sql`SELECT file_path, count(*)::int AS n FROM index_tasks GROUP BY file_path`);
  expect(perFile.filter((r) => r.n !== 1)).toEqual([]);
  expect(perFile.length).toBe(FILES.length);

  const found = await api(`/api/clips/search?query=${encodeURIComponent("person talking")}`);
  expect(found.count).toBeGreaterThan(0);
}, 300_000);

test("a production through the API; kill -9 of the worker rendering it: another worker completes it", async () => {
  // Two live workers again: b from before and a fresh c.
  const c = startWorker("c");
  const live = workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);
  expect(live.map((w) => w.name).sort()).toEqual(["b", "c"]);
  const { production_id: id } = await api("/api/productions", { theme: "person talking", target_duration: 10, resolution: "1080p" });

  // The worker whose production.run job is in hand when the production reaches its render.
  const renderer = await until("the render to start", async () => {
    const p = await api(`/api/productions/${id}`);
    if (["completed", "failed"].includes(p.status)) throw new Error(`production ended before its render could be interrupted: ${p.status} ${p.error ?? ""}`);
    if (p.status !== "rendering" && p.stage !== "rendering") return undefined;
    return live.find((w) => w.inHand("production.run").length > 0);
  });
  renderer.proc.kill("SIGKILL");
  await renderer.proc.exited;
  expect((await api(`/api/productions/${id}`)).status).not.toBe("completed");
  const other = live.find((w) => w !== renderer)!;
  expect(other).toBeDefined();
  void c;

  const done = await until(
    "the production to finish",
    async () => {
      const p = await api(`/api/productions/${id}`);
      return ["completed", "failed", "cancelled"].includes(p.status) ? p : undefined;
    },
    240_000,
  );
  expect({ status: done.status, stage: done.stage, error: done.error }).toEqual({ status: "completed", stage: "completed", error: null });
  expect(Math.abs(done.final_duration - 10) / 10).toBeLessThanOrEqual(0.02);
  expect(existsSync(done.video_path)).toBe(true);
  expect(other.lines.some((l) => /job production\.run \S+: started .*taken over from a lost worker/.test(l))).toBe(true);
  // The job's own "completed" line comes after the production row says so: wait for it.
  await until("the taking-over worker to log the job completed", () => other.lines.some((l) => /job production\.run \S+: completed/.test(l)), 30_000);
  // One production row, and each picked clip once in its clip list.
  const rows = await rawRows<{ n: number }>(tdb.database, sql`SELECT count(*)::int AS n FROM video_productions WHERE production_id = ${id}`);
  expect(rows[0]!.n).toBe(1);
  const picked = await rawRows<{ clip_id: string; n: number }>(
    tdb.database,
    sql`SELECT pc.clip_id, count(*)::int AS n FROM production_clips pc JOIN video_productions p ON p.id = pc.production_id WHERE p.production_id = ${id} GROUP BY pc.clip_id`,
  );
  expect(picked.length).toBe(done.clips.length);
  expect(picked.filter((r) => r.n !== 1)).toEqual([]);
}, 400_000);
