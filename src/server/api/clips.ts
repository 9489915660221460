/** /api/clips: index, upload, search, list, detail, patch, delete, media files. */
import { Hono } from "hono";

import { z } from "zod";
import { CLIP_SOURCES, CLIP_STATUSES, EMOTIONAL_TONES, THEMES } from "../../db/enums.ts";
import { searchClips } from "../../search/service.ts";
import { moreLikeThis } from "../../search/similar.ts";
import { clipToJson } from "../../services/clip-json.ts";
import { ApiError } from "../errors.ts";
import { sendFile } from "../files.ts";
import { doc } from "../openapi.ts";
import { clip, clipPatchSchema, deleteClip, indexRequestSchema, patchClip, saveUpload, startIndex, taskStatus } from "../operations.ts";
import type { ServerEnv } from "../types.ts";
import { jsonBody, queryBool, queryOf } from "../validate.ts";

export const searchQuerySchema = z.strictObject({
  query: z.string().trim().min(1, "say what to look for").max(500),
  limit: z.coerce.number().int().min(1).max(200).default(10),
  rights_cleared: z.preprocess(queryBool, z.boolean()).optional(),
  min_intensity: z.coerce.number().min(0, "intensity runs 0..10").max(10, "intensity runs 0..10").optional(),
  tone: z.enum(EMOTIONAL_TONES).optional(),
  theme: z.enum(THEMES).optional(),
});

export const listQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  status: z.enum(CLIP_STATUSES).optional(),
  rights_cleared: z.preprocess(queryBool, z.boolean()).optional(),
  source: z.enum(CLIP_SOURCES).optional(),
  tone: z.string().trim().min(1).optional(),
  min_intensity: z.coerce.number().min(0).max(10).optional(),
  order: z.enum(["created_at", "viral_potential", "external_id"]).default("created_at"),
});

const similarQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  include_near_duplicates: z.preprocess(queryBool, z.boolean()).optional(),
});

const uploadQuery = z.strictObject({
  filename: z.string().trim().min(1).max(200).optional(),
  source: z.enum(CLIP_SOURCES).optional(),
  license: z.string().trim().min(1).max(100).optional(),
  consent: z.enum(["true", "false"]).optional(),
});

/** The compact clip card the list and search return (the full row is at /api/clips/{id}). */
export function clipSummary(row: Parameters<typeof clipToJson>[0]) {
  return {
    clip_id: row.id,
    external_id: row.externalId,
    file_path: row.filePath,
    status: row.status,
    status_reason: row.statusReason,
    duration_seconds: row.durationSeconds,
    emotional_tone: row.emotionalTone,
    intensity: row.intensity,
    viral_potential: row.viralPotential,
    surprise_factor: row.surpriseFactor,
    rights_cleared: row.rightsCleared,
    scene_description: row.sceneDescription,
    thumbnail_url: row.thumbnailPath ? `/api/clips/${row.id}/thumbnail` : null,
  };
}

export function clipRoutes(): Hono<ServerEnv> {
  const r = new Hono<ServerEnv>();

  doc({ method: "post", path: "/api/clips/index", tag: "clips", summary: "Index a clip from a URL or a path under a library root", body: indexRequestSchema, responses: { 202: "queued", 400: "bad body", 403: "path outside the library roots", 404: "no such file" } });
  r.post("/index", async (c) => {
    const req = await jsonBody(c, indexRequestSchema);
    const { path: _path, ...out } = await startIndex(c.var.deps, req);
    return c.json(out, 202);
  });

  doc({ method: "post", path: "/api/clips/upload", tag: "clips", summary: "Upload a video (multipart field `file`, or the raw body with ?filename=) and index it", bodyType: "multipart", body: z.object({ file: z.any(), source: z.enum(CLIP_SOURCES).optional(), license: z.string().optional(), consent: z.enum(["true", "false"]).optional() }), responses: { 202: "stored and queued", 400: "no file", 413: "over the size limit", 415: "not a video" } });
  r.post("/upload", async (c) => {
    const deps = c.var.deps;
    const q = queryOf(c, uploadQuery);
    const declared = Number(c.req.header("content-length") ?? 0);
    if (declared > deps.config.uploadMaxBytes + 1024 * 1024) throw new ApiError(413, "too_large", `upload is larger than the limit of ${Math.round(deps.config.uploadMaxBytes / 1048576)} MiB`);
    const type = c.req.header("content-type") ?? "";
    let saved: { path: string; bytes: number };
    let source = q.source;
    let license = q.license;
    let consent = q.consent === "true";
    if (type.startsWith("multipart/form-data")) {
      const form = await c.req.parseBody();
      const file = form.file;
      if (!(file instanceof File)) throw new ApiError(400, "invalid_request", "file: attach the video as the multipart field `file`");
      if (typeof form.source === "string" && form.source) source = z.enum(CLIP_SOURCES).parse(form.source);
      if (typeof form.license === "string" && form.license.trim()) license = form.license.trim();
      if (typeof form.consent === "string" && form.consent) consent = z.enum(["true", "false"], { message: 'consent: send "true" or "false"' }).parse(form.consent) === "true";
      saved = await saveUpload(deps, file.name, file.stream());
    } else {
      if (!q.filename) throw new ApiError(400, "invalid_request", "filename: give ?filename= when sending the raw video as the body");
      if (!c.req.raw.body) throw new ApiError(400, "empty_upload", "the upload is empty");
      saved = await saveUpload(deps, q.filename, c.req.raw.body);
    }
    const out = await startIndex(deps, { video_url: saved.path, ...(source ? { source } : {}), ...(license ? { license } : {}), ...(consent ? { consent } : {}) });
    return c.json({ ...out, bytes: saved.bytes, file_name: saved.path.split("/").pop() }, 202);
  });

  doc({ method: "get", path: "/api/clips/search", tag: "clips", summary: "Search the library by meaning; results point at the matching moment", query: searchQuerySchema, responses: { 200: "results, best first", 400: "bad query" } });
  r.get("/search", async (c) => {
    const q = queryOf(c, searchQuerySchema);
    const filters = {
      ...(q.rights_cleared !== undefined ? { rights_cleared: q.rights_cleared } : {}),
      ...(q.min_intensity !== undefined ? { min_intensity: q.min_intensity } : {}),
      ...(q.tone ? { tone: q.tone } : {}),
      ...(q.theme ? { theme: q.theme } : {}),
    };
    const results = await searchClips(c.var.deps.app, q.query, { limit: q.limit, filters });
    return c.json({ query: q.query, count: results.length, results });
  });

  doc({ method: "get", path: "/api/clips", tag: "clips", summary: "List clips with filters and paging", query: listQuerySchema, responses: { 200: "a page of clips", 400: "bad query" } });
  r.get("/", async (c) => {
    const q = queryOf(c, listQuerySchema);
    const filter = {
      ...(q.status ? { status: q.status } : {}),
      ...(q.rights_cleared !== undefined ? { rightsCleared: q.rights_cleared } : {}),
      ...(q.source ? { source: q.source } : {}),
      ...(q.tone ? { tone: q.tone } : {}),
      ...(q.min_intensity !== undefined ? { minIntensity: q.min_intensity } : {}),
    };
    const { app } = c.var.deps;
    const [rows, total] = await Promise.all([app.clips.list({ ...filter, limit: q.limit, offset: q.offset, orderBy: q.order }), app.clips.count(filter)]);
    return c.json({ total, limit: q.limit, offset: q.offset, clips: rows.map(clipSummary) });
  });

  doc({ method: "get", path: "/api/tasks/{id}", tag: "clips", summary: "State of an indexing (or any) job", responses: { 200: "job state", 404: "unknown task" } });

  doc({ method: "get", path: "/api/clips/{id}", tag: "clips", summary: "One clip with its whole analysis, tags, frames and links", responses: { 200: "the clip", 404: "unknown clip" } });
  r.get("/:id", async (c) => {
    const { app } = c.var.deps;
    const row = await clip(c.var.deps, c.req.param("id"));
    const [tags, frames, links] = await Promise.all([app.clips.tags(row.id), app.clips.frames(row.id), app.clips.links(row.id)]);
    return c.json({
      ...clipToJson(row),
      tags: tags.map((t) => ({ tag: t.tag, confidence: t.confidence, source: t.source })),
      frames: frames.map((f) => ({ time: f.timeSeconds, reason: f.reason, image_url: f.imagePath ? `/api/clips/${row.id}/frames/${f.timeSeconds}` : null })),
      links,
      video_url: `/api/clips/${row.id}/video`,
      thumbnail_url: row.thumbnailPath ? `/api/clips/${row.id}/thumbnail` : null,
    });
  });

  doc({ method: "patch", path: "/api/clips/{id}", tag: "clips", summary: "Change rights (manual override), notes, manual tags, licence or attribution", body: clipPatchSchema, responses: { 200: "the changed clip", 400: "bad body", 404: "unknown clip" } });
  r.patch("/:id", async (c) => {
    const patch = await jsonBody(c, clipPatchSchema);
    return c.json(await patchClip(c.var.deps, c.req.param("id"), patch, c.var.user ?? "unknown"));
  });

  doc({ method: "delete", path: "/api/clips/{id}", tag: "clips", summary: "Remove a clip from the library (the file stays)", responses: { 204: "removed", 404: "unknown clip", 409: "used in a production" } });
  r.delete("/:id", async (c) => {
    await deleteClip(c.var.deps, c.req.param("id"));
    return c.body(null, 204);
  });

  doc({ method: "get", path: "/api/clips/{id}/similar", tag: "clips", summary: "More like this: the most similar clips, near-duplicates excluded unless asked", query: similarQuery, responses: { 200: "similar clips", 404: "unknown clip" } });
  r.get("/:id/similar", async (c) => {
    const q = queryOf(c, similarQuery);
    const row = await clip(c.var.deps, c.req.param("id"));
    const results = await moreLikeThis(c.var.deps.app, row.id, { limit: q.limit, includeNearDuplicates: q.include_near_duplicates ?? false });
    return c.json({ clip_id: row.id, results });
  });

  doc({ method: "get", path: "/api/clips/{id}/video", tag: "clips", summary: "The clip's video file (HTTP range requests)", responses: { 200: "video", 206: "partial", 404: "unknown clip or file gone" } });
  r.on(["GET", "HEAD"], "/:id/video", async (c) => {
    const row = await clip(c.var.deps, c.req.param("id"));
    return sendFile(c, row.filePath);
  });

  doc({ method: "get", path: "/api/clips/{id}/thumbnail", tag: "clips", summary: "The clip's thumbnail (the most representative sharp frame)", responses: { 200: "JPEG", 404: "none" } });
  r.get("/:id/thumbnail", async (c) => {
    const row = await clip(c.var.deps, c.req.param("id"));
    if (!row.thumbnailPath) throw new ApiError(404, "not_found", `clip ${row.externalId} has no thumbnail (${row.status})`);
    return sendFile(c, row.thumbnailPath);
  });

  doc({ method: "get", path: "/api/clips/{id}/frames/{time}", tag: "clips", summary: "A stored keyframe image", responses: { 200: "JPEG", 404: "no such frame" } });
  r.get("/:id/frames/:time", async (c) => {
    const row = await clip(c.var.deps, c.req.param("id"));
    const time = Number(c.req.param("time"));
    const frame = (await c.var.deps.app.clips.frames(row.id)).find((f) => Math.abs(f.timeSeconds - time) < 1e-6);
    if (!frame?.imagePath) throw new ApiError(404, "not_found", `clip ${row.externalId} has no frame at ${c.req.param("time")} s`);
    return sendFile(c, frame.imagePath);
  });

  return r;
}

export function taskRoutes(): Hono<ServerEnv> {
  const r = new Hono<ServerEnv>();
  r.get("/:id", async (c) => c.json(await taskStatus(c.var.deps, c.req.param("id"))));
  return r;
}

