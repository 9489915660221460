/**
 * `reelsmith serve`: the REST API, the htmx UI, SSE, /metrics, /healthz and /readyz from one
 * process. In the embedded default the same process works the job queues, so indexing and
 * productions run in the background and go on after a restart (jobs and statechart snapshots are
 * in the database). With REDIS_URL the jobs go to BullMQ and `--no-workers` leaves them to
 * `reelsmith worker` processes on other machines.
 */
import { z } from "zod";
import { createApp, type AppContext } from "../../app.ts";
import type { Config } from "../../config.ts";
import { createJobHandlers } from "../../jobs/handlers.ts";
import { createJobQueue, startWorkers } from "../../jobs/index.ts";
import { QUEUES, type JobQueue, type JobWorkers } from "../../jobs/types.ts";
import { RESUMABLE } from "../../production/service.ts";
import { createServer } from "../../server/app.ts";
import { assertSafeBinding, createAuth } from "../../server/auth.ts";
import { serverExtras } from "../../server/extras.ts";
import type { ServerDeps } from "../../server/types.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { validateFlags } from "../output.ts";

const flagsSchema = z.strictObject({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().trim().min(1).default("127.0.0.1"),
  concurrency: z.coerce.number().int().min(1).max(32).default(2),
  "no-workers": z.boolean().optional(),
  json: z.boolean().optional(),
});

export interface RunningServer {
  url: string;
  deps: ServerDeps;
  stop(): Promise<void>;
}

/** Re-queues productions that were running when the process stopped (idempotent by dedupe key). */
async function requeueUnfinished(app: AppContext, jobs: JobQueue): Promise<number> {
  const rows = await app.productions.listByStatus(RESUMABLE);
  for (const r of rows) await jobs.enqueue("production.run", { productionId: r.productionId }, { dedupeKey: `production:${r.productionId}` });
  return rows.length;
}

/** Starts the server (and, unless told not to, in-process workers on every queue). */
export async function startServer(config: Config, opts: { port: number; host: string; workers: boolean; concurrency: number }): Promise<RunningServer> {
  const auth = createAuth(config);
  assertSafeBinding(opts.host, auth);
  const app = await createApp(config);
  const jobs = createJobQueue(app);
  let workers: JobWorkers | undefined;
  if (opts.workers) workers = startWorkers(app, { queues: [...QUEUES], concurrency: opts.concurrency, handlers: createJobHandlers(app, { queue: jobs }) });
  const resumed = await requeueUnfinished(app, jobs);
  const deps: ServerDeps = { app, jobs, auth, config, startedAt: new Date() };
  const hono = createServer(deps, serverExtras());
  const server = Bun.serve({
    port: opts.port,
    hostname: opts.host,
    fetch: hono.fetch,
    // Server-sent events stay open; uploads may be large.
    idleTimeout: 120,
    maxRequestBodySize: config.uploadMaxBytes + 16 * 1024 * 1024,
  });
  const url = `http://${opts.host.includes(":") ? `[${opts.host}]` : opts.host}:${server.port}`;
  app.log.info("listening", { url, jobs: jobs.kind, workers: opts.workers ? opts.concurrency : 0, auth: auth.required ? "tokens" : "open (loopback)", resumed_productions: resumed });
  return {
    url,
    deps,
    async stop() {
      await server.stop(true);
      await workers?.stop({ graceful: true, timeoutMs: 20_000 });
      await jobs.close();
      await app.close();
    },
  };
}

export async function serveCommand(args: ParsedArgs, config: Config): Promise<number> {
  if (args.positionals.length) throw new UsageError("serve takes no positional arguments");
  const f = validateFlags(flagsSchema, args.flags);
  const running = await startServer(config, { port: f.port, host: f.host, workers: !f["no-workers"], concurrency: f.concurrency });
  // One line, so a supervisor (or a test) can read the address as soon as it is there.
  if (f.json) process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
  else process.stderr.write(`reelsmith serving on ${running.url} (API docs: ${running.url}/api/docs)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      process.stderr.write("reelsmith: shutting down (finishing current jobs)…\n");
      void running.stop().then(resolve, resolve);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  return 0;
}
