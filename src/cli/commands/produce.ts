import { copyFile, mkdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { createApp, type AppContext } from "../../app.ts";
import type { Config } from "../../config.ts";
import { STYLES } from "../../db/enums.ts";
import type { ProductionRow } from "../../db/repositories/productions.ts";
import { getReview, recordDecision, ReviewError, updateReview, type ReviewEdit } from "../../production/review.ts";
import { createProduction, RESUMABLE, runProduction } from "../../production/service.ts";
import { createProductionServices } from "../../production/services-impl.ts";
import { ASPECTS, RESOLUTIONS } from "../../production/types.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { createProgressBar, formatTable, printJson, validateFlags } from "../output.ts";

const produceFlags = z.strictObject({
  json: z.boolean().optional(),
  theme: z.string().trim().min(2, "say what the video is about"),
  duration: z.coerce.number().min(10).max(3600),
  style: z.enum(STYLES).default("energetic"),
  aspect: z.enum(ASPECTS).default("16:9"),
  resolution: z.enum(RESOLUTIONS).default("1080p"),
  out: z.string().trim().min(1).optional(),
  review: z.boolean().optional(),
});
const jsonOnly = z.strictObject({ json: z.boolean().optional() });
const position = (label: string) => z.coerce.number().int().min(1, `${label}: positions count from 1`);
const pair = (flag: string, re: RegExp, hint: string) => z.array(z.string().regex(re, `--${flag} takes ${hint}`)).optional();
const editFlags = z.strictObject({
  json: z.boolean().optional(),
  remove: pair("remove", /^\d+$/, "a position, e.g. --remove 3"),
  move: pair("move", /^\d+:\d+$/, "FROM:TO positions, e.g. --move 4:1"),
  replace: pair("replace", /^\d+:\S+$/, "N:clip_id, e.g. --replace 2:clip_0042"),
  nudge: pair("nudge", /^\d+:-?[\d.]+:-?[\d.]+$/, "N:IN:OUT seconds, e.g. --nudge 2:0.5:-1"),
  title: z.string().trim().min(1).optional(),
  "dry-run": z.boolean().optional(),
});
const rejectFlags = z.strictObject({ json: z.boolean().optional(), reason: z.string().trim().min(3, "say why the cut is rejected") });

/** CLI positions count from 1 (as the review page shows them); edits use 0-based positions. */
function cliEdits(f: z.infer<typeof editFlags>): ReviewEdit[] {
  const edits: ReviewEdit[] = [];
  for (const r of f.remove ?? []) edits.push({ op: "remove", position: position("--remove").parse(r) - 1 });
  for (const m of f.move ?? []) {
    const [a, b] = m.split(":");
    edits.push({ op: "move", from: position("--move").parse(a) - 1, to: position("--move").parse(b) - 1 });
  }
  for (const r of f.replace ?? []) {
    const at = r.indexOf(":");
    edits.push({ op: "replace", position: position("--replace").parse(r.slice(0, at)) - 1, clip_id: r.slice(at + 1) });
  }
  for (const n of f.nudge ?? []) {
    const [p, a, b] = n.split(":");
    edits.push({ op: "nudge", position: position("--nudge").parse(p) - 1, in: Number(a), out: Number(b) });
  }
  return edits;
}

/** The JSON a production reports: the video, its files, metadata and clips with reasons. */
export async function productionJson(app: AppContext, row: ProductionRow): Promise<Record<string, unknown>> {
  const clips = await app.productions.clips(row.id);
  const rows = await app.clips.list({ ids: clips.map((c) => c.clipId), limit: clips.length || 1 });
  const ext = new Map(rows.map((r) => [r.id, r]));
  const a = row.artifacts as Record<string, unknown>;
  return {
    production_id: row.productionId,
    status: row.status,
    stage: row.stage,
    progress: row.progress,
    error: row.error,
    theme: row.theme,
    target_duration: row.targetDuration,
    style: row.style,
    aspect: row.aspect,
    resolution: row.resolution,
    video_path: row.finalVideoPath,
    final_duration: row.finalDuration,
    title: row.title,
    description: row.description,
    tags: row.tags,
    thumbnail_timestamp: row.thumbnailTimestamp,
    estimated_views: row.estimatedViews,
    thumbnails: a.thumbnails ?? [],
    captions_path: a.captionsPath ?? null,
    timeline_path: a.timelinePath ?? null,
    otio_path: a.otioPath ?? null,
    edl_path: a.edlPath ?? null,
    encoder: a.encoder ?? null,
    clips: clips.map((c) => ({
      position: c.positionIndex,
      clip_id: c.clipId,
      external_id: ext.get(c.clipId)?.externalId,
      file_path: ext.get(c.clipId)?.filePath,
      start: c.startTimeInVideo,
      end: c.endTimeInVideo,
      source_start: c.sourceStart,
      source_end: c.sourceEnd,
      transition: c.transitionBefore,
      reason: c.reason,
    })),
  };
}

async function run(app: AppContext, id: string, json: boolean, outDir?: string, decision: { approve?: boolean; reject?: { reason: string } } = {}): Promise<number> {
  const services = await createProductionServices(app);
  const bar = json ? undefined : createProgressBar(100, "%");
  const timer = setInterval(async () => {
    const r = await app.productions.get(id);
    if (r) bar?.update(Math.round(r.progress), r.stage ?? r.status);
  }, 500);
  const controller = new AbortController();
  const onSig = () => controller.abort();
  process.once("SIGINT", onSig);
  try {
    let row = await runProduction(app, services, id, { signal: controller.signal, ...decision });
    clearInterval(timer);
    if (outDir && row.status === "completed") row = await copyOut(app, row, outDir);
    bar?.update(Math.round(row.progress), row.status);
    bar?.finish();
    const doc = await productionJson(app, row);
    if (json) printJson(doc);
    else if (row.status === "completed") process.stdout.write(`${row.title}\nvideo: ${row.finalVideoPath} (${row.finalDuration?.toFixed(1)} s, ${doc.clips && (doc.clips as unknown[]).length} clips)\n`);
    else if (row.status === "awaiting_review") process.stdout.write(`${row.productionId} is waiting for review: reelsmith productions show ${row.productionId}\n`);
    else if (decision.reject && row.status === "failed") {
      process.stdout.write(`${row.productionId} rejected: ${row.error}\n`);
      return 0;
    }
    else process.stderr.write(`reelsmith produce: ${row.productionId} ${row.status}: ${row.error}\n`);
    return row.status === "completed" || row.status === "awaiting_review" ? 0 : 1;
  } finally {
    clearInterval(timer);
    process.off("SIGINT", onSig);
    await services.dispose();
  }
}

/** Copies the video and its side files into --out and records the new paths. */
async function copyOut(app: AppContext, row: ProductionRow, outDir: string): Promise<ProductionRow> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const move = async (p: unknown) => {
    if (typeof p !== "string" || !p) return p;
    const dest = join(dir, basename(p));
    await copyFile(p, dest);
    return dest;
  };
  const a = row.artifacts as Record<string, unknown>;
  const thumbs = await Promise.all(((a.thumbnails as { path: string }[] | undefined) ?? []).map(async (t) => ({ ...t, path: await move(t.path) })));
  const artifacts = { ...a, thumbnails: thumbs, captionsPath: await move(a.captionsPath), otioPath: await move(a.otioPath), edlPath: await move(a.edlPath), timelinePath: await move(a.timelinePath) };
  return (await app.productions.update(row.id, { finalVideoPath: (await move(row.finalVideoPath)) as string, artifacts })) ?? row;
}

/** `reelsmith produce --theme … --duration …`. */
export async function produceCommand(args: ParsedArgs, config: Config): Promise<number> {
  if (args.positionals.length) throw new UsageError("produce takes no positional arguments (use --theme)");
  const f = validateFlags(produceFlags, args.flags);
  const app = await createApp(config);
  try {
    const row = await createProduction(app, { theme: f.theme, target_duration: f.duration, style: f.style, aspect: f.aspect, resolution: f.resolution, review: Boolean(f.review) });
    if (!f.json) process.stderr.write(`production ${row.productionId}\n`);
    return await run(app, row.productionId, Boolean(f.json), f.out);
  } finally {
    await app.close();
  }
}

/** `reelsmith productions list|show|resume <id>`. */
export async function productionsCommand(args: ParsedArgs, config: Config): Promise<number> {
  const [sub, id, extra] = args.positionals;
  const f = validateFlags(sub === "edit" ? editFlags : sub === "reject" ? rejectFlags : jsonOnly, args.flags) as { json?: boolean };
  if (extra) throw new UsageError("too many arguments");
  const app = await createApp(config);
  try {
    if (sub === "list") {
      const rows = await app.productions.list();
      if (f.json) printJson({ productions: rows.map((r) => ({ production_id: r.productionId, status: r.status, theme: r.theme, target_duration: r.targetDuration, progress: r.progress, title: r.title, video_path: r.finalVideoPath, error: r.error, created_at: r.createdAt.toISOString() })) });
      else process.stdout.write(`${formatTable(["production_id", "status", "theme", "target", "progress", "video / error"], rows.map((r) => [r.productionId, r.status, r.theme, r.targetDuration, `${Math.round(r.progress)}%`, r.finalVideoPath ?? r.error ?? ""]))}\n`);
      return 0;
    }
    if (!id) throw new UsageError(`productions ${sub ?? "<list|show|resume>"} needs a production id`);
    const row = await app.productions.get(id);
    if (!row) {
      process.stderr.write(`reelsmith productions: no production "${id}"\n`);
      return 1;
    }
    if (sub === "show") {
      const doc = await productionJson(app, row);
      if (row.status === "awaiting_review") doc.review = await getReview(app, row.productionId);
      if (f.json) printJson({ ...doc, machine_state: row.stage, snapshot_saved: Boolean(row.machineSnapshot) });
      else for (const [k, v] of Object.entries(doc)) if (v !== null && !(Array.isArray(v) && !v.length)) process.stdout.write(`${k.padEnd(18)} ${typeof v === "object" ? JSON.stringify(v) : String(v)}\n`);
      return 0;
    }
    if (sub === "resume") {
      if (!RESUMABLE.includes(row.status)) throw new UsageError(`${row.productionId} is ${row.status}: only unfinished productions can be resumed`);
      return await run(app, row.productionId, Boolean(f.json));
    }
    if (sub === "edit") {
      const ef = f as z.infer<typeof editFlags>;
      const edits = cliEdits(ef);
      if (!edits.length && !ef.title) throw new UsageError("productions edit: say what to change (--remove, --move, --replace, --nudge, --title)");
      const services = await createProductionServices(app);
      try {
        const r = await updateReview(app, services, row.productionId, { ...(edits.length ? { edits } : {}), ...(ef.title ? { title: ef.title } : {}), dry_run: Boolean(ef["dry-run"]) }, process.env.USER ?? "cli");
        if (f.json) printJson({ production_id: row.productionId, stored: r.stored, duration: r.timeline.duration, qa: r.qa, clips: r.timeline.entries.map((e) => ({ position: e.position + 1, external_id: e.externalId, source_start: e.sourceStart, source_end: e.sourceEnd })) });
        else {
          process.stdout.write(`${r.stored ? "saved" : "checked"}: ${r.timeline.entries.length} clips, ${r.timeline.duration.toFixed(1)} s, QA ${r.qa.passed ? "passes" : "fails"}\n`);
          for (const e of r.timeline.entries) process.stdout.write(`  ${String(e.position + 1).padStart(2)}. ${e.externalId} ${e.sourceStart.toFixed(2)}–${e.sourceEnd.toFixed(2)} s\n`);
        }
        return 0;
      } catch (e) {
        if (!(e instanceof ReviewError)) throw e;
        if (f.json) printJson({ production_id: row.productionId, stored: false, error: { code: e.code, message: e.message }, qa: e.qa ?? null });
        process.stderr.write(`reelsmith productions edit: ${e.message}\n`);
        return 1;
      } finally {
        await services.dispose();
      }
    }
    if (sub === "approve" || sub === "reject") {
      try {
        await recordDecision(app, row.productionId, process.env.USER ?? "cli", sub === "approve" ? { kind: "approve" } : { kind: "reject", reason: (f as z.infer<typeof rejectFlags>).reason });
      } catch (e) {
        if (!(e instanceof ReviewError)) throw e;
        process.stderr.write(`reelsmith productions ${sub}: ${e.message}\n`);
        return 1;
      }
      return await run(app, row.productionId, Boolean(f.json), undefined, sub === "approve" ? { approve: true } : { reject: { reason: (f as z.infer<typeof rejectFlags>).reason } });
    }
    throw new UsageError('expected "productions list|show|resume|edit|approve|reject"');
  } finally {
    await app.close();
  }
}
