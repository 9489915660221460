/**
 * Publishes a finished production's files (video, captions, timeline exports, thumbnails) to the
 * media store, so that on a cluster the API server and other machines can serve them without
 * the render worker's disk. The keys land in the production's artifacts as `media`.
 */
import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";
import type { AppContext } from "../app.ts";
import { productionDir } from "../production/steps.ts";
import type { MediaStore } from "./types.ts";

/** What a render leaves beside the video that a viewer may want. */
const PUBLISHED = new Set([".mp4", ".srt", ".vtt", ".otio", ".edl", ".jpg", ".jpeg", ".png", ".json"]);
const TYPES: Record<string, string> = { ".mp4": "video/mp4", ".srt": "application/x-subrip", ".vtt": "text/vtt", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".json": "application/json" };

export interface PublishedMedia {
  store: string;
  /** File name in the production folder → media key. */
  objects: Record<string, string>;
}

/** Uploads the production's files (content-addressed: unchanged files are not sent again) and records the keys. */
export async function publishProduction(app: AppContext, store: MediaStore, productionId: string): Promise<PublishedMedia> {
  const row = await app.productions.get(productionId);
  if (!row) throw new Error(`no production "${productionId}"`);
  const dir = productionDir(app, productionId);
  const names = (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isFile() && PUBLISHED.has(extname(d.name).toLowerCase())).map((d) => d.name);
  const objects: Record<string, string> = {};
  for (const name of names.sort()) {
    const ext = extname(name).toLowerCase();
    objects[name] = (await store.putFile(join(dir, name), { contentType: TYPES[ext] })).key;
  }
  const media: PublishedMedia = { store: store.location, objects };
  const fresh = (await app.productions.get(productionId))!;
  await app.productions.update(fresh.id, { artifacts: { ...(fresh.artifacts as Record<string, unknown>), media } });
  return media;
}
