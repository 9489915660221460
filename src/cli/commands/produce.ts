import { copyFile, mkdir } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { createApp, type AppContext } from "../../app.ts";
import type { Config } from "../../config.ts";
import { STYLES } from "../../db/enums.ts";
import type { ProductionRow } from "../../db/repositories/productions.ts";
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

async function run(app: AppContext, id: string, json: boolean, outDir?: string): Promise<number> {
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
    let row = await runProduction(app, services, id, { signal: controller.signal });
    clearInterval(timer);
    if (outDir && row.status === "completed") row = await copyOut(app, row, outDir);
    bar?.update(Math.round(row.progress), row.status);
    bar?.finish();
    const doc = await productionJson(app, row);
    if (json) printJson(doc);
    else if (row.status === "completed") process.stdout.write(`${row.title}\nvideo: ${row.finalVideoPath} (${row.finalDuration?.toFixed(1)} s, ${doc.clips && (doc.clips as unknown[]).length} clips)\n`);
    else if (row.status === "awaiting_review") process.stdout.write(`${row.productionId} is waiting for review: reelsmith productions show ${row.productionId}\n`);
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
  const f = validateFlags(jsonOnly, args.flags);
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
      if (f.json) printJson({ ...doc, machine_state: row.stage, snapshot_saved: Boolean(row.machineSnapshot) });
      else for (const [k, v] of Object.entries(doc)) if (v !== null && !(Array.isArray(v) && !v.length)) process.stdout.write(`${k.padEnd(18)} ${typeof v === "object" ? JSON.stringify(v) : String(v)}\n`);
      return 0;
    }
    if (sub === "resume") {
      if (!RESUMABLE.includes(row.status)) throw new UsageError(`${row.productionId} is ${row.status}: only unfinished productions can be resumed`);
      return await run(app, row.productionId, Boolean(f.json));
    }
    throw new UsageError('expected "productions list", "productions show <id>" or "productions resume <id>"');
  } finally {
    await app.close();
  }
}
