import type { AppContext } from "../app.ts";
import type { ClipRow } from "../db/repositories/clips.ts";
import type { IndexClipContext } from "../machines/index-clip.ts";
import { stat } from "node:fs/promises";
import { sha256File } from "../media/hash.ts";

/**
 * Records a file that could not be indexed as a clip with status "failed" and its reason, so
 * `clips list` shows it. Never touches a clip that was analysed before: an existing row with the
 * same content is left alone (and a failed row for the same path is updated in place).
 */
export async function recordFailure(app: AppContext, ctx: IndexClipContext, reason: string): Promise<ClipRow | undefined> {
  const path = ctx.input.path;
  let hash = ctx.fileHash;
  if (!hash) {
    try {
      hash = await sha256File(path);
    } catch {
      // Unreadable or vanished: key the row by path so a later run finds and updates it.
      hash = `unreadable:${new Bun.CryptoHasher("sha256").update(path).digest("hex")}`;
    }
  }
  const sameContent = await app.clips.findByHash(hash);
  if (sameContent) {
    if (sameContent.status !== "failed") return undefined;
    return app.clips.update(sameContent.id, { statusReason: reason, filePath: path, lastAnalyzedAt: new Date() });
  }
  const p = ctx.probe;
  // The size lets the next run see the file is unchanged and leave it be.
  const size = p?.fileSizeBytes ?? (await stat(path).then((s) => s.size).catch(() => null));
  return app.clips.create({
    filePath: path,
    fileHash: hash,
    durationSeconds: p?.durationSeconds ?? 0,
    resolutionWidth: p?.width || null,
    resolutionHeight: p?.height || null,
    fps: p?.fps || null,
    fileSizeBytes: size,
    codec: p?.videoCodec ?? null,
    audioCodec: p?.audioCodec ?? null,
    status: "failed",
    statusReason: `${ctx.failedAt ?? "index"}: ${reason}`,
    source: ctx.input.source ?? "user_upload",
    license: ctx.input.license ?? null,
    rightsCleared: false,
    rightsReason: "not usable: indexing failed",
    lastAnalyzedAt: new Date(),
    customMetadata: { ...(ctx.input.extra ?? {}), index_task_id: ctx.input.taskId },
  });
}
