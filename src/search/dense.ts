/**
 * Text → image similarity over keyframe embeddings, when a CLIP-family model is in the models
 * dir. The in-process vector index (exact below 50k vectors, HNSW above) is built from the
 * embeddings stored in clip_frames and rebuilt when their number changes.
 */
import { sql } from "drizzle-orm";
import type { AppContext } from "../app.ts";
import { rawRows } from "../db/raw.ts";
import { isClipAbsent, loadClip, type ClipAbsent, type ImageTextEncoder } from "../inference/clip/encoder.ts";
import { createVectorIndex, type VectorHit, type VectorIndex } from "./vector/index.ts";
import { QdrantVectorIndex } from "./vector/qdrant.ts";

export interface DenseHit {
  clipId: string;
  score: number;
  time: number;
}

/** Cosine below which a text–image pair is not a match (CLIP ViT-B/32 pairs that match score ≈ 0.25–0.35). */
export const DENSE_MIN_SCORE = 0.2;

const state = new WeakMap<AppContext, { encoder: Promise<ImageTextEncoder | ClipAbsent>; index?: VectorIndex; qdrant?: Promise<QdrantVectorIndex>; count: number }>();

async function embeddedFrames(app: AppContext): Promise<{ clip_id: string; time_seconds: number; embedding: Uint8Array }[]> {
  return rawRows(app.database, sql`SELECT clip_id, time_seconds, embedding FROM clip_frames WHERE embedding IS NOT NULL`);
}

/** Best frame per clip for the query, by cosine similarity; empty when no model or no embeddings. */
export async function denseSearch(app: AppContext, query: string, k: number): Promise<DenseHit[]> {
  let s = state.get(app);
  if (!s) state.set(app, (s = { encoder: loadClip(app.config.modelsDir), count: -1 }));
  const encoder = await s.encoder;
  if (isClipAbsent(encoder)) return [];
  const countRows = await rawRows<{ n: number }>(app.database, sql`SELECT count(*) AS n FROM clip_frames WHERE embedding IS NOT NULL`);
  const count = Number(countRows[0]?.n ?? 0);
  if (!count) return [];
  const frameVectors = async () => {
    const out: { id: string; vec: Float32Array }[] = [];
    for (const r of await embeddedFrames(app)) {
      const buf = r.embedding instanceof Uint8Array ? r.embedding : new Uint8Array(r.embedding as ArrayBuffer);
      const vec = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      if (vec.length === encoder.dim) out.push({ id: `${r.clip_id}@${r.time_seconds}`, vec });
    }
    return out;
  };
  const [q] = await encoder.encodeText([query]);
  let hits: VectorHit[];
  if (app.config.qdrantUrl) {
    // Scale-out: the vectors live in Qdrant (one collection per embedding size), synced from the database.
    const st = s;
    st.qdrant ??= QdrantVectorIndex.open({ url: app.config.qdrantUrl, apiKey: app.config.env.QDRANT_API_KEY, collection: `reelsmith_frames_${encoder.dim}`, dim: encoder.dim });
    const qdrant = await st.qdrant.catch((err) => {
      st.qdrant = undefined; // try again on the next search: Qdrant may be back
      throw err;
    });
    if (s.count !== count) {
      await qdrant.syncTo(await frameVectors());
      s.count = count;
    }
    hits = await qdrant.search(q!, k * 4);
  } else {
    if (!s.index || s.count !== count) {
      const index = createVectorIndex({ dim: encoder.dim });
      for (const f of await frameVectors()) index.add(f.id, f.vec);
      s.index = index;
      s.count = count;
    }
    hits = s.index.search(q!, k * 4);
  }
  const best = new Map<string, DenseHit>();
  for (const h of hits) {
    if (h.score < DENSE_MIN_SCORE) continue;
    const at = h.id.lastIndexOf("@");
    const clipId = h.id.slice(0, at);
    if (!best.has(clipId)) best.set(clipId, { clipId, score: h.score, time: Number(h.id.slice(at + 1)) });
  }
  return [...best.values()].slice(0, k);
}
