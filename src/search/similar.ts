/**
 * "More like this": clips that resemble a given clip in what they show and sound like
 * (shared elements and tags), how they look (perceptual fingerprint), and — with a CLIP model —
 * their keyframe embeddings. Near-duplicates of the clip are left out unless asked for.
 */
import type { AppContext } from "../app.ts";
import { fingerprintSimilarity, NEAR_DUPLICATE_SIMILARITY } from "../analysis/visual/features.ts";
import type { ClipRow } from "../db/repositories/clips.ts";
import type { SearchResult } from "./service.ts";

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

const profile = (c: ClipRow) =>
  new Set([...c.visualElements, ...c.detectedObjects.map((o) => o.object), ...c.detectedActions.map((a) => a.action), ...c.soundEvents, c.emotionalTone ?? "", c.pacing ?? ""].filter(Boolean));

function meanEmbedding(frames: { embedding: Buffer | null }[]): Float32Array | null {
  const vecs = frames.filter((f) => f.embedding).map((f) => new Float32Array(f.embedding!.buffer.slice(f.embedding!.byteOffset, f.embedding!.byteOffset + f.embedding!.byteLength)));
  if (!vecs.length) return null;
  const m = new Float32Array(vecs[0]!.length);
  for (const v of vecs) for (let i = 0; i < m.length; i++) m[i]! += v[i]! / vecs.length;
  const n = Math.hypot(...m) || 1;
  return m.map((x) => x / n);
}

/** The clips most like `idOrExternal`, best first. */
export async function moreLikeThis(app: AppContext, idOrExternal: string, opts: { limit?: number; includeNearDuplicates?: boolean } = {}): Promise<SearchResult[]> {
  const target = await app.clips.get(idOrExternal);
  if (!target) throw new Error(`no clip "${idOrExternal}"`);
  const linked = new Set((await app.clips.links(target.id)).map((l) => l.otherClipId));
  const others = (await app.clips.list({ status: "analyzed", limit: 100_000 })).filter((c) => c.id !== target.id);
  const tp = profile(target);
  const te = meanEmbedding(await app.clips.frames(target.id));
  const scored: SearchResult[] = [];
  for (const c of others) {
    const fp = fingerprintSimilarity(target.perceptualHash, c.perceptualHash);
    const near = linked.has(c.id) || fp >= NEAR_DUPLICATE_SIMILARITY || c.duplicateOf === target.id || target.duplicateOf === c.id;
    if (near && !opts.includeNearDuplicates) continue;
    const content = jaccard(tp, profile(c));
    let emb = 0;
    if (te) {
      const ce = meanEmbedding(await app.clips.frames(c.id));
      if (ce) emb = te.reduce((a, x, i) => a + x * ce[i]!, 0);
    }
    // What a clip shows weighs most; the look and the embedding break ties and catch re-edits.
    const score = 0.6 * content + 0.25 * fp + 0.15 * Math.max(0, emb);
    if (score <= 0.05) continue;
    const why = [`shared:${[...tp].filter((x) => profile(c).has(x)).slice(0, 4).join(",") || "-"}`, `look:${fp.toFixed(2)}`];
    if (te) why.push(`image:${emb.toFixed(2)}`);
    if (near) why.push("near-duplicate");
    scored.push({ clip_id: c.id, external_id: c.externalId, file_path: c.filePath, score: Math.round(score * 1000) / 1000, start: 0, end: c.durationSeconds, why });
  }
  return scored.sort((a, b) => b.score - a.score).slice(0, opts.limit ?? 10);
}
