/**
 * The vector index on Qdrant (QDRANT_URL), the scale-out twin of the in-process index in
 * ./index.ts: the same ids ("<clip id>@<seconds>"), the same cosine score (Qdrant's Cosine
 * distance normalises vectors and scores by dot product, as MemoryVectorIndex does), the same
 * hits ({id, score}, best first). Its methods are async because every call crosses the network.
 *
 * Qdrant point ids must be unsigned integers or UUIDs, so each id maps to a UUID derived from
 * its SHA-256 (stable: re-adding an id replaces its point) and the id itself rides in the
 * payload as `key`.
 */
import { QdrantClient } from "@qdrant/js-client-rest";
import type { VectorHit } from "./index.ts";

export interface QdrantIndexOptions {
  url: string;
  apiKey?: string;
  collection: string;
  dim: number;
}

/** A stable UUID for an id (version nibble 5 and variant bits set, so Qdrant accepts it). */
export function pointIdFor(id: string): string {
  const h = new Bun.CryptoHasher("sha256").update(id).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Upserts travel in batches of this many points (request bodies stay well under Qdrant's limit). */
const BATCH = 256;

export class QdrantVectorIndex {
  private constructor(
    private readonly client: QdrantClient,
    readonly collection: string,
    readonly dim: number,
  ) {}

  /**
   * Connects and makes sure the collection exists with `dim` cosine vectors; a collection made
   * for another size is an error naming both (a different embedding model needs its own).
   */
  static async open(opts: QdrantIndexOptions): Promise<QdrantVectorIndex> {
    const client = new QdrantClient({ url: opts.url, apiKey: opts.apiKey, checkCompatibility: false });
    const { exists } = await client.collectionExists(opts.collection).catch((err) => {
      throw new Error(`Qdrant at ${opts.url}: ${describe(err)}`, { cause: err });
    });
    if (!exists) {
      await client.createCollection(opts.collection, { vectors: { size: opts.dim, distance: "Cosine" } }).catch(async (err) => {
        // Another process may have created it between our check and our create.
        if (!(await client.collectionExists(opts.collection)).exists) throw new Error(`Qdrant: cannot create collection ${opts.collection}: ${describe(err)}`, { cause: err });
      });
      await client.createPayloadIndex(opts.collection, { field_name: "key", field_schema: "keyword", wait: true }).catch(() => {});
    }
    const info = await client.getCollection(opts.collection);
    const vectors = info.config.params.vectors as { size?: number; distance?: string } | undefined;
    if (vectors?.size !== opts.dim || vectors.distance !== "Cosine")
      throw new Error(`Qdrant collection ${opts.collection} holds ${vectors?.size}-dimensional ${vectors?.distance} vectors, not ${opts.dim}-dimensional Cosine ones`);
    return new QdrantVectorIndex(client, opts.collection, opts.dim);
  }

  private checkDim(vec: ArrayLike<number>, what: string): number[] {
    if (vec.length !== this.dim) throw new Error(`${what}: vector has ${vec.length} dimensions, the index ${this.dim}`);
    return Array.from(vec);
  }

  /** Adds or replaces a vector. */
  async add(id: string, vec: ArrayLike<number>): Promise<void> {
    await this.addMany([{ id, vec }]);
  }

  /** Adds or replaces many vectors, in batches. */
  async addMany(items: { id: string; vec: ArrayLike<number> }[]): Promise<void> {
    for (let i = 0; i < items.length; i += BATCH) {
      const points = items.slice(i, i + BATCH).map((it) => ({ id: pointIdFor(it.id), vector: this.checkDim(it.vec, it.id), payload: { key: it.id } }));
      await this.client.upsert(this.collection, { wait: true, points });
    }
  }

  /**
   * Makes the collection hold exactly `items` (the database is the source of truth): upserts
   * them all (idempotent, so several processes may sync at once), then deletes points whose ids
   * are no longer among them.
   */
  async syncTo(items: { id: string; vec: ArrayLike<number> }[]): Promise<void> {
    await this.addMany(items);
    if ((await this.size()) <= items.length) return;
    const keep = new Set(items.map((it) => pointIdFor(it.id)));
    const stale: string[] = [];
    let offset: string | number | undefined;
    do {
      const page = await this.client.scroll(this.collection, { limit: 1000, offset, with_payload: false, with_vector: false });
      for (const p of page.points) if (!keep.has(String(p.id))) stale.push(String(p.id));
      offset = (page.next_page_offset as string | number | null | undefined) ?? undefined;
    } while (offset !== undefined);
    if (stale.length) await this.client.delete(this.collection, { wait: true, points: stale });
  }

  /** Removes a vector; false when the id was not there. */
  async remove(id: string): Promise<boolean> {
    if (!(await this.has(id))) return false;
    await this.client.delete(this.collection, { wait: true, points: [pointIdFor(id)] });
    return true;
  }

  async has(id: string): Promise<boolean> {
    const found = await this.client.retrieve(this.collection, { ids: [pointIdFor(id)], with_payload: false, with_vector: false });
    return found.length > 0;
  }

  /** How many vectors the collection holds. */
  async size(): Promise<number> {
    return (await this.client.count(this.collection, { exact: true })).count;
  }

  /**
   * The k most similar vectors (cosine), best first. `filter` runs here on the ids (as in the
   * in-process index), so more candidates are fetched page by page until k pass or none are left.
   */
  async search(query: ArrayLike<number>, k: number, filter?: (id: string) => boolean): Promise<VectorHit[]> {
    const vector = this.checkDim(query, "query");
    const out: VectorHit[] = [];
    const page = filter ? Math.max(k * 4, 32) : k;
    for (let offset = 0; out.length < k; offset += page) {
      const res = await this.client.query(this.collection, { query: vector, limit: page, offset, with_payload: ["key"] });
      for (const p of res.points) {
        const id = String((p.payload as { key?: unknown } | null | undefined)?.key ?? p.id);
        if (!filter || filter(id)) out.push({ id, score: p.score });
        if (out.length === k) break;
      }
      if (!filter || res.points.length < page) break;
    }
    return out;
  }

  /** Drops the whole collection (tests, or re-embedding with another model). */
  async drop(): Promise<void> {
    await this.client.deleteCollection(this.collection);
  }

  /** Reachable? Never throws: the reason says what is wrong (doctor). */
  static async check(url: string, apiKey?: string): Promise<{ ok: boolean; reason?: string; collections?: number }> {
    try {
      const client = new QdrantClient({ url, apiKey, checkCompatibility: false, timeout: 5000 });
      const { collections } = await client.getCollections();
      return { ok: true, collections: collections.length };
    } catch (err) {
      return { ok: false, reason: describe(err) };
    }
  }
}

function describe(err: unknown): string {
  const e = err as { status?: number; message?: string; cause?: { code?: string; message?: string } };
  if (e.cause?.code === "ECONNREFUSED" || /ECONNREFUSED|Unable to connect/i.test(`${e.message} ${e.cause?.message ?? ""}`)) return "connection refused (is Qdrant running?)";
  if (e.status === 401 || e.status === 403) return `unauthorised (${e.status}): check QDRANT_API_KEY`;
  return e.message ?? String(err);
}
