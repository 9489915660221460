/** Review before render (#10): read and change the cut, approve or reject it. */
import { Hono } from "hono";
import { z } from "zod";
import { getReview, recordDecision, ReviewError, timelineUpdateSchema, updateReview } from "../../production/review.ts";
import { runProduction } from "../../production/service.ts";
import { createProductionServices } from "../../production/services-impl.ts";
import { ApiError } from "../errors.ts";
import { doc } from "../openapi.ts";
import type { ServerDeps, ServerEnv } from "../types.ts";
import { jsonBody } from "../validate.ts";

export const rejectSchema = z.strictObject({ reason: z.string().trim().min(3, "say why the cut is rejected").max(2000) });

/** ReviewError → the API's error shape (QA failures carry the verdict in details). */
export function reviewApiError(e: unknown): unknown {
  if (!(e instanceof ReviewError)) return e;
  const status = e.code === "not_found" ? 404 : e.code === "not_awaiting_review" ? 409 : e.code === "qa_failed" ? 422 : 400;
  return new ApiError(status, e.code, e.message, e.qa ? { qa: e.qa } : undefined);
}

export async function withReviewErrors<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw reviewApiError(e);
  }
}

export async function approve(deps: ServerDeps, id: string, user: string) {
  const row = await withReviewErrors(() => recordDecision(deps.app, id, user, { kind: "approve" }));
  await deps.app.productions.update(row.id, { status: "rendering", progress: 25 });
  await deps.jobs.enqueue("production.run", { productionId: row.productionId, approve: true }, { dedupeKey: `production:${row.productionId}:approve` });
  return { production_id: row.productionId, status: "rendering" };
}

export async function reject(deps: ServerDeps, id: string, reason: string, user: string) {
  const row = await withReviewErrors(() => recordDecision(deps.app, id, user, { kind: "reject", reason }));
  const services = await createProductionServices(deps.app);
  try {
    const done = await runProduction(deps.app, services, row.productionId, { reject: { reason } });
    return { production_id: done.productionId, status: done.status, error: done.error };
  } finally {
    await services.dispose();
  }
}

export async function editTimeline(deps: ServerDeps, id: string, body: unknown, user: string) {
  const update = timelineUpdateSchema.parse(body);
  const services = await createProductionServices(deps.app);
  try {
    const r = await withReviewErrors(() => updateReview(deps.app, services, id, update, user));
    return { production_id: id, stored: r.stored, duration: r.timeline.duration, qa: r.qa, timeline: r.timeline };
  } finally {
    await services.dispose();
  }
}

export function reviewRoutes(): Hono<ServerEnv> {
  const r = new Hono<ServerEnv>();

  doc({ method: "get", path: "/api/productions/{id}/timeline", tag: "review", summary: "The cut: entries in order with in/out points and reasons, QA verdict, runners-up, metadata, edit history, preview", responses: { 200: "the review state", 404: "unknown production", 409: "no cut yet" } });
  r.get("/:id/timeline", async (c) => c.json(await withReviewErrors(() => getReview(c.var.deps.app, c.req.param("id")))));

  doc({ method: "put", path: "/api/productions/{id}/timeline", tag: "review", summary: "Change the cut (entries, or edits: remove/move/replace/nudge) and metadata; refused with QA's reasons when it would fail QA", body: timelineUpdateSchema, responses: { 200: "accepted (or checked, with dry_run)", 400: "bad edit", 404: "unknown production", 409: "not awaiting review", 422: "the cut fails QA" } });
  r.put("/:id/timeline", async (c) => {
    const body = await jsonBody(c, timelineUpdateSchema);
    return c.json(await editTimeline(c.var.deps, c.req.param("id"), body, c.var.user ?? "unknown"));
  });

  doc({ method: "post", path: "/api/productions/{id}/approve", tag: "review", summary: "Approve the cut: it is rendered with the edits", responses: { 202: "rendering", 404: "unknown production", 409: "not awaiting review" } });
  r.post("/:id/approve", async (c) => c.json(await approve(c.var.deps, c.req.param("id"), c.var.user ?? "unknown"), 202));

  doc({ method: "post", path: "/api/productions/{id}/reject", tag: "review", summary: "Reject the cut with a reason (nothing is rendered)", body: rejectSchema, responses: { 200: "rejected", 400: "no reason", 404: "unknown production", 409: "not awaiting review" } });
  r.post("/:id/reject", async (c) => {
    const { reason } = await jsonBody(c, rejectSchema);
    return c.json(await reject(c.var.deps, c.req.param("id"), reason, c.var.user ?? "unknown"));
  });

  return r;
}
