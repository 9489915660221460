import { asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../client.ts";
import type * as schema from "../schema/sqlite.ts";
import { rawRows } from "../raw.ts";
import { withTransaction } from "../tx.ts";

export type ProductionRow = typeof schema.videoProductions.$inferSelect;
export type NewProduction = typeof schema.videoProductions.$inferInsert;
export type ProductionClipRow = typeof schema.productionClips.$inferSelect;
export type NewProductionClip = typeof schema.productionClips.$inferInsert;

/** Productions, their clips and the production_performance view. */
export class ProductionRepository {
  constructor(private readonly database: Database) {}

  private get t() {
    return this.database.tables;
  }

  private get db() {
    return this.database.db;
  }

  async create(p: NewProduction): Promise<ProductionRow> {
    const [row] = await this.db.insert(this.t.videoProductions).values(p).returning();
    if (!row) throw new Error("insert returned no row");
    return row;
  }

  /** By production_id (the public id) or the row's uuid. */
  async get(productionId: string): Promise<ProductionRow | undefined> {
    const rows = await this.db.select().from(this.t.videoProductions).where(eq(this.t.videoProductions.productionId, productionId)).limit(1);
    if (rows[0]) return rows[0];
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(productionId)) return undefined;
    return (await this.db.select().from(this.t.videoProductions).where(eq(this.t.videoProductions.id, productionId)).limit(1))[0];
  }

  async list(limit = 100): Promise<ProductionRow[]> {
    return this.db.select().from(this.t.videoProductions).orderBy(desc(this.t.videoProductions.createdAt)).limit(limit);
  }

  async listByStatus(statuses: string[]): Promise<ProductionRow[]> {
    const rows = await this.db.select().from(this.t.videoProductions).orderBy(asc(this.t.videoProductions.createdAt));
    return rows.filter((r) => statuses.includes(r.status));
  }

  async update(id: string, patch: Partial<NewProduction>): Promise<ProductionRow | undefined> {
    const [row] = await this.db.update(this.t.videoProductions).set(patch).where(eq(this.t.videoProductions.id, id)).returning();
    return row;
  }

  /**
   * Replaces a production's clip list and marks each newly listed clip used, in one transaction.
   * Running it again with the same clips (a resumed step) counts no use twice.
   */
  async setClips(productionRowId: string, clips: Omit<NewProductionClip, "productionId">[], usedAt = new Date()): Promise<void> {
    await withTransaction(this.database, async (tx) => {
      const before = await tx
        .select({ clipId: this.t.productionClips.clipId })
        .from(this.t.productionClips)
        .where(eq(this.t.productionClips.productionId, productionRowId));
      const counted = new Set(before.map((r) => r.clipId));
      await tx.delete(this.t.productionClips).where(eq(this.t.productionClips.productionId, productionRowId));
      if (!clips.length) return;
      // Every listed clip's use is counted here (now or on an earlier run), so feedback will not count it again.
      await tx.insert(this.t.productionClips).values(clips.map((c) => ({ ...c, productionId: productionRowId, usageCountedAt: usedAt })));
      for (const c of clips.filter((x) => !counted.has(x.clipId))) {
        await tx
          .update(this.t.videoClips)
          .set({ timesUsed: sql`${this.t.videoClips.timesUsed} + 1`, lastUsedAt: usedAt })
          .where(eq(this.t.videoClips.id, c.clipId));
      }
    });
  }

  async clips(productionRowId: string): Promise<ProductionClipRow[]> {
    return this.db
      .select()
      .from(this.t.productionClips)
      .where(eq(this.t.productionClips.productionId, productionRowId))
      .orderBy(asc(this.t.productionClips.positionIndex));
  }

  /** Rows of the production_performance view. */
  async performance() {
    return rawRows<{ production_id: string; views: number | null; retention_rate: number | null; clip_count: number; avg_clip_viral_potential: number | null; avg_clip_intensity: number | null }>(
      this.database,
      sql`SELECT * FROM production_performance ORDER BY production_id`,
    );
  }
}
