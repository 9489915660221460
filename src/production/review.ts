/**
 * Review before render (#10). A production asked for with `review` stops in `awaitingReview`
 * after QA and metadata. A person then removes, moves, replaces and re-trims clips and edits the
 * title, description and tags; every edit goes through the same QA as the pipeline's own cut, and
 * an edit that breaks QA is refused with the reasons (nothing is stored or rendered). Accepted
 * edits are kept in artifacts.review and every one is recorded in production_edits (who, when,
 * what), so later curation can learn which picks people override. Approve renders the edited cut.
 */
import { eq, asc } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../app.ts";
import type { ClipRow } from "../db/repositories/clips.ts";
import type { ProductionRow } from "../db/repositories/productions.ts";
import type { ProductionContext } from "../machines/production.ts";
import { clipSimilarity } from "./curate.ts";
import { audioLevelFor, clipSource, focusOf, trimWindow } from "./edit.ts";
import { checkTimeline, MIN_CLIP_SECONDS, type QaVerdict } from "./qa.ts";
import type { ProductionServices } from "./services.ts";
import type { PickRef } from "./steps-types.ts";
import type { Timeline, TimelineEntry } from "./types.ts";

export class ReviewError extends Error {
  constructor(
    readonly code: "not_found" | "not_awaiting_review" | "invalid_edit" | "qa_failed",
    message: string,
    readonly qa?: QaVerdict,
  ) {
    super(message);
    this.name = "ReviewError";
  }
}

export const reviewEditSchema = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("remove"), position: z.number().int().min(0) }),
  z.strictObject({ op: z.literal("move"), from: z.number().int().min(0), to: z.number().int().min(0) }),
  z.strictObject({ op: z.literal("replace"), position: z.number().int().min(0), clip_id: z.string().trim().min(1) }),
  /** Shifts the in and/or out point by seconds (negative = earlier). */
  z.strictObject({ op: z.literal("nudge"), position: z.number().int().min(0), in: z.number().min(-600).max(600).default(0), out: z.number().min(-600).max(600).default(0) }),
]);
export type ReviewEdit = z.infer<typeof reviewEditSchema>;

/** PUT /api/productions/{id}/timeline: either the whole ordered cut, or edits on the current one. */
export const timelineUpdateSchema = z
  .strictObject({
    entries: z
      .array(z.strictObject({ clip_id: z.string().trim().min(1), source_start: z.number().min(0).optional(), source_end: z.number().positive().optional() }))
      .min(1, "a cut needs at least one clip")
      .max(500)
      .optional(),
    edits: z.array(reviewEditSchema).max(200).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().trim().max(5000).optional(),
    tags: z.array(z.string().trim().min(1).max(60)).max(30).optional(),
    /** Which of the three thumbnail picks to use (1–3). */
    thumbnail: z.number().int().min(1).max(3).optional(),
    /** Check only: answer with the new cut and its QA verdict without storing anything. */
    dry_run: z.boolean().optional(),
  })
  .refine((v) => !(v.entries && v.edits), { message: "send either entries or edits, not both" });
export type TimelineUpdate = z.infer<typeof timelineUpdateSchema>;

export interface ReviewState {
  production_id: string;
  status: string;
  target_duration: number;
  timeline: Timeline;
  qa: QaVerdict | null;
  runners_up: PickRef[];
  title: string | null;
  description: string | null;
  tags: string[];
  thumbnails: { index: number; rule: string; clip_id: string; source_time: number }[];
  thumbnail: number;
  preview_url: string | null;
  edits: { author: string; kind: string; detail: Record<string, unknown>; at: string }[];
}

interface ReviewArtifacts {
  timeline?: Timeline;
  qa?: QaVerdict;
  thumbnail?: number;
}

function contextOf(row: ProductionRow): ProductionContext | null {
  const snap = row.machineSnapshot as { context?: ProductionContext } | null;
  return snap?.context ?? null;
}

function reviewOf(row: ProductionRow): ReviewArtifacts {
  return ((row.artifacts as { review?: ReviewArtifacts }).review ?? {}) as ReviewArtifacts;
}

async function loadProduction(app: AppContext, id: string): Promise<{ row: ProductionRow; ctx: ProductionContext }> {
  const row = await app.productions.get(id);
  if (!row) throw new ReviewError("not_found", `no production "${id}"`);
  const ctx = contextOf(row);
  if (!ctx?.timeline) throw new ReviewError("not_awaiting_review", `production ${id} has no cut yet (${row.status})`);
  return { row, ctx };
}

async function clipsById(app: AppContext, ids: string[]): Promise<Map<string, ClipRow>> {
  const rows = ids.length ? await app.clips.list({ ids: [...new Set(ids)], limit: ids.length }) : [];
  return new Map(rows.map((r) => [r.id, r]));
}

/** The current cut: the person's accepted edits if any, else the pipeline's timeline. */
export function currentTimeline(row: ProductionRow): Timeline | null {
  return reviewOf(row).timeline ?? contextOf(row)?.timeline ?? null;
}

export async function getReview(app: AppContext, id: string): Promise<ReviewState> {
  const { row, ctx } = await loadProduction(app, id);
  const review = reviewOf(row);
  const t = app.database.tables;
  const edits = await app.database.db.select().from(t.productionEdits).where(eq(t.productionEdits.productionId, row.id)).orderBy(asc(t.productionEdits.createdAt));
  const previewPath = (row.artifacts as { previewPath?: string }).previewPath;
  return {
    production_id: row.productionId,
    status: row.status,
    target_duration: row.targetDuration,
    timeline: review.timeline ?? ctx.timeline!,
    qa: review.qa ?? ctx.qa ?? null,
    runners_up: ctx.curation?.runnersUp ?? [],
    title: row.title,
    description: row.description,
    tags: row.tags,
    thumbnails: (ctx.metadata?.thumbnails ?? []).map((p, i) => ({ index: i + 1, rule: p.rule, clip_id: p.clipId, source_time: p.sourceTime })),
    thumbnail: review.thumbnail ?? 1,
    preview_url: previewPath ? `/api/productions/${row.productionId}/files/${previewPath.split("/").pop()}` : null,
    edits: edits.map((e) => ({ author: e.author, kind: e.kind, detail: e.detail, at: e.createdAt.toISOString() })),
  };
}

interface Item {
  clip: ClipRow;
  sourceStart: number;
  sourceEnd: number;
  reason: string;
  base?: TimelineEntry;
}

/** Lays items out in order with the base cut's transitions by position, as the editor does. */
export function relayout(base: Timeline, items: Item[]): Timeline {
  let t = 0;
  const entries: TimelineEntry[] = items.map((it, i) => {
    const slot = base.entries[Math.min(i, base.entries.length - 1)];
    const transition = i === 0 ? "cut" : (slot?.transition ?? "cut");
    const transitionSeconds = i === 0 ? 0 : (slot?.transitionSeconds ?? 0);
    const len = it.sourceEnd - it.sourceStart;
    const overlap = transition === "fade" ? Math.min(transitionSeconds, len / 2) : 0;
    const start = Math.max(0, t - overlap);
    t = start + len;
    const c = it.clip;
    return {
      position: i,
      clipId: c.id,
      externalId: c.externalId,
      filePath: c.filePath,
      sourceStart: Math.round(it.sourceStart * 1000) / 1000,
      sourceEnd: Math.round(it.sourceEnd * 1000) / 1000,
      start: Math.round(start * 1000) / 1000,
      end: Math.round(t * 1000) / 1000,
      transition,
      transitionSeconds,
      audioLevel: it.base?.clipId === c.id ? it.base.audioLevel : audioLevelFor(c.loudnessLufs),
      source: it.base?.clipId === c.id ? it.base.source : clipSource(c),
      focus: it.base?.clipId === c.id ? it.base.focus : focusOf(c),
      section: i === items.length - 1 ? "outro" : (slot?.section === "outro" ? "climax" : (slot?.section ?? "build-up")),
      reason: it.reason,
      title: `${i + 1}. ${(it.base?.clipId === c.id ? it.base.title.replace(/^\d+\.\s*/, "") : (c.sceneDescription ?? c.externalId).split(/[.;]/)[0]!.slice(0, 60))}`,
    };
  });
  return { ...base, entries, duration: Math.round(t * 1000) / 1000 };
}

function checkWindow(it: Item, label: string): void {
  if (it.sourceStart < 0) throw new ReviewError("invalid_edit", `${label}: the in point cannot be before the clip starts`);
  if (it.sourceEnd > it.clip.durationSeconds + 1e-3)
    throw new ReviewError("invalid_edit", `${label}: the out point ${it.sourceEnd.toFixed(2)} s is past the clip's end (${it.clip.durationSeconds.toFixed(2)} s)`);
  if (it.sourceEnd - it.sourceStart < MIN_CLIP_SECONDS / 3) throw new ReviewError("invalid_edit", `${label}: in and out are too close (${(it.sourceEnd - it.sourceStart).toFixed(2)} s)`);
}

/** Applies edits (or a whole list of entries) to the current cut; throws ReviewError on a bad edit. */
export async function applyTimelineUpdate(app: AppContext, row: ProductionRow, base: Timeline, runnersUp: PickRef[], update: TimelineUpdate): Promise<Timeline> {
  const wanted = update.entries?.map((e) => e.clip_id) ?? update.edits?.flatMap((e) => (e.op === "replace" ? [e.clip_id] : [])) ?? [];
  const rows = await clipsById(app, [...base.entries.map((e) => e.clipId), ...wanted.filter((w) => /^[0-9a-f]{8}-/.test(w))]);
  const resolve = async (idOrExternal: string): Promise<ClipRow> => {
    const hit = rows.get(idOrExternal) ?? [...rows.values()].find((r) => r.externalId === idOrExternal) ?? (await app.clips.get(idOrExternal));
    if (!hit) throw new ReviewError("invalid_edit", `no clip "${idOrExternal}"`);
    rows.set(hit.id, hit);
    return hit;
  };
  let items: Item[] = base.entries.map((e) => ({ clip: rows.get(e.clipId)!, sourceStart: e.sourceStart, sourceEnd: e.sourceEnd, reason: e.reason, base: e })).filter((i) => i.clip);
  const runnerReason = (clipId: string) => runnersUp.find((r) => r.clipId === clipId)?.reason;
  if (update.entries) {
    const byClip = new Map(items.map((i) => [i.clip.id, i]));
    const next: Item[] = [];
    for (const e of update.entries) {
      const clip = await resolve(e.clip_id);
      const prev = byClip.get(clip.id);
      const length = prev ? prev.sourceEnd - prev.sourceStart : Math.min(clip.durationSeconds, base.duration / Math.max(1, base.entries.length));
      const w = prev ?? trimWindow(clip, length, runnersUp.find((r) => r.clipId === clip.id)?.moment);
      next.push({
        clip,
        sourceStart: e.source_start ?? ("sourceStart" in w ? w.sourceStart : w.start),
        sourceEnd: e.source_end ?? ("sourceEnd" in w ? w.sourceEnd : w.end),
        reason: prev?.reason ?? runnerReason(clip.id) ?? "chosen by a person in review",
        ...(prev?.base ? { base: prev.base } : {}),
      });
    }
    items = next;
  }
  for (const [n, edit] of (update.edits ?? []).entries()) {
    const label = `edit ${n + 1} (${edit.op})`;
    const at = (p: number) => {
      if (p >= items.length) throw new ReviewError("invalid_edit", `${label}: there is no clip at position ${p} (the cut has ${items.length})`);
      return p;
    };
    if (edit.op === "remove") {
      items.splice(at(edit.position), 1);
      if (!items.length) throw new ReviewError("invalid_edit", `${label}: removing it would leave the cut empty`);
    } else if (edit.op === "move") {
      const [it] = items.splice(at(edit.from), 1);
      items.splice(Math.min(edit.to, items.length), 0, it!);
    } else if (edit.op === "replace") {
      const old = items[at(edit.position)]!;
      const clip = await resolve(edit.clip_id);
      const w = trimWindow(clip, old.sourceEnd - old.sourceStart, runnersUp.find((r) => r.clipId === clip.id)?.moment);
      items[edit.position] = { clip, sourceStart: w.start, sourceEnd: w.end, reason: runnerReason(clip.id) ?? `chosen by a person in review instead of ${old.clip.externalId}` };
    } else {
      const it = items[at(edit.position)]!;
      items[edit.position] = { ...it, sourceStart: it.sourceStart + edit.in, sourceEnd: it.sourceEnd + edit.out };
    }
  }
  items.forEach((it, i) => checkWindow(it, `clip ${i + 1} (${it.clip.externalId})`));
  return relayout(base, items);
}

/** QA on a cut, exactly as the pipeline's QA step runs it. */
export async function checkCut(app: AppContext, services: ProductionServices, tl: Timeline, target: number): Promise<QaVerdict> {
  const rows = await clipsById(app, tl.entries.map((e) => e.clipId));
  const measures = await services.measureWindows(tl);
  return checkTimeline(tl, target, rows, (a, b) => clipSimilarity(a, b, services.fingerprintSimilarity), measures);
}

async function recordEdit(app: AppContext, row: ProductionRow, author: string, kind: string, detail: Record<string, unknown>): Promise<void> {
  await app.database.db.insert(app.database.tables.productionEdits).values({ productionId: row.id, author, kind, detail });
}

/**
 * Applies a person's change. Returns the new cut and its QA verdict; throws ReviewError
 * ("qa_failed", with the verdict) when the cut would fail QA — then nothing is stored.
 */
export async function updateReview(app: AppContext, services: ProductionServices, id: string, update: TimelineUpdate, author: string): Promise<{ timeline: Timeline; qa: QaVerdict; stored: boolean }> {
  const { row, ctx } = await loadProduction(app, id);
  if (row.status !== "awaiting_review") throw new ReviewError("not_awaiting_review", `production ${id} is ${row.status}, not awaiting review`);
  const review = reviewOf(row);
  const base = review.timeline ?? ctx.timeline!;
  const cutChanged = Boolean(update.entries || update.edits?.length);
  const timeline = cutChanged ? await applyTimelineUpdate(app, row, base, ctx.curation?.runnersUp ?? [], update) : base;
  const qa = cutChanged ? await checkCut(app, services, timeline, row.targetDuration) : (review.qa ?? ctx.qa!);
  if (update.dry_run) return { timeline, qa, stored: false };
  if (cutChanged && !qa.passed) throw new ReviewError("qa_failed", `the edited cut fails QA: ${qa.issues.map((i) => i.message).join("; ")}`, qa);
  const thumbs = ctx.metadata?.thumbnails ?? [];
  if (update.thumbnail && update.thumbnail > thumbs.length) throw new ReviewError("invalid_edit", `thumbnail ${update.thumbnail}: this production has ${thumbs.length} thumbnail picks`);
  const chosenThumb = update.thumbnail ? thumbs[update.thumbnail - 1] : undefined;
  const thumbVideoTime = chosenThumb ? timeline.entries.find((e) => e.clipId === chosenThumb.clipId) : undefined;
  await app.productions.update(row.id, {
    ...(update.title ? { title: update.title } : {}),
    ...(update.description !== undefined ? { description: update.description } : {}),
    ...(update.tags ? { tags: update.tags } : {}),
    ...(thumbVideoTime && chosenThumb ? { thumbnailTimestamp: Math.round((thumbVideoTime.start + Math.max(0, chosenThumb.sourceTime - thumbVideoTime.sourceStart)) * 100) / 100 } : {}),
    clipsCount: timeline.entries.length,
    artifacts: { ...(row.artifacts as Record<string, unknown>), review: { timeline, qa, thumbnail: update.thumbnail ?? review.thumbnail ?? 1 } },
  });
  const detail: Record<string, unknown> = {};
  if (update.edits) detail.edits = update.edits;
  if (update.entries) detail.entries = update.entries.map((e) => e.clip_id);
  for (const k of ["title", "description", "tags", "thumbnail"] as const) if (update[k] !== undefined) detail[k] = update[k];
  if (cutChanged) {
    detail.before = base.entries.map((e) => e.externalId);
    detail.after = timeline.entries.map((e) => e.externalId);
    detail.before_ids = base.entries.map((e) => e.clipId);
    detail.after_ids = timeline.entries.map((e) => e.clipId);
  }
  await recordEdit(app, row, author, cutChanged ? "timeline" : "metadata", detail);
  return { timeline, qa, stored: true };
}

/** Records the decision; the caller then runs the production (approve) or it fails (reject). */
export async function recordDecision(app: AppContext, id: string, author: string, decision: { kind: "approve" } | { kind: "reject"; reason: string }): Promise<ProductionRow> {
  const row = await app.productions.get(id);
  if (!row) throw new ReviewError("not_found", `no production "${id}"`);
  if (row.status !== "awaiting_review") throw new ReviewError("not_awaiting_review", `production ${id} is ${row.status}, not awaiting review`);
  await recordEdit(app, row, author, decision.kind, decision.kind === "reject" ? { reason: decision.reason } : {});
  return row;
}

/**
 * How often people took each clip out of a cut in review (removed or replaced), by clip id: what
 * curation learns from the edits. A clip dropped by a person once counts against it next time.
 */
export async function reviewOverrides(app: AppContext): Promise<Map<string, number>> {
  const t = app.database.tables;
  const rows = await app.database.db.select({ detail: t.productionEdits.detail }).from(t.productionEdits).where(eq(t.productionEdits.kind, "timeline"));
  const dropped = new Map<string, number>();
  for (const { detail } of rows) {
    const before = (detail.before_ids as string[] | undefined) ?? [];
    const after = new Set((detail.after_ids as string[] | undefined) ?? []);
    for (const id of before) if (!after.has(id)) dropped.set(id, (dropped.get(id) ?? 0) + 1);
  }
  return dropped;
}
