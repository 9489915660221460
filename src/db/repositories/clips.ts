import { and, asc, desc, eq, gte, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../client.ts";
import type * as schema from "../schema/sqlite.ts";
import { rawRows } from "../raw.ts";
import { withTransaction } from "../tx.ts";
import type { ClipSource, ClipStatus, TagSource } from "../enums.ts";

export type ClipRow = typeof schema.videoClips.$inferSelect;
export type NewClip = typeof schema.videoClips.$inferInsert;
export type TagInput = { tag: string; confidence: number; source: TagSource };
export type FrameInput = Omit<typeof schema.clipFrames.$inferInsert, "clipId">;

export interface ClipFilter {
  status?: ClipStatus;
  rightsCleared?: boolean;
  source?: ClipSource;
  tone?: string;
  minIntensity?: number;
  maxIntensity?: number;
  ids?: string[];
  limit?: number;
  offset?: number;
  orderBy?: "created_at" | "viral_potential" | "external_id";
}

/** All queries on video_clips and the tables that hang off it. */
export class ClipRepository {
  constructor(private readonly database: Database) {}

  private get t() {
    return this.database.tables;
  }

  private get db() {
    return this.database.db;
  }

  /** A clip by uuid or by external_id (clip_0001). */
  async get(idOrExternal: string): Promise<ClipRow | undefined> {
    const uuidLike = /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(idOrExternal);
    const cond = uuidLike ? eq(this.t.videoClips.id, idOrExternal) : eq(this.t.videoClips.externalId, idOrExternal);
    const rows = await this.db.select().from(this.t.videoClips).where(cond).limit(1);
    return rows[0];
  }

  async findByHash(fileHash: string): Promise<ClipRow | undefined> {
    const rows = await this.db.select().from(this.t.videoClips).where(eq(this.t.videoClips.fileHash, fileHash)).limit(1);
    return rows[0];
  }

  async findByPath(filePath: string): Promise<ClipRow | undefined> {
    const rows = await this.db
      .select()
      .from(this.t.videoClips)
      .where(eq(this.t.videoClips.filePath, filePath))
      .orderBy(desc(this.t.videoClips.createdAt))
      .limit(1);
    return rows[0];
  }

  /** Lists clips with the seed's filters; newest first unless told otherwise. */
  async list(filter: ClipFilter = {}): Promise<ClipRow[]> {
    const order =
      filter.orderBy === "viral_potential"
        ? [sql`${this.t.videoClips.viralPotential} DESC NULLS LAST`, asc(this.t.videoClips.externalId)]
        : filter.orderBy === "external_id"
          ? [asc(this.t.videoClips.externalId)]
          : [desc(this.t.videoClips.createdAt), asc(this.t.videoClips.externalId)];
    return this.db
      .select()
      .from(this.t.videoClips)
      .where(this.where(filter))
      .orderBy(...order)
      .limit(filter.limit ?? 1000)
      .offset(filter.offset ?? 0);
  }

  /** The fields search needs to filter, explain and point at moments — not the heavy JSON ones. */
  async forSearch(ids: string[]) {
    if (!ids.length) return [];
    const c = this.t.videoClips;
    return this.db
      .select({
        id: c.id, externalId: c.externalId, filePath: c.filePath, durationSeconds: c.durationSeconds, status: c.status,
        rightsCleared: c.rightsCleared, intensity: c.intensity, emotionalTone: c.emotionalTone, keyMoments: c.keyMoments,
        detectedObjects: c.detectedObjects, detectedActions: c.detectedActions, transcriptWords: c.transcriptWords, soundEventSpans: c.soundEventSpans,
        themeFailsAccidents: c.themeFailsAccidents, themeExtremeSports: c.themeExtremeSports, themeComedy: c.themeComedy, themeWholesome: c.themeWholesome,
        themeInstantRegret: c.themeInstantRegret, themeTutorialFail: c.themeTutorialFail, themeAnimalAntics: c.themeAnimalAntics, themeEpicWins: c.themeEpicWins,
      })
      .from(c)
      .where(inArray(c.id, ids));
  }

  async count(filter: ClipFilter = {}): Promise<number> {
    const rows = await this.db
      .select({ n: sql<number>`count(*)` })
      .from(this.t.videoClips)
      .where(this.where(filter));
    return Number(rows[0]?.n ?? 0);
  }

  private where(f: ClipFilter): SQL | undefined {
    const conds: (SQL | undefined)[] = [
      f.status ? eq(this.t.videoClips.status, f.status) : undefined,
      f.rightsCleared !== undefined ? eq(this.t.videoClips.rightsCleared, f.rightsCleared) : undefined,
      f.source ? eq(this.t.videoClips.source, f.source) : undefined,
      f.tone ? eq(this.t.videoClips.emotionalTone, f.tone) : undefined,
      f.minIntensity !== undefined ? gte(this.t.videoClips.intensity, f.minIntensity) : undefined,
      f.maxIntensity !== undefined ? lte(this.t.videoClips.intensity, f.maxIntensity) : undefined,
      f.ids ? inArray(this.t.videoClips.id, f.ids.length ? f.ids : ["00000000-0000-0000-0000-000000000000"]) : undefined,
    ];
    const present = conds.filter((c): c is SQL => c !== undefined);
    return present.length ? and(...present) : undefined;
  }

  /** The next readable id (clip_0001, clip_0002, …), one past the highest in use. */
  async nextExternalId(): Promise<string> {
    const rows = await this.db
      .select({ max: sql<number | null>`max(CAST(substr(${this.t.videoClips.externalId}, 6) AS INTEGER))` })
      .from(this.t.videoClips)
      .where(sql`${this.t.videoClips.externalId} LIKE 'clip\\_%' ESCAPE '\\'`);
    const n = Number(rows[0]?.max ?? 0);
    return `clip_${String((Number.isFinite(n) ? n : 0) + 1).padStart(4, "0")}`;
  }

  /**
   * Inserts a clip with its tags and frames in one transaction, picking the next external id;
   * retries when another writer took that id first (unique violation).
   */
  async create(clip: Omit<NewClip, "externalId"> & { externalId?: string }, tags: TagInput[] = [], frames: FrameInput[] = []): Promise<ClipRow> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await withTransaction(this.database, async (tx) => {
          const externalId = clip.externalId ?? (await this.nextExternalId());
          const [row] = await tx.insert(this.t.videoClips).values({ ...clip, externalId }).returning();
          if (!row) throw new Error("insert returned no row");
          if (tags.length) await tx.insert(this.t.semanticTags).values(dedupeTags(tags).map((t) => ({ ...t, clipId: row.id })));
          if (frames.length) await tx.insert(this.t.clipFrames).values(frames.map((f) => ({ ...f, clipId: row.id })));
          return row;
        });
      } catch (err) {
        const msg = String((err as Error).message);
        if (attempt < 5 && !clip.externalId && /external_id/.test(msg) && /unique|duplicate/i.test(msg)) continue;
        throw err;
      }
    }
  }

  /** Updates fields of one clip; returns the new row. */
  async update(id: string, patch: Partial<NewClip>): Promise<ClipRow | undefined> {
    const [row] = await this.db.update(this.t.videoClips).set(patch).where(eq(this.t.videoClips.id, id)).returning();
    return row;
  }

  /** Re-analysis of a stored clip: fields, this source's tags and the keyframes, in one transaction. */
  async saveAnalysis(id: string, patch: Partial<NewClip>, tags: TagInput[], frames: FrameInput[]): Promise<ClipRow> {
    return withTransaction(this.database, async (tx) => {
      const [row] = await tx.update(this.t.videoClips).set(patch).where(eq(this.t.videoClips.id, id)).returning();
      if (!row) throw new Error(`clip ${id} vanished during re-analysis`);
      const sources = [...new Set(tags.map((t) => t.source))];
      if (sources.length) await tx.delete(this.t.semanticTags).where(and(eq(this.t.semanticTags.clipId, id), inArray(this.t.semanticTags.source, sources)));
      const keep = new Set((await tx.select({ tag: this.t.semanticTags.tag }).from(this.t.semanticTags).where(eq(this.t.semanticTags.clipId, id))).map((r) => r.tag));
      const fresh = dedupeTags(tags).filter((t) => !keep.has(t.tag));
      if (fresh.length) await tx.insert(this.t.semanticTags).values(fresh.map((t) => ({ ...t, clipId: id })));
      await tx.delete(this.t.clipFrames).where(eq(this.t.clipFrames.clipId, id));
      if (frames.length) await tx.insert(this.t.clipFrames).values(frames.map((f) => ({ ...f, clipId: id })));
      return row;
    });
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.db.delete(this.t.videoClips).where(eq(this.t.videoClips.id, id)).returning({ id: this.t.videoClips.id });
    return rows.length > 0;
  }

  async tags(clipId: string) {
    return this.db
      .select()
      .from(this.t.semanticTags)
      .where(eq(this.t.semanticTags.clipId, clipId))
      .orderBy(desc(this.t.semanticTags.confidence), asc(this.t.semanticTags.tag));
  }

  /** Replaces the tags of one source (keeps manual tags when re-analysing, for example). */
  async replaceTags(clipId: string, source: TagSource, tags: TagInput[]): Promise<void> {
    await withTransaction(this.database, async (tx) => {
      await tx.delete(this.t.semanticTags).where(and(eq(this.t.semanticTags.clipId, clipId), eq(this.t.semanticTags.source, source)));
      const keep = new Set((await tx.select({ tag: this.t.semanticTags.tag }).from(this.t.semanticTags).where(eq(this.t.semanticTags.clipId, clipId))).map((r) => r.tag));
      const fresh = dedupeTags(tags).filter((t) => !keep.has(t.tag));
      if (fresh.length) await tx.insert(this.t.semanticTags).values(fresh.map((t) => ({ ...t, source, clipId })));
    });
  }

  async frames(clipId: string) {
    return this.db.select().from(this.t.clipFrames).where(eq(this.t.clipFrames.clipId, clipId)).orderBy(asc(this.t.clipFrames.timeSeconds));
  }

  /** Every analysed clip's fingerprint, for near-duplicate matching at index time. */
  async fingerprints(): Promise<{ id: string; externalId: string; perceptualHash: string[] }[]> {
    return this.db
      .select({ id: this.t.videoClips.id, externalId: this.t.videoClips.externalId, perceptualHash: this.t.videoClips.perceptualHash })
      .from(this.t.videoClips)
      .where(eq(this.t.videoClips.status, "analyzed"));
  }

  /** Records a symmetric near-duplicate link (idempotent). */
  async linkNearDuplicate(a: string, b: string, similarity: number): Promise<void> {
    const rows = [
      { clipId: a, otherClipId: b, kind: "near_duplicate" as const, similarity },
      { clipId: b, otherClipId: a, kind: "near_duplicate" as const, similarity },
    ];
    await this.db.insert(this.t.clipLinks).values(rows).onConflictDoNothing();
  }

  async links(clipId: string) {
    return this.db
      .select({ otherClipId: this.t.clipLinks.otherClipId, kind: this.t.clipLinks.kind, similarity: this.t.clipLinks.similarity, externalId: this.t.videoClips.externalId })
      .from(this.t.clipLinks)
      .innerJoin(this.t.videoClips, eq(this.t.videoClips.id, this.t.clipLinks.otherClipId))
      .where(or(eq(this.t.clipLinks.clipId, clipId)));
  }

  /** Rows of a seed view: usable_clips or underutilized_clips. */
  async fromView(view: "usable_clips" | "underutilized_clips"): Promise<{ id: string; external_id: string }[]> {
    return rawRows(this.database, sql`SELECT id, external_id FROM ${sql.identifier(view)} ORDER BY external_id`);
  }
}

/** Keeps the highest confidence per tag (the table is unique on clip_id, tag). */
export function dedupeTags(tags: TagInput[]): TagInput[] {
  const best = new Map<string, TagInput>();
  for (const t of tags) {
    const tag = t.tag.trim().toLowerCase();
    if (!tag) continue;
    const confidence = Math.max(0, Math.min(1, t.confidence));
    const prev = best.get(tag);
    if (!prev || prev.confidence < confidence) best.set(tag, { ...t, tag, confidence });
  }
  return [...best.values()];
}
