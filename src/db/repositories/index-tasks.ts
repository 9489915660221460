import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "../client.ts";
import type { IndexTaskStatus } from "../enums.ts";
import type * as schema from "../schema/sqlite.ts";

export type IndexTaskRow = typeof schema.indexTasks.$inferSelect;

/** Indexing tasks: one per file per batch, carrying the persisted statechart snapshot. */
export class IndexTaskRepository {
  constructor(private readonly database: Database) {}

  private get t() {
    return this.database.tables;
  }

  private get db() {
    return this.database.db;
  }

  async create(batchId: string, filePath: string, options: Record<string, unknown>): Promise<IndexTaskRow> {
    const [row] = await this.db.insert(this.t.indexTasks).values({ batchId, filePath, options }).returning();
    if (!row) throw new Error("insert returned no row");
    return row;
  }

  async get(id: string): Promise<IndexTaskRow | undefined> {
    return (await this.db.select().from(this.t.indexTasks).where(eq(this.t.indexTasks.id, id)).limit(1))[0];
  }

  /** The unfinished task for a file, if an earlier run was interrupted. */
  async findUnfinished(filePath: string): Promise<IndexTaskRow | undefined> {
    const rows = await this.db
      .select()
      .from(this.t.indexTasks)
      .where(and(eq(this.t.indexTasks.filePath, filePath), inArray(this.t.indexTasks.status, ["queued", "running"])))
      .orderBy(asc(this.t.indexTasks.createdAt))
      .limit(1);
    return rows[0];
  }

  async listUnfinished(): Promise<IndexTaskRow[]> {
    return this.db.select().from(this.t.indexTasks).where(inArray(this.t.indexTasks.status, ["queued", "running"])).orderBy(asc(this.t.indexTasks.createdAt));
  }

  async listBatch(batchId: string): Promise<IndexTaskRow[]> {
    return this.db.select().from(this.t.indexTasks).where(eq(this.t.indexTasks.batchId, batchId)).orderBy(asc(this.t.indexTasks.createdAt));
  }

  async update(
    id: string,
    patch: Partial<{ status: IndexTaskStatus; stage: string | null; reason: string | null; clipId: string | null; snapshot: unknown; attempts: number }>,
  ): Promise<void> {
    await this.db.update(this.t.indexTasks).set(patch).where(eq(this.t.indexTasks.id, id));
  }
}
