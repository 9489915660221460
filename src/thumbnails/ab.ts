/**
 * Thumbnail A/B test. Each production has three variants (the seed's picks); the platform (or
 * whoever publishes) reports impressions and clicks per variant.
 *
 * The rule: no winner until EVERY variant has at least MIN_IMPRESSIONS impressions (100); then
 * the winner is the variant with the highest click-through rate (clicks ÷ impressions), ties
 * going to the lower variant number (the seed's order of preference). The winner is marked
 * `chosen`, and the production's thumbnail follows it.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AppContext } from "../app.ts";

export const MIN_IMPRESSIONS = 100;

export const thumbnailEventsSchema = z
  .strictObject({ impressions: z.number().int().min(0).max(1e9).default(0), clicks: z.number().int().min(0).max(1e9).default(0) })
  .refine((v) => v.impressions + v.clicks > 0, { message: "report impressions, clicks or both" });

export class ThumbnailError extends Error {
  constructor(
    message: string,
    readonly code: "not_found" | "invalid",
  ) {
    super(message);
    this.name = "ThumbnailError";
  }
}

export interface VariantRecord {
  variant: number;
  strategy: string;
  size: string;
  imagePath: string;
  clipId: string | null;
  timeSeconds: number | null;
}

/** Stores (or refreshes) a production's variants; figures already gathered are kept. */
export async function recordVariants(app: AppContext, productionRowId: string, variants: VariantRecord[]): Promise<void> {
  const t = app.database.tables.thumbnailVariants;
  for (const v of variants)
    await app.database.db
      .insert(t)
      .values({ productionId: productionRowId, ...v })
      .onConflictDoUpdate({ target: [t.productionId, t.variant, t.size], set: { imagePath: v.imagePath, strategy: v.strategy, clipId: v.clipId, timeSeconds: v.timeSeconds } });
}

async function rowId(app: AppContext, productionId: string): Promise<string> {
  const p = await app.productions.get(productionId);
  if (!p) throw new ThumbnailError(`no production "${productionId}"`, "not_found");
  return p.id;
}

export async function thumbnailResults(app: AppContext, productionId: string) {
  const id = await rowId(app, productionId);
  const t = app.database.tables.thumbnailVariants;
  const rows = await app.database.db.select().from(t).where(eq(t.productionId, id)).orderBy(asc(t.variant), asc(t.size));
  const byVariant = new Map<number, { impressions: number; clicks: number }>();
  for (const r of rows) {
    const v = byVariant.get(r.variant) ?? { impressions: 0, clicks: 0 };
    v.impressions += r.impressions;
    v.clicks += r.clicks;
    byVariant.set(r.variant, v);
  }
  const variants = [...byVariant].map(([variant, f]) => ({ variant, ...f, ctr: f.impressions ? Math.round((f.clicks / f.impressions) * 10000) / 10000 : null }));
  const ready = variants.length > 0 && variants.every((v) => v.impressions >= MIN_IMPRESSIONS);
  const winner = ready ? variants.reduce((a, b) => ((b.ctr ?? 0) > (a.ctr ?? 0) ? b : a)).variant : null;
  return {
    production_id: productionId,
    min_impressions: MIN_IMPRESSIONS,
    winner,
    reason: winner
      ? `variant ${winner} has the highest click-through rate with at least ${MIN_IMPRESSIONS} impressions on every variant`
      : `waiting: every variant needs ${MIN_IMPRESSIONS} impressions (${variants.map((v) => `${v.variant}: ${v.impressions}`).join(", ")})`,
    variants: variants.map((v) => ({
      ...v,
      images: rows.filter((r) => r.variant === v.variant).map((r) => ({ size: r.size, file: r.imagePath.split("/").pop()!, strategy: r.strategy })),
    })),
  };
}

/** Adds impressions and clicks to one variant; clicks can never exceed impressions. */
export async function recordThumbnailEvents(app: AppContext, productionId: string, variant: number, input: unknown) {
  const e = thumbnailEventsSchema.parse(input);
  const id = await rowId(app, productionId);
  const t = app.database.tables.thumbnailVariants;
  const [row] = await app.database.db.select().from(t).where(and(eq(t.productionId, id), eq(t.variant, variant))).orderBy(asc(t.size)).limit(1);
  if (!row) throw new ThumbnailError(`production ${productionId} has no thumbnail variant ${variant}`, "not_found");
  if (row.clicks + e.clicks > row.impressions + e.impressions)
    throw new ThumbnailError(`variant ${variant} would have more clicks (${row.clicks + e.clicks}) than impressions (${row.impressions + e.impressions})`, "invalid");
  await app.database.db
    .update(t)
    .set({ impressions: sql`${t.impressions} + ${e.impressions}`, clicks: sql`${t.clicks} + ${e.clicks}` })
    .where(and(eq(t.productionId, id), eq(t.variant, variant), eq(t.size, row.size)));
  const results = await thumbnailResults(app, productionId);
  if (results.winner !== null) await app.database.db.update(t).set({ chosen: sql`${t.variant} = ${results.winner}` }).where(eq(t.productionId, id));
  return results;
}
