/**
 * The feedback loop (seed rule): a published video's figures come back, and every clip in it
 * learns from them — times_used + 1 unless that use was already counted, a running average of
 * retention, last_used_at, and viral_potential × 0.9 for clips of a video whose retention was
 * under 0.5. The production row keeps the latest figures, so the production_performance view
 * reflects them. Each report is applied once: posting the same report again changes nothing.
 */
import { createHash } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../app.ts";
import { withTransaction } from "../db/tx.ts";

export const feedbackReportSchema = z.strictObject({
  views: z.number().int().min(0),
  likes: z.number().int().min(0).optional(),
  comments: z.number().int().min(0).optional(),
  avg_watch_time: z.number().min(0).optional(),
  /** Share of the video watched on average, 0..1. */
  retention: z.number().min(0).max(1),
  /** Names the report (e.g. the platform's export id); derived from the figures when absent. */
  report_id: z.string().trim().min(1).max(200).optional(),
});
export type FeedbackReport = z.infer<typeof feedbackReportSchema>;

/** Below this retention the seed lowers its clips' viral potential by 10%. */
export const LOW_RETENTION = 0.5;
export const LOW_RETENTION_FACTOR = 0.9;

export class FeedbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeedbackError";
  }
}

export interface FeedbackResult {
  production_id: string;
  report_id: string;
  applied: boolean;
  clips: { clip_id: string; external_id: string; times_used: number; avg_retention_rate: number | null; viral_potential: number | null }[];
}

export function reportId(r: FeedbackReport): string {
  return r.report_id ?? `sha256:${createHash("sha256").update(JSON.stringify([r.views, r.likes ?? null, r.comments ?? null, r.avg_watch_time ?? null, r.retention])).digest("hex").slice(0, 24)}`;
}

export async function recordFeedback(app: AppContext, productionId: string, input: unknown): Promise<FeedbackResult> {
  const report = feedbackReportSchema.parse(input);
  const id = reportId(report);
  const prod = await app.productions.get(productionId);
  if (!prod) throw new FeedbackError(`no production "${productionId}"`);
  if (prod.status !== "completed") throw new FeedbackError(`production ${prod.productionId} is ${prod.status}: only finished videos are published`);
  const t = app.database.tables;
  const applied = await withTransaction(app.database, async (tx) => {
    const inserted = await tx
      .insert(t.productionMetricReports)
      .values({ productionId: prod.id, reportId: id, views: report.views, likes: report.likes ?? null, comments: report.comments ?? null, avgWatchTime: report.avg_watch_time ?? null, retentionRate: report.retention })
      .onConflictDoNothing()
      .returning({ reportId: t.productionMetricReports.reportId });
    if (!inserted.length) return false;
    await tx
      .update(t.videoProductions)
      .set({ views: report.views, likes: report.likes ?? null, comments: report.comments ?? null, avgWatchTime: report.avg_watch_time ?? null, retentionRate: report.retention })
      .where(eq(t.videoProductions.id, prod.id));
    const uses = await tx.select().from(t.productionClips).where(eq(t.productionClips.productionId, prod.id));
    const now = new Date();
    for (const use of uses) {
      const [clip] = await tx.select().from(t.videoClips).where(eq(t.videoClips.id, use.clipId)).limit(1);
      if (!clip) continue;
      const samples = Number((clip.customMetadata as { retention_samples?: number }).retention_samples ?? (clip.avgRetentionRate === null ? 0 : 1));
      const avg = ((clip.avgRetentionRate ?? 0) * samples + report.retention) / (samples + 1);
      const counted = use.usageCountedAt !== null;
      await tx
        .update(t.videoClips)
        .set({
          timesUsed: counted ? clip.timesUsed : clip.timesUsed + 1,
          lastUsedAt: now,
          avgRetentionRate: Math.round(avg * 10000) / 10000,
          viralPotential: report.retention < LOW_RETENTION && clip.viralPotential !== null ? Math.round(clip.viralPotential * LOW_RETENTION_FACTOR * 1000) / 1000 : clip.viralPotential,
          customMetadata: { ...clip.customMetadata, retention_samples: samples + 1 },
        })
        .where(eq(t.videoClips.id, clip.id));
      if (!counted) await tx.update(t.productionClips).set({ usageCountedAt: now }).where(and(eq(t.productionClips.productionId, prod.id), eq(t.productionClips.clipId, clip.id)));
    }
    return true;
  });
  const uses = await app.productions.clips(prod.id);
  const rows = uses.length ? await app.database.db.select().from(t.videoClips).where(inArray(t.videoClips.id, uses.map((u) => u.clipId))) : [];
  return {
    production_id: prod.productionId,
    report_id: id,
    applied,
    clips: rows.map((c) => ({ clip_id: c.id, external_id: c.externalId, times_used: c.timesUsed, avg_retention_rate: c.avgRetentionRate, viral_potential: c.viralPotential })),
  };
}

