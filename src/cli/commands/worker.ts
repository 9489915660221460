/**
 * `reelsmith worker --queues index,llm,render,maintenance [--concurrency N]`: works jobs until
 * SIGTERM or SIGINT, then stops gracefully — finishes the jobs in hand within --stop-timeout
 * seconds, otherwise hands them back for another worker. A second signal stops at once (jobs
 * handed back). Progress lines go to stderr.
 */
import { z } from "zod";
import { createApp } from "../../app.ts";
import { maskUrl, type Config } from "../../config.ts";
import { createJobHandlers } from "../../jobs/handlers.ts";
import { createJobQueue, startMaintenanceSchedule, startWorkers } from "../../jobs/index.ts";
import { QUEUES, type QueueName, type WorkerEvent } from "../../jobs/types.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { validateFlags } from "../output.ts";

const flagsSchema = z.strictObject({
  queues: z.string().optional(),
  concurrency: z.coerce.number().int().min(1).max(64).default(1),
  "stop-timeout": z.coerce.number().min(0).max(3600).default(30),
});

/** Parses "index,render" into queue names; names what is wrong otherwise. */
export function parseQueues(value: string | undefined): QueueName[] {
  if (value === undefined) return [...QUEUES];
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new UsageError(`--queues: name at least one of ${QUEUES.join(", ")}`);
  const bad = names.filter((n) => !(QUEUES as readonly string[]).includes(n));
  if (bad.length) throw new UsageError(`--queues: unknown queue ${bad.map((b) => `"${b}"`).join(", ")} (queues: ${QUEUES.join(", ")})`);
  return [...new Set(names)] as QueueName[];
}

function describe(e: WorkerEvent): string {
  const id = `${e.name} ${e.jobId}`;
  switch (e.type) {
    case "started":
      return `[info] job ${id}: started (attempt ${e.attempt}${e.reclaimed ? ", taken over from a lost worker" : ""})`;
    case "progress":
      return `[info] job ${id}: ${Math.round(e.percent)}%`;
    case "completed":
      return `[info] job ${id}: completed`;
    case "retrying":
      return `[warn] job ${id}: attempt ${e.attempt} failed: ${e.error} (retry in ${Math.round(e.delayMs / 100) / 10} s)`;
    case "failed":
      return `[error] job ${id}: failed after ${e.attempt} attempts: ${e.error}`;
    case "released":
      return `[info] job ${id}: handed back (${e.reason})`;
  }
}

/** Runs a worker pool until a signal; exit code 0 after a clean stop. */
export async function workerCommand(args: ParsedArgs, config: Config): Promise<number> {
  const flags = validateFlags(flagsSchema, args.flags);
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}" (flags only)`);
  const queues = parseQueues(flags.queues);
  const app = await createApp(config);
  const queue = createJobQueue(app);
  const handlers = createJobHandlers(app, { queue });
  const write = (line: string) => process.stderr.write(`${line}\n`);
  const pool = startWorkers(app, { queues, concurrency: flags.concurrency, handlers, onEvent: (e) => e.type !== "progress" && write(describe(e)) });
  const stopSchedule = queues.includes("maintenance") ? startMaintenanceSchedule(queue) : () => {};
  const where = queue.kind === "bullmq" ? `BullMQ on ${maskUrl(config.redisUrl!)}` : `the jobs table of ${app.database.location}`;
  write(`[info] worker ${process.pid}: queues ${queues.join(",")}, concurrency ${flags.concurrency}, jobs from ${where}`);

  let signals = 0;
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (sig: string) => {
      signals++;
      if (signals === 1) {
        write(`[info] worker ${process.pid}: ${sig}: finishing ${pool.active()} job(s) (up to ${flags["stop-timeout"]} s), then handing back the rest`);
        stopSchedule();
        pool
          .stop({ graceful: true, timeoutMs: flags["stop-timeout"] * 1000 })
          .catch((err: Error) => write(`[error] worker stop: ${err.message}`))
          .finally(resolve);
      } else {
        write(`[warn] worker ${process.pid}: ${sig} again: handing back jobs now`);
        pool.stop({ graceful: false }).catch(() => {});
      }
    };
    process.on("SIGTERM", () => onSignal("SIGTERM"));
    process.on("SIGINT", () => onSignal("SIGINT"));
  });
  await stopped;
  await queue.close();
  await app.close();
  write(`[info] worker ${process.pid}: stopped`);
  return 0;
}
