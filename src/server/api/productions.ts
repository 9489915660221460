/** /api/productions: create, list, status, cancel, resume, live events, and the rendered files. */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { FeedbackError, feedbackReportSchema, recordFeedback } from "../../feedback/service.ts";
import { recordThumbnailEvents, ThumbnailError, thumbnailEventsSchema, thumbnailResults } from "../../thumbnails/ab.ts";
import { ApiError, notFound } from "../errors.ts";
import { sendFile } from "../files.ts";
import { doc } from "../openapi.ts";
import { cancelProduction, productionRequestBody, productionStatus, resumeProduction, startProduction } from "../operations.ts";
import type { ServerDeps, ServerEnv } from "../types.ts";
import { jsonBody, queryOf } from "../validate.ts";

/** Statuses after which a production's event stream ends. */
export const SETTLED = new Set(["completed", "failed", "cancelled", "awaiting_review"]);

const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export function productionDir(deps: ServerDeps, productionId: string): string {
  return join(deps.config.home, "productions", productionId);
}

async function row(deps: ServerDeps, id: string) {
  const r = await deps.app.productions.get(id);
  if (!r) throw notFound("production", id);
  return r;
}

/** The live fields a progress bar needs. */
export function progressEvent(r: { productionId: string; status: string; stage: string | null; progress: number; title: string | null; error: string | null; finalVideoPath: string | null }) {
  return {
    production_id: r.productionId,
    status: r.status,
    stage: r.stage,
    progress: Math.round(r.progress),
    title: r.title,
    error: r.error,
    video_url: r.finalVideoPath ? `/api/productions/${r.productionId}/video` : null,
  };
}

async function thumbnailCall<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof ThumbnailError) throw new ApiError(e.code === "not_found" ? 404 : 400, e.code === "not_found" ? "not_found" : "invalid_request", e.message);
    throw e;
  }
}

export function productionRoutes(): Hono<ServerEnv> {
  const r = new Hono<ServerEnv>();

  doc({ method: "post", path: "/api/productions", tag: "productions", summary: "Start a production: theme in, finished compilation out", body: productionRequestBody, responses: { 202: "queued", 400: "bad body" } });
  r.post("/", async (c) => c.json(await startProduction(c.var.deps, await jsonBody(c, productionRequestBody)), 202));

  doc({ method: "get", path: "/api/productions", tag: "productions", summary: "List productions, newest first", query: listQuery, responses: { 200: "productions" } });
  r.get("/", async (c) => {
    const q = queryOf(c, listQuery);
    const rows = await c.var.deps.app.productions.list(q.limit);
    return c.json({ productions: rows.map((p) => ({ ...progressEvent(p), theme: p.theme, target_duration: p.targetDuration, style: p.style, created_at: p.createdAt.toISOString(), final_duration: p.finalDuration })) });
  });

  doc({ method: "get", path: "/api/productions/{id}", tag: "productions", summary: "Status, progress 0–100, stage, video URL, title, error, clips with reasons", responses: { 200: "status", 404: "unknown production" } });
  r.get("/:id", async (c) => c.json(await productionStatus(c.var.deps, c.req.param("id"))));

  doc({ method: "post", path: "/api/productions/{id}/cancel", tag: "productions", summary: "Cancel a running production", responses: { 202: "cancelling", 404: "unknown production", 409: "already finished" } });
  r.post("/:id/cancel", async (c) => c.json(await cancelProduction(c.var.deps, c.req.param("id")), 202));

  doc({ method: "post", path: "/api/productions/{id}/resume", tag: "productions", summary: "Resume an interrupted or failed production from its last snapshot", responses: { 202: "queued", 404: "unknown production", 409: "not resumable" } });
  r.post("/:id/resume", async (c) => c.json(await resumeProduction(c.var.deps, c.req.param("id")), 202));

  doc({ method: "post", path: "/api/productions/{id}/metrics", tag: "productions", summary: "Post-publication figures of the video (feedback loop); each report counts once", body: feedbackReportSchema, responses: { 200: "applied (or already applied: applied false)", 400: "bad figures", 404: "unknown production", 409: "not a finished video" } });
  r.post("/:id/metrics", async (c) => {
    const body = await jsonBody(c, feedbackReportSchema);
    try {
      return c.json(await recordFeedback(c.var.deps.app, c.req.param("id"), body));
    } catch (e) {
      if (e instanceof FeedbackError) throw new ApiError(/^no production/.test(e.message) ? 404 : 409, /^no production/.test(e.message) ? "not_found" : "not_finished", e.message);
      throw e;
    }
  });

  doc({ method: "get", path: "/api/productions/{id}/thumbnails", tag: "productions", summary: "The thumbnail variants with their A/B figures and the winner (rule in the README)", responses: { 200: "variants", 404: "unknown production" } });
  r.get("/:id/thumbnails", async (c) => c.json(await thumbnailCall(() => thumbnailResults(c.var.deps.app, c.req.param("id")))));

  doc({ method: "post", path: "/api/productions/{id}/thumbnails/{variant}/events", tag: "productions", summary: "Add impressions and clicks to a thumbnail variant", body: thumbnailEventsSchema, responses: { 200: "figures and winner", 400: "bad figures", 404: "unknown production or variant" } });
  r.post("/:id/thumbnails/:variant/events", async (c) => {
    const body = await jsonBody(c, thumbnailEventsSchema);
    const variant = z.coerce.number().int().min(1).max(3).safeParse(c.req.param("variant"));
    if (!variant.success) throw new ApiError(400, "invalid_request", "variant: a thumbnail variant is 1, 2 or 3");
    return c.json(await thumbnailCall(() => recordThumbnailEvents(c.var.deps.app, c.req.param("id"), variant.data, body)));
  });

  doc({ method: "get", path: "/api/productions/{id}/events", tag: "productions", summary: "Server-sent events: `progress` on every change, `done` when it settles", responses: { 200: "text/event-stream", 404: "unknown production" } });
  r.get("/:id/events", async (c) => {
    const deps = c.var.deps;
    const first = await row(deps, c.req.param("id"));
    return streamSSE(c, async (stream) => {
      let last = "";
      let current = first;
      let id = 0;
      for (let tick = 0; !stream.aborted; tick++) {
        const ev = progressEvent(current);
        const key = JSON.stringify(ev);
        if (key !== last) {
          last = key;
          await stream.writeSSE({ event: "progress", data: key, id: String(++id) });
        } else if (tick % 15 === 0) await stream.write(": keep-alive\n\n");
        if (SETTLED.has(current.status)) {
          await stream.writeSSE({ event: "done", data: key, id: String(++id) });
          break;
        }
        await stream.sleep(400);
        current = (await deps.app.productions.get(current.productionId)) ?? current;
      }
    });
  });

  doc({ method: "get", path: "/api/productions/{id}/video", tag: "productions", summary: "The finished video (HTTP range requests)", responses: { 200: "video", 206: "partial", 404: "not rendered" } });
  r.on(["GET", "HEAD"], "/:id/video", async (c) => {
    const p = await row(c.var.deps, c.req.param("id"));
    if (!p.finalVideoPath) throw new ApiError(404, "not_found", `production ${p.productionId} has no video yet (${p.status})`);
    return sendFile(c, p.finalVideoPath, c.req.query("download") ? { download: `${p.productionId}.mp4` } : {});
  });

  doc({ method: "get", path: "/api/productions/{id}/files", tag: "productions", summary: "The production's files: captions, timeline exports, thumbnails", responses: { 200: "file names", 404: "unknown production" } });
  r.get("/:id/files", async (c) => {
    const p = await row(c.var.deps, c.req.param("id"));
    const names = await readdir(productionDir(c.var.deps, p.productionId)).catch(() => [] as string[]);
    return c.json({ files: names.filter((n) => !n.startsWith(".")).sort().map((n) => ({ name: n, url: `/api/productions/${p.productionId}/files/${encodeURIComponent(n)}` })) });
  });

  doc({ method: "get", path: "/api/productions/{id}/files/{name}", tag: "productions", summary: "One production file (range requests)", responses: { 200: "file", 404: "no such file" } });
  r.on(["GET", "HEAD"], "/:id/files/:name", async (c) => {
    const p = await row(c.var.deps, c.req.param("id"));
    const name = c.req.param("name");
    if (!/^[\w.\-]+$/.test(name) || name.startsWith(".")) throw new ApiError(403, "forbidden_path", `"${name}" is not a file name of this production`);
    return sendFile(c, join(productionDir(c.var.deps, p.productionId), name), c.req.query("download") ? { download: name } : {});
  });

  return r;
}
