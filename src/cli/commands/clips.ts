import { z } from "zod";
import { createApp } from "../../app.ts";
import type { Config } from "../../config.ts";
import { CLIP_SOURCES, CLIP_STATUSES, EMOTIONAL_TONES } from "../../db/enums.ts";
import { clipToJson } from "../../services/clip-json.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { formatTable, printJson, validateFlags } from "../output.ts";

const num = (lo: number, hi: number) => z.coerce.number().min(lo).max(hi);

const listFlags = z.strictObject({
  json: z.boolean().optional(),
  status: z.enum(CLIP_STATUSES).optional(),
  source: z.enum(CLIP_SOURCES).optional(),
  "rights-cleared": z.boolean().optional(),
  tone: z.enum(EMOTIONAL_TONES).optional(),
  "min-intensity": num(0, 10).optional(),
  limit: z.coerce.number().int().min(1).max(100000).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
const showFlags = z.strictObject({ json: z.boolean().optional() });

/** `reelsmith clips list|show`. */
export async function clipsCommand(args: ParsedArgs, config: Config): Promise<number> {
  const [sub, ...rest] = args.positionals;
  if (sub !== "list" && sub !== "show") throw new UsageError('expected "clips list" or "clips show <id>"');
  // Bad input is refused before anything (the database included) is opened or created.
  const f = validateFlags(sub === "list" ? listFlags : showFlags, args.flags) as z.infer<typeof listFlags>;
  if (sub === "list" && rest.length) throw new UsageError("clips list takes no positional arguments");
  const [id, extra] = rest;
  if (sub === "show" && (!id || extra)) throw new UsageError("expected one clip id or external_id");
  const app = await createApp(config);
  try {
    if (sub === "list") {
      const rows = await app.clips.list({
        status: f.status,
        source: f.source,
        rightsCleared: f["rights-cleared"],
        tone: f.tone,
        minIntensity: f["min-intensity"],
        limit: f.limit ?? 1000,
        offset: f.offset,
        orderBy: "external_id",
      });
      if (f.json) {
        printJson({ count: rows.length, clips: rows.map(clipToJson) });
        return 0;
      }
      process.stdout.write(
        `${formatTable(
          ["external_id", "status", "dur", "size", "rights", "tone", "int", "viral", "file", "reason"],
          rows.map((c) => [
            c.externalId,
            c.status,
            c.durationSeconds.toFixed(1),
            c.resolutionWidth ? `${c.resolutionWidth}x${c.resolutionHeight}` : "",
            c.rightsCleared ? "cleared" : "no",
            c.emotionalTone,
            c.intensity?.toFixed(1),
            c.viralPotential?.toFixed(1),
            c.filePath.split("/").pop(),
            c.status === "failed" ? c.statusReason : c.rightsCleared ? "" : c.rightsReason,
          ]),
        )}\n${rows.length} clip(s)\n`,
      );
      return 0;
    }
    const clip = await app.clips.get(id!);
    if (!clip) {
      process.stderr.write(`reelsmith clips show: no clip "${id}"\n`);
      return 1;
    }
    const [tags, links, frames] = await Promise.all([app.clips.tags(clip.id), app.clips.links(clip.id), app.clips.frames(clip.id)]);
    const doc = {
      ...clipToJson(clip),
      semantic_tags: tags.map((t) => ({ tag: t.tag, confidence: t.confidence, source: t.source })),
      near_duplicates: links.map((l) => ({ clip_id: l.otherClipId, external_id: l.externalId, similarity: l.similarity })),
      keyframes: frames.map((fr) => ({ time: fr.timeSeconds, reason: fr.reason, image_path: fr.imagePath, embedding_model: fr.embeddingModel })),
    };
    if (f.json) printJson(doc);
    else {
      for (const [k, v] of Object.entries(doc)) {
        if (v === null || (Array.isArray(v) && v.length === 0)) continue;
        const text = typeof v === "object" ? JSON.stringify(v) : String(v);
        process.stdout.write(`${k.padEnd(24)} ${text.length > 200 ? `${text.slice(0, 197)}…` : text}\n`);
      }
    }
    return 0;
  } finally {
    await app.close();
  }
}
