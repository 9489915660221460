/**
 * What the REST API and the htmx pages both do, written once: start indexing (with the library
 * root check), take uploads, start/cancel/resume productions, report status, change a clip, and
 * gather the dashboard figures. Routes only parse input and shape output.
 */
import { createWriteStream } from "node:fs";
import { mkdir, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, extname, join, resolve, sep } from "node:path";
import { and, eq, gte, inArray } from "drizzle-orm";
import { z } from "zod";
import { productionJson } from "../cli/commands/produce.ts";
import { CLIP_SOURCES, STYLES } from "../db/enums.ts";
import type { ClipRow } from "../db/repositories/clips.ts";
import { productionsCreatedTotal } from "../lib/metrics.ts";
import { createProduction, RESUMABLE } from "../production/service.ts";
import { ASPECTS, RESOLUTIONS } from "../production/types.ts";
import { decideRights, normaliseLicense } from "../rights/license.ts";
import { clipToJson } from "../services/clip-json.ts";
import { ApiError, notFound } from "./errors.ts";
import type { ServerDeps } from "./types.ts";

export const VIDEO_EXTENSIONS = new Set([".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi", ".mts", ".m2ts", ".3gp"]);

// ---------------------------------------------------------------- paths

/** The real path of `p` if it lies under one of the library roots (symlinks resolved); else 403. */
export async function insideLibrary(deps: ServerDeps, p: string): Promise<string> {
  const abs = resolve(p);
  const real = await realpath(abs).catch(() => null);
  if (!real) {
    // Refuse traversal before admitting the file is missing, so nothing leaks about outside paths.
    if (!(await underRoots(deps, abs))) throw new ApiError(403, "forbidden_path", `"${p}" is outside the library roots`);
    throw new ApiError(404, "not_found", `no file at "${p}"`);
  }
  if (!(await underRoots(deps, real))) throw new ApiError(403, "forbidden_path", `"${p}" is outside the library roots`);
  return real;
}

async function underRoots(deps: ServerDeps, abs: string): Promise<boolean> {
  for (const root of deps.config.libraryRoots) {
    const r = (await realpath(root).catch(() => resolve(root))).replace(/\/+$/, "");
    if (abs === r || abs.startsWith(r + sep)) return true;
  }
  return false;
}

function uploadDir(deps: ServerDeps): string {
  return join(deps.config.libraryRoots[0]!, "uploads");
}

/** A safe file name: no directories, no control characters, keeps the extension. */
export function safeName(name: string): string {
  const base = basename(name.replace(/\\/g, "/")).replace(/[^\w.\- ]+/g, "_").replace(/^\.+/, "").slice(-120);
  return base || "upload.mp4";
}

async function uniquePath(dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = join(dir, i ? `${stem}-${i}${ext}` : name);
    if (!(await stat(candidate).catch(() => null))) return candidate;
  }
}

/**
 * Streams a body to a new file in the upload folder, refusing it (and removing the partial file)
 * once it passes the size limit. Works for a raw request body and for a File from a form.
 */
export async function saveUpload(deps: ServerDeps, name: string, body: ReadableStream<Uint8Array>): Promise<{ path: string; bytes: number }> {
  const clean = safeName(name);
  if (!VIDEO_EXTENSIONS.has(extname(clean).toLowerCase()))
    throw new ApiError(415, "unsupported_media_type", `"${clean}" is not a video file (expected one of ${[...VIDEO_EXTENSIONS].join(", ")})`);
  const final = await uniquePath(uploadDir(deps), clean);
  const partial = `${final}.part`;
  const out = createWriteStream(partial);
  let bytes = 0;
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      if (bytes > deps.config.uploadMaxBytes)
        throw new ApiError(413, "too_large", `upload is larger than the limit of ${Math.round(deps.config.uploadMaxBytes / 1048576)} MiB`);
      if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
    }
    await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
    if (bytes === 0) throw new ApiError(400, "empty_upload", "the upload is empty");
    await rename(partial, final);
    return { path: final, bytes };
  } catch (e) {
    out.destroy();
    await rm(partial, { force: true });
    throw e;
  }
}

// ---------------------------------------------------------------- indexing

export const indexRequestSchema = z.strictObject({
  video_url: z.string().trim().min(1, "give a URL or a local path"),
  source: z.enum(CLIP_SOURCES).optional(),
  license: z.string().trim().min(1).optional(),
  reindex: z.boolean().optional(),
  /** The people shown gave consent (model releases on file): identifiable faces are not flagged. */
  consent: z.boolean().optional(),
});
export type IndexRequest = z.infer<typeof indexRequestSchema>;

/** Downloads an http(s) URL into the upload folder (size-limited), returning the local path. */
async function download(deps: ServerDeps, url: URL): Promise<string> {
  const res = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(10 * 60_000) }).catch((e: Error) => {
    throw new ApiError(400, "download_failed", `could not fetch ${url.origin}${url.pathname}: ${e.message}`);
  });
  if (!res.ok || !res.body) throw new ApiError(400, "download_failed", `fetching ${url.origin}${url.pathname} answered ${res.status}`);
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > deps.config.uploadMaxBytes) throw new ApiError(413, "too_large", `the file at ${url.pathname} is larger than the upload limit`);
  let name = basename(decodeURIComponent(url.pathname)) || "download.mp4";
  if (!VIDEO_EXTENSIONS.has(extname(name).toLowerCase())) name += ".mp4";
  return (await saveUpload(deps, name, res.body)).path;
}

/** Queues one file for indexing. Local paths must lie under a library root (403 otherwise). */
export async function startIndex(deps: ServerDeps, req: IndexRequest): Promise<{ clip_id: string | null; task_id: string; status: "indexing" | "unchanged"; path: string }> {
  let path: string;
  if (/^https?:\/\//i.test(req.video_url)) path = await download(deps, new URL(req.video_url));
  else {
    const local = req.video_url.replace(/^file:\/\//, "");
    path = await insideLibrary(deps, local);
    const info = await stat(path);
    if (info.isDirectory()) throw new ApiError(400, "not_a_file", `"${req.video_url}" is a folder: index its files one by one or use the CLI`);
  }
  const license = req.license ? normaliseLicense(req.license) : undefined;
  const existing = await deps.app.clips.findByPath(path);
  const { jobId } = await deps.jobs.enqueue(
    "index.file",
    { path, ...(req.source ? { source: req.source } : {}), ...(license ? { license } : {}), ...(req.reindex ? { reindex: true } : {}), ...(req.consent ? { consent: true } : {}) },
    { dedupeKey: `index:${path}` },
  );
  return { clip_id: existing?.id ?? null, task_id: jobId, status: "indexing", path };
}

/** A job's state, with the clip it produced once an index job is done. */
export async function taskStatus(deps: ServerDeps, taskId: string): Promise<Record<string, unknown>> {
  const job = await deps.jobs.get(taskId);
  if (!job) throw notFound("task", taskId);
  return { task_id: job.id, name: job.name, status: job.status, attempts: job.attempts, error: job.error, result: job.result ?? null };
}

// ---------------------------------------------------------------- productions

export const productionRequestBody = z.strictObject({
  theme: z.string().trim().min(2, "say what the video is about").max(200),
  target_duration: z.coerce.number().min(10).max(3600).default(600),
  style: z.enum(STYLES).default("energetic"),
  aspect: z.enum(ASPECTS).optional(),
  resolution: z.enum(RESOLUTIONS).optional(),
  review: z.boolean().optional(),
});
export type ProductionRequestBody = z.infer<typeof productionRequestBody>;

export async function startProduction(deps: ServerDeps, req: ProductionRequestBody): Promise<{ production_id: string; status: "queued" }> {
  const row = await createProduction(deps.app, req);
  productionsCreatedTotal.inc();
  await deps.jobs.enqueue("production.run", { productionId: row.productionId }, { dedupeKey: `production:${row.productionId}` });
  return { production_id: row.productionId, status: "queued" };
}

async function production(deps: ServerDeps, id: string) {
  const row = await deps.app.productions.get(id);
  if (!row) throw notFound("production", id);
  return row;
}

/** The seed's status document plus everything the result page shows. */
export async function productionStatus(deps: ServerDeps, id: string): Promise<Record<string, unknown>> {
  const row = await production(deps, id);
  const full = await productionJson(deps.app, row);
  return {
    ...full,
    progress: Math.round(row.progress),
    video_url: row.finalVideoPath ? `/api/productions/${row.productionId}/video` : null,
    events_url: `/api/productions/${row.productionId}/events`,
  };
}

export async function cancelProduction(deps: ServerDeps, id: string): Promise<{ production_id: string; status: string }> {
  const row = await production(deps, id);
  if (!RESUMABLE.includes(row.status) && row.status !== "awaiting_review")
    throw new ApiError(409, "not_running", `production ${id} is ${row.status}: nothing to cancel`);
  // The runner polls for this status and sends CANCEL to its statechart (any process).
  await deps.app.productions.update(row.id, { status: "cancelling" });
  return { production_id: row.productionId, status: "cancelling" };
}

export async function resumeProduction(deps: ServerDeps, id: string): Promise<{ production_id: string; status: string }> {
  const row = await production(deps, id);
  if (!RESUMABLE.includes(row.status) && row.status !== "failed")
    throw new ApiError(409, "not_resumable", `production ${id} is ${row.status}: only unfinished or failed productions resume`);
  if (row.status === "failed") await deps.app.productions.update(row.id, { status: "queued", error: null });
  await deps.jobs.enqueue("production.run", { productionId: row.productionId }, { dedupeKey: `production:${row.productionId}` });
  return { production_id: row.productionId, status: "queued" };
}

// ---------------------------------------------------------------- clips

export async function clip(deps: ServerDeps, id: string): Promise<ClipRow> {
  const row = await deps.app.clips.get(id);
  if (!row) throw notFound("clip", id);
  return row;
}

export const clipPatchSchema = z
  .strictObject({
    rights_cleared: z.boolean().nullable().optional(),
    notes: z.string().max(5000).nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
    license: z.string().trim().min(1).max(100).nullable().optional(),
    attribution: z.string().trim().max(500).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, { message: "nothing to change: send rights_cleared, notes, tags, license or attribution" });
export type ClipPatch = z.infer<typeof clipPatchSchema>;

/**
 * A person's change to a clip. rights_cleared true/false is a manual override kept apart from the
 * automatic verdict (null hands the decision back to the checks); manual tags replace the manual set.
 */
export async function patchClip(deps: ServerDeps, id: string, patch: ClipPatch, user: string): Promise<Record<string, unknown>> {
  const row = await clip(deps, id);
  const set: Record<string, unknown> = {};
  if (patch.rights_cleared !== undefined) {
    if (patch.rights_cleared === null) {
      // Hand the decision back to the automatic checks: cleared only with no recorded issue.
      const verdict = decideRights(row.license, deps.config.approvedLicenses);
      const issues = (row.rightsIssues ?? []).filter((i) => i.kind !== "license");
      set.rightsOverride = null;
      set.rightsCleared = verdict.cleared && issues.length === 0;
      set.rightsReason = [verdict.reason, ...issues.map((i) => i.reason)].join("; ");
    } else {
      set.rightsOverride = patch.rights_cleared;
      set.rightsCleared = patch.rights_cleared;
      set.rightsReason = `${patch.rights_cleared ? "cleared" : "revoked"} by ${user} on ${new Date().toISOString().slice(0, 10)}`;
    }
  }
  if (patch.notes !== undefined) set.notes = patch.notes;
  if (patch.attribution !== undefined) set.attribution = patch.attribution;
  if (patch.license !== undefined) set.license = patch.license === null ? null : normaliseLicense(patch.license);
  if (Object.keys(set).length) await deps.app.clips.update(row.id, set as never);
  if (patch.tags) await deps.app.clips.replaceTags(row.id, "manual", patch.tags.map((tag) => ({ tag: tag.toLowerCase(), confidence: 1, source: "manual" as const })));
  return clipToJson((await deps.app.clips.get(row.id))!);
}

export async function deleteClip(deps: ServerDeps, id: string): Promise<void> {
  const row = await clip(deps, id);
  const t = deps.app.database.tables;
  const used = await deps.app.database.db.select({ p: t.productionClips.productionId }).from(t.productionClips).where(eq(t.productionClips.clipId, row.id)).limit(1);
  if (used.length) throw new ApiError(409, "in_use", `clip ${row.externalId} is used in a production; revoke its rights instead of deleting it`);
  await deps.app.clips.delete(row.id);
}

// ---------------------------------------------------------------- dashboard

export interface DashboardStats {
  clips_total: number;
  clips_analyzed: number;
  clips_failed: number;
  clips_rights_cleared: number;
  productions_today: number;
  productions_total: number;
  success_rate: number | null;
  avg_indexing_seconds: number | null;
  avg_production_seconds: number | null;
  llm_p95_latency_ms: number | null;
  llm_requests_today: number;
  cost_today_usd: number;
  queues: Record<string, { waiting: number; active: number; failed: number }>;
}

const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function p95(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}

export async function dashboardStats(deps: ServerDeps, now = new Date()): Promise<DashboardStats> {
  const { app } = deps;
  const t = app.database.tables;
  const db = app.database.db;
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const day = startOfDay.toISOString().slice(0, 10);
  const [total, analyzed, failed, cleared] = await Promise.all([
    app.clips.count(),
    app.clips.count({ status: "analyzed" }),
    app.clips.count({ status: "failed" }),
    app.clips.count({ status: "analyzed", rightsCleared: true }),
  ]);
  const prods = await db
    .select({ status: t.videoProductions.status, createdAt: t.videoProductions.createdAt, startedAt: t.videoProductions.startedAt, completedAt: t.videoProductions.completedAt })
    .from(t.videoProductions);
  const finished = prods.filter((p) => p.status === "completed" || p.status === "failed");
  const durations = prods.filter((p) => p.status === "completed" && p.completedAt).map((p) => (p.completedAt!.getTime() - (p.startedAt ?? p.createdAt).getTime()) / 1000);
  const tasks = await db
    .select({ createdAt: t.indexTasks.createdAt, updatedAt: t.indexTasks.updatedAt })
    .from(t.indexTasks)
    .where(and(eq(t.indexTasks.status, "done"), gte(t.indexTasks.createdAt, new Date(now.getTime() - 30 * 86400_000))));
  const usage = await db.select({ latency: t.llmUsage.latencyMs, cost: t.llmUsage.costUsd, cached: t.llmUsage.cached }).from(t.llmUsage).where(eq(t.llmUsage.day, day));
  const counts = await deps.jobs.counts();
  return {
    clips_total: total,
    clips_analyzed: analyzed,
    clips_failed: failed,
    clips_rights_cleared: cleared,
    productions_today: prods.filter((p) => p.createdAt >= startOfDay).length,
    productions_total: prods.length,
    success_rate: finished.length ? finished.filter((p) => p.status === "completed").length / finished.length : null,
    avg_indexing_seconds: avg(tasks.map((x) => (x.updatedAt.getTime() - x.createdAt.getTime()) / 1000)),
    avg_production_seconds: avg(durations),
    llm_p95_latency_ms: p95(usage.filter((u) => !u.cached).map((u) => u.latency)),
    llm_requests_today: usage.filter((u) => !u.cached).length,
    cost_today_usd: Math.round(usage.reduce((a, u) => a + u.cost, 0) * 10000) / 10000,
    queues: Object.fromEntries(Object.entries(counts).map(([q, c]) => [q, { waiting: c.waiting + c.delayed, active: c.active, failed: c.failed }])),
  };
}

/** Clips by ids, in the given order (for production pages). */
export async function clipsByIds(deps: ServerDeps, ids: string[]): Promise<Map<string, ClipRow>> {
  if (!ids.length) return new Map();
  const t = deps.app.database.tables;
  const rows = await deps.app.database.db.select().from(t.videoClips).where(inArray(t.videoClips.id, ids));
  return new Map(rows.map((r) => [r.id, r]));
}
