/**
 * Indexing throughput with 1 and 2 `reelsmith worker` processes on the scale-out engines
 * (PostgreSQL at TEST_POSTGRES_URL, a fresh database per run; BullMQ on REDIS_URL, a fresh key
 * prefix per run). Every corpus clip (or --limit N of them) is queued as an `index.file` job;
 * the clock runs from starting the workers to the last job's end, so each worker's start-up and
 * model loading count, as they do on a real cluster. Reports files/s, × realtime (video seconds
 * indexed per wall second), the scaling from 1 to 2 workers, the workers' CPU time, the load
 * average before each run (the machine may be shared) and how often a worker's event loop was
 * blocked long enough to be warned about: the lock is 8 s here, so a warning means a block of
 * more than 2 s (a quarter of it), and a block past 8 s would show up as a stalled job.
 * Run: `npx bun scripts/bench-workers.ts [--limit N] [--concurrency C] [--workers 1,2] [--json]`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { formatTable } from "../src/cli/output.ts";
import { BullJobQueue } from "../src/jobs/bullmq.ts";

const ROOT = join(import.meta.dir, "..");
const CLIPS = join(ROOT, "..", "shared", "corpus", "clips");
const PG = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const limit = Number(flag("limit") ?? Infinity);
const concurrency = Number(flag("concurrency") ?? 1);
const workerCounts = (flag("workers") ?? "1,2").split(",").map(Number);
const json = process.argv.includes("--json");
if (!Number.isInteger(concurrency) || concurrency < 1 || workerCounts.some((n) => !Number.isInteger(n) || n < 1)) {
  process.stderr.write("usage: bench-workers.ts [--limit N] [--concurrency C ≥ 1] [--workers 1,2] [--json]\n");
  process.exit(2);
}

/** The corpus clips with their durations, from its licence sheet. */
function corpus(): { path: string; seconds: number }[] {
  const [head, ...rows] = readFileSync(join(CLIPS, "MANIFEST.tsv"), "utf8").trim().split("\n");
  const cols = head!.split("\t");
  const fi = cols.indexOf("file");
  const di = cols.indexOf("duration_s");
  return rows
    .map((r) => r.split("\t"))
    .map((c) => ({ path: join(CLIPS, c[fi]!), seconds: Number(c[di]) }))
    .filter((c) => Bun.file(c.path).size > 0 && Number.isFinite(c.seconds))
    .slice(0, limit);
}

interface Run {
  workers: number;
  concurrency: number;
  files: number;
  indexed: number;
  failed: number;
  video_seconds: number;
  wall_seconds: number;
  files_per_second: number;
  realtime_factor: number;
  worker_cpu_seconds: number;
  load_average_before: number;
  loop_block_warnings: number;
}

async function admin(statement: string): Promise<void> {
  const sql = postgres(PG, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end();
  }
}

async function runOnce(workers: number, clips: { path: string; seconds: number }[]): Promise<Run> {
  const dbName = `reelsmith_bench_${process.pid}_${workers}_${Math.random().toString(36).slice(2, 6)}`;
  await admin(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(PG);
  dbUrl.pathname = `/${dbName}`;
  const home = mkdtempSync(join(tmpdir(), "reelsmith-bench-workers-"));
  const prefix = `reelsmith-bench-${process.pid}-${workers}`;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, { REELSMITH_HOME: home, DATABASE_URL: dbUrl.toString(), REDIS_URL, REELSMITH_QUEUE_PREFIX: prefix, LOG_LEVEL: "warn", REELSMITH_JOB_LEASE_SECONDS: "8" });
  const queue = new BullJobQueue({ redisUrl: REDIS_URL, prefix });
  const load = loadavg()[0]!;
  // The first worker migrates the fresh database; the others start once it is ready.
  const procs: { proc: ReturnType<typeof Bun.spawn>; stderr: string }[] = [];
  const spawn = () => {
    const proc = Bun.spawn([process.execPath, join(ROOT, "src", "cli.ts"), "worker", "--queues", "index", "--concurrency", String(concurrency)], { cwd: ROOT, env, stdout: "ignore", stderr: "pipe" });
    const entry = { proc, stderr: "" };
    void (async () => {
      for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) entry.stderr += new TextDecoder().decode(chunk);
    })();
    procs.push(entry);
    return entry;
  };
  const ready = async (e: { stderr: string }) => {
    while (!e.stderr.includes("jobs from")) await Bun.sleep(50);
  };
  const started = performance.now();
  await ready(spawn());
  await Promise.all(Array.from({ length: workers - 1 }, () => ready(spawn())));
  const ids = [];
  for (const c of clips) ids.push((await queue.enqueue("index.file", { path: c.path, license: "CC0" })).jobId);
  const outcome = new Map<string, string>();
  while (outcome.size < ids.length) {
    for (const id of ids) {
      if (outcome.has(id)) continue;
      const info = await queue.get(id);
      if (info?.status === "completed" || info?.status === "failed") outcome.set(id, info.status);
    }
    await Bun.sleep(200);
  }
  const wall = (performance.now() - started) / 1000;
  for (const p of procs) p.proc.kill("SIGTERM");
  await Promise.all(procs.map((p) => p.proc.exited));
  const cpu = procs.reduce((s, p) => {
    const u = p.proc.resourceUsage();
    return s + (u ? Number(u.cpuTime.user + u.cpuTime.system) / 1e6 : 0);
  }, 0);
  const warnings = procs.reduce((s, p) => s + (p.stderr.match(/event loop blocked/g)?.length ?? 0), 0);
  await queue.obliterate();
  await queue.close();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  rmSync(home, { recursive: true, force: true });
  const video = clips.reduce((s, c) => s + c.seconds, 0);
  const failed = [...outcome.values()].filter((s) => s === "failed").length;
  return {
    workers,
    concurrency,
    files: clips.length,
    indexed: clips.length - failed,
    failed,
    video_seconds: Math.round(video * 10) / 10,
    wall_seconds: Math.round(wall * 10) / 10,
    files_per_second: Math.round((clips.length / wall) * 100) / 100,
    realtime_factor: Math.round((video / wall) * 10) / 10,
    worker_cpu_seconds: Math.round(cpu * 10) / 10,
    load_average_before: Math.round(load * 100) / 100,
    loop_block_warnings: warnings,
  };
}

const clips = corpus();
const runs: Run[] = [];
for (const n of workerCounts) {
  process.stderr.write(`indexing ${clips.length} clips with ${n} worker process(es) × concurrency ${concurrency}…\n`);
  runs.push(await runOnce(n, clips));
}
const base = runs.find((r) => r.workers === 1);
const scaling = runs.map((r) => ({ workers: r.workers, speedup: base ? Math.round((r.files_per_second / base.files_per_second) * 100) / 100 : null }));
if (json) process.stdout.write(`${JSON.stringify({ runs, scaling, cores: navigator.hardwareConcurrency }, null, 2)}\n`);
else {
  process.stdout.write(
    `${formatTable(
      ["workers", "×conc", "files", "failed", "video s", "wall s", "files/s", "× realtime", "speed-up", "worker CPU s", "load before", "loop warnings"],
      runs.map((r, i) => [r.workers, r.concurrency, r.files, r.failed, r.video_seconds, r.wall_seconds, r.files_per_second, r.realtime_factor, scaling[i]!.speedup ?? "", r.worker_cpu_seconds, r.load_average_before, r.loop_block_warnings]),
    )}\n(${navigator.hardwareConcurrency} cores; wall time includes each worker's start-up and model loading)\n`,
  );
}
