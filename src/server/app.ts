/**
 * The Hono application: one process serves the REST API (/api), the htmx pages, server-sent
 * events, /metrics, /healthz and /readyz. Routes get their dependencies from `c.var.deps`;
 * errors leave as {error:{code,message,details?}} for the API and as a readable page otherwise.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { httpRequestDurationSeconds, httpRequestsTotal } from "../lib/metrics.ts";
import { clipRoutes, taskRoutes } from "./api/clips.ts";
import { productionRoutes } from "./api/productions.ts";
import { reviewRoutes } from "./api/review.ts";
import { systemRoutes } from "./api/system.ts";
import { authenticate, requireUser } from "./auth.ts";
import { ApiError, errorBody, fromZod } from "./errors.ts";
import type { ServerDeps, ServerEnv } from "./types.ts";

export interface ServerExtras {
  /** Page routes mounted at / (the htmx UI). */
  pages?: Hono<ServerEnv>;
  /** Static assets mounted at /assets, before authentication. */
  assets?: Hono<ServerEnv>;
  /** More API routes mounted under /api (review, feedback …). */
  api?: { path: string; routes: Hono<ServerEnv> }[];
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function isApi(path: string): boolean {
  return path.startsWith("/api/") || path === "/api" || path === "/metrics" || path === "/healthz" || path === "/readyz";
}

export function createServer(deps: ServerDeps, extras: ServerExtras = {}): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    c.set("deps", deps);
    await next();
    const route = c.req.routePath || "unmatched";
    const labels = { method: c.req.method, route, status: String(c.res.status) };
    httpRequestsTotal.inc(labels);
    httpRequestDurationSeconds.observe(labels, (performance.now() - started) / 1000);
  });

  if (extras.assets) app.route("/assets", extras.assets);
  app.use(authenticate());

  app.route("/", systemRoutes());
  app.use("/api/*", async (c, next) => {
    if (c.req.path === "/api/openapi.json" || c.req.path === "/api/docs") return next();
    return requireUser(c, next);
  });
  app.route("/api/clips", clipRoutes());
  app.route("/api/tasks", taskRoutes());
  app.route("/api/productions", productionRoutes());
  app.route("/api/productions", reviewRoutes());
  for (const extra of extras.api ?? []) app.route(extra.path, extra.routes);
  if (extras.pages) app.route("/", extras.pages);

  app.notFound((c) => {
    if (isApi(c.req.path)) return c.json(errorBody("not_found", `no route ${c.req.method} ${c.req.path}`), 404);
    return c.html(`<!doctype html><title>Not found</title><p>Nothing at ${escapeHtml(c.req.path)}. <a href="/">Back to the library</a></p>`, 404);
  });

  app.onError((err, c) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err instanceof z.ZodError) e = fromZod(err);
    else if (err instanceof HTTPException) e = new ApiError(err.status as never, "http_error", err.message || "request refused");
    else {
      deps.app.log.error("request failed", { method: c.req.method, path: c.req.path, error: (err as Error).message });
      e = new ApiError(500, "internal", "something went wrong on our side; the log has the details");
    }
    if (isApi(c.req.path) || c.req.header("accept")?.includes("application/json") || c.var.authBy === "bearer")
      return c.json(errorBody(e.code, e.message, e.details), e.status);
    if (c.req.header("hx-request"))
      return c.html(`<div class="error" role="alert">${escapeHtml(e.message)}</div>`, e.status);
    return c.html(`<!doctype html><title>${e.status}</title><main role="alert"><h1>${e.status}</h1><p>${escapeHtml(e.message)}</p><p><a href="/">Back to the library</a></p></main>`, e.status);
  });

  return app;
}
