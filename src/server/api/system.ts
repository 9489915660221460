/** Health, readiness, metrics, the OpenAPI document and its docs page, dashboard figures. */
import { Hono } from "hono";
import { sql } from "drizzle-orm";
import { rawRows } from "../../db/raw.ts";
import { migrationStatus } from "../../db/client.ts";
import { activeWorkers, clipsInDatabase, metricsRegistry, queueSize } from "../../lib/metrics.ts";
import { requireUser } from "../auth.ts";
import { doc, openApiDocument } from "../openapi.ts";
import { dashboardStats } from "../operations.ts";
import type { ServerDeps, ServerEnv } from "../types.ts";

const VERSION = "0.1.0";

/** Refreshes the gauges that mirror stored state (clips, queues) just before a scrape. */
export async function refreshGauges(deps: ServerDeps): Promise<void> {
  clipsInDatabase.set(await deps.app.clips.count());
  for (const [queue, c] of Object.entries(await deps.jobs.counts())) {
    queueSize.set({ queue_name: queue }, c.waiting + c.delayed);
    activeWorkers.set({ queue_name: queue }, c.active);
  }
}

export function systemRoutes(): Hono<ServerEnv> {
  const r = new Hono<ServerEnv>();

  r.get("/healthz", (c) => c.json({ status: "ok", uptime_seconds: Math.round((Date.now() - c.var.deps.startedAt.getTime()) / 1000) }));

  r.get("/readyz", async (c) => {
    const deps = c.var.deps;
    const checks: Record<string, { ok: boolean; detail?: string }> = {};
    try {
      await rawRows(deps.app.database, sql`SELECT 1 AS one`);
      const m = await migrationStatus(deps.app.database);
      checks.database = { ok: m.applied >= m.expected, detail: `${deps.app.database.engine}, migrations ${m.applied}/${m.expected}` };
    } catch (e) {
      checks.database = { ok: false, detail: (e as Error).message };
    }
    try {
      await deps.jobs.counts();
      checks.jobs = { ok: true, detail: deps.jobs.kind };
    } catch (e) {
      checks.jobs = { ok: false, detail: (e as Error).message };
    }
    const ok = Object.values(checks).every((x) => x.ok);
    return c.json({ status: ok ? "ready" : "not_ready", checks }, ok ? 200 : 503);
  });

  r.get("/metrics", requireUser, async (c) => {
    await refreshGauges(c.var.deps);
    return c.body(await metricsRegistry.metrics(), 200, { "content-type": metricsRegistry.contentType });
  });

  r.get("/api/openapi.json", (c) => c.json(openApiDocument(VERSION)));

  r.get("/api/docs", (c) => {
    const spec = openApiDocument(VERSION) as { paths: Record<string, Record<string, { summary: string; tags: string[]; requestBody?: unknown; parameters: { name: string; in: string; required: boolean }[]; responses: Record<string, { description: string }> }>> };
    const rows = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => {
        const params = op.parameters.filter((p) => p.in === "query").map((p) => `${p.name}${p.required ? "" : "?"}`).join(", ");
        const responses = Object.entries(op.responses).map(([code, x]) => `${code} ${x.description}`).join(" · ");
        return `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${op.summary}${params ? `<br><small>query: ${params}</small>` : ""}</td><td><small>${responses}</small></td></tr>`;
      }),
    );
    return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Reelsmith API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1d2330}table{border-collapse:collapse;width:100%}td{border-top:1px solid #dde;padding:.4rem;vertical-align:top}code{font-size:.9em}</style></head>
<body><h1>Reelsmith API</h1><p>Send <code>Authorization: Bearer &lt;token&gt;</code>. Errors are <code>{"error":{"code","message","details?"}}</code>. The machine-readable document is at <a href="/api/openapi.json">/api/openapi.json</a>.</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>answers</th></tr></thead><tbody>${rows.join("")}</tbody></table></body></html>`);
  });

  doc({ method: "get", path: "/api/stats", tag: "system", summary: "Dashboard figures: clips, productions today, success rate, timings, LLM p95, queues, costs", responses: { 200: "figures" } });
  r.get("/api/stats", requireUser, async (c) => c.json(await dashboardStats(c.var.deps)));

  return r;
}
