/**
 * CLIP image and text embeddings behind a narrow interface (as Immich's ML does), on
 * onnxruntime-node sessions for Xenova/clip-vit-base-patch32's export: the vision model takes
 * `pixel_values` [N,3,224,224] and gives `image_embeds`; the text model takes `input_ids`
 * [N,77] int64 (and `attention_mask` when the export declares it) and gives `text_embeds`.
 * Embeddings come back L2-normalised, so cosine similarity is a dot product.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { InferenceSession, Tensor } from "onnxruntime-node";
import type { RgbFrame } from "../../analysis/types.ts";
import { loadOnnxRuntime } from "../runtime.ts";
import { loadClipImageConfig, preprocessBatch, type ClipImageConfig } from "./preprocess.ts";
import { CLIP_CONTEXT, loadClipTokenizer, type ClipTokenizer } from "./tokenizer.ts";
import { openSessions, type ClipDevice } from "./sessions.ts";

export interface ImageTextEncoder {
  /** Embedding width (512 for ViT-B/32). */
  readonly dim: number;
  /** Execution provider the sessions run on, and why (e.g. why CUDA was not used). */
  readonly provider: { name: "cpu" | "cuda"; reason: string };
  readonly modelDir: string;
  /** One unit vector per frame. */
  encodeImage(frames: RgbFrame[]): Promise<Float32Array[]>;
  /** One unit vector per text. */
  encodeText(texts: string[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

export interface ClipAbsent {
  absent: true;
  reason: string;
}

export interface ClipOptions {
  /** "auto" tries CUDA when the binding has it, "cuda" insists on trying, "cpu" never tries. */
  device?: ClipDevice;
  /** Frames per vision run: bounds memory (each frame is 600 KB of float32 input). */
  batchSize?: number;
  /** The folder under modelsDir (the registry name). */
  name?: string;
}

/** The model folder's expected files, relative to it. */
export const CLIP_FILES = { vision: "onnx/vision_model_quantized.onnx", text: "onnx/text_model_quantized.onnx" } as const;

/** True when loadClip could not give an encoder. */
export function isClipAbsent(x: ImageTextEncoder | ClipAbsent): x is ClipAbsent {
  return "absent" in x;
}

/** Scales each row of a [n, dim] buffer to unit length (zero rows stay zero). */
export function l2Rows(data: Float32Array, n: number, dim: number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let r = 0; r < n; r++) {
    const row = data.slice(r * dim, (r + 1) * dim);
    let sum = 0;
    for (const v of row) sum += v * v;
    const norm = Math.sqrt(sum);
    if (norm > 0) for (let i = 0; i < dim; i++) row[i]! /= norm;
    rows.push(row);
  }
  return rows;
}

/** Finds the CLIP folder: `modelsDir` itself when it holds onnx/, else `modelsDir/<name>`. */
export function clipDir(modelsDir: string, name = "clip-vit-b32"): string {
  return existsSync(join(modelsDir, CLIP_FILES.vision)) ? modelsDir : join(modelsDir, name);
}

/** Opens the CLIP encoder from the models folder, or says why it cannot. */
export async function loadClip(modelsDir: string, opts: ClipOptions = {}): Promise<ImageTextEncoder | ClipAbsent> {
  const name = opts.name ?? "clip-vit-b32";
  const dir = clipDir(modelsDir, name);
  const missing = Object.values(CLIP_FILES).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) return { absent: true, reason: `CLIP weights not in ${dir} (${missing.join(", ")} missing): run \`reelsmith models pull ${name}\`` };
  let tokenizer: ClipTokenizer;
  let imageConfig: ClipImageConfig;
  try {
    tokenizer = loadClipTokenizer(dir);
    imageConfig = loadClipImageConfig(dir);
  } catch (err) {
    return { absent: true, reason: `CLIP tokenizer or preprocessor files in ${dir} are unusable: ${(err as Error).message}` };
  }
  const runtime = await loadOnnxRuntime();
  if ("reason" in runtime) return { absent: true, reason: runtime.reason };
  const opened = await openSessions(runtime.ort, join(dir, CLIP_FILES.vision), join(dir, CLIP_FILES.text), opts.device ?? "auto");
  if ("reason" in opened) return { absent: true, reason: opened.reason };
  const { vision, text, provider } = opened;
  const { ort } = runtime;
  const textUsesMask = text.inputNames.includes("attention_mask");
  const batchSize = Math.max(1, opts.batchSize ?? 8);

  const runText = async (texts: string[]): Promise<{ data: Float32Array; dim: number }> => {
    const { inputIds, attentionMask, length } = tokenizer.encodeBatch(texts, CLIP_CONTEXT);
    const feeds: Record<string, Tensor> = { input_ids: new ort.Tensor("int64", inputIds, [texts.length, length]) };
    if (textUsesMask) feeds.attention_mask = new ort.Tensor("int64", attentionMask, [texts.length, length]);
    return output(await text.run(feeds), "text_embeds", texts.length);
  };

  // One empty text through the model learns the width and proves the session runs.
  let dim: number;
  try {
    dim = (await runText([""])).dim;
  } catch (err) {
    await Promise.all([vision.release(), text.release()]);
    return { absent: true, reason: `CLIP text model in ${dir} does not run: ${(err as Error).message.split("\n")[0]}` };
  }

  return {
    dim,
    provider,
    modelDir: dir,
    async encodeImage(frames) {
      const out: Float32Array[] = [];
      for (let i = 0; i < frames.length; i += batchSize) {
        const batch = frames.slice(i, i + batchSize);
        const pixels = preprocessBatch(batch, imageConfig);
        const feeds = { pixel_values: new ort.Tensor("float32", pixels, [batch.length, 3, imageConfig.cropHeight, imageConfig.cropWidth]) };
        const { data, dim: d } = output(await vision.run(feeds), "image_embeds", batch.length);
        if (d !== dim) throw new Error(`CLIP vision embeddings are ${d}-d but text embeddings are ${dim}-d: the two models do not belong together`);
        out.push(...l2Rows(data, batch.length, d));
      }
      return out;
    },
    async encodeText(texts) {
      const out: Float32Array[] = [];
      // Text batches are cheap (77 int64 per row); 64 keeps one run's activations modest.
      for (let i = 0; i < texts.length; i += 64) {
        const batch = texts.slice(i, i + 64);
        const { data, dim: d } = await runText(batch);
        out.push(...l2Rows(data, batch.length, d));
      }
      return out;
    },
    async release() {
      await Promise.all([vision.release(), text.release()]);
    },
  };
}

/** Picks the named output (Xenova's exports also emit hidden states) and checks its shape. */
function output(result: InferenceSession.OnnxValueMapType, name: string, rows: number): { data: Float32Array; dim: number } {
  const t = result[name] as Tensor | undefined;
  if (!t) throw new Error(`model output ${name} missing (outputs: ${Object.keys(result).join(", ")})`);
  const [n, dim] = t.dims as number[];
  if (t.dims.length !== 2 || n !== rows || !dim) throw new Error(`${name} has shape [${t.dims.join(", ")}], expected [${rows}, D]`);
  return { data: t.data as Float32Array, dim };
}
