/**
 * CLIP image preprocessing as Hugging Face's CLIPImageProcessor does it (preprocessor_config.json):
 * resize so the shortest edge is 224 with PIL's bicubic filter, centre-crop 224×224, scale to
 * 0..1, normalise with CLIP's mean/std, and lay the batch out as NCHW float32.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { RgbFrame } from "../../analysis/types.ts";

export interface ClipImageConfig {
  shortestEdge: number;
  cropHeight: number;
  cropWidth: number;
  mean: [number, number, number];
  std: [number, number, number];
  rescale: number;
}

/** OpenAI CLIP's values (the ones in clip-vit-base-patch32/preprocessor_config.json). */
export const CLIP_IMAGE_DEFAULTS: ClipImageConfig = {
  shortestEdge: 224,
  cropHeight: 224,
  cropWidth: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
  rescale: 1 / 255,
};

/** Reads preprocessor_config.json from a model folder, falling back to CLIP's defaults per key. */
export function loadClipImageConfig(dir: string): ClipImageConfig {
  const path = join(dir, "preprocessor_config.json");
  if (!existsSync(path)) return CLIP_IMAGE_DEFAULTS;
  const raw = JSON.parse(readFileSync(path, "utf8")) as {
    size?: number | { shortest_edge?: number };
    crop_size?: number | { height: number; width: number };
    image_mean?: [number, number, number];
    image_std?: [number, number, number];
    rescale_factor?: number;
    resample?: number;
  };
  // resample 3 is PIL BICUBIC, the only filter implemented here.
  if (raw.resample !== undefined && raw.resample !== 3) throw new Error(`${path}: resample=${raw.resample} is not supported (only 3, bicubic)`);
  const d = CLIP_IMAGE_DEFAULTS;
  const crop = typeof raw.crop_size === "number" ? { height: raw.crop_size, width: raw.crop_size } : raw.crop_size;
  return {
    shortestEdge: typeof raw.size === "number" ? raw.size : (raw.size?.shortest_edge ?? d.shortestEdge),
    cropHeight: crop?.height ?? d.cropHeight,
    cropWidth: crop?.width ?? d.cropWidth,
    mean: raw.image_mean ?? d.mean,
    std: raw.image_std ?? d.std,
    rescale: raw.rescale_factor ?? d.rescale,
  };
}

/** PIL's bicubic kernel (a = -0.5). */
function bicubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/**
 * Per-output-pixel taps as PIL's ImagingResample computes them: the kernel is widened by the
 * scale when shrinking, so downscaling averages (antialiases) instead of skipping pixels.
 */
function taps(inSize: number, outSize: number): { start: Int32Array; count: Int32Array; weights: Float64Array; width: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 2 * filterScale;
  const width = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * width);
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(centre - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(centre + support + 0.5));
    let total = 0;
    for (let i = lo; i < hi; i++) total += weights[o * width + i - lo] = bicubic((i - centre + 0.5) / filterScale);
    for (let i = lo; i < hi; i++) weights[o * width + i - lo]! /= total || 1;
    start[o] = lo;
    count[o] = hi - lo;
  }
  return { start, count, weights, width };
}

const toByte = (v: number) => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));

/** Resizes packed RGB24 with PIL's bicubic filter, horizontal pass then vertical, rounding to bytes between passes as PIL does. */
export function resizeBicubic(src: Uint8Array, w: number, h: number, outW: number, outH: number): Uint8Array {
  let cur = src;
  if (outW !== w) {
    const t = taps(w, outW);
    const out = new Uint8Array(outW * h * 3);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < outW; x++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < t.count[x]!; k++) {
          const wgt = t.weights[x * t.width + k]!;
          const p = (y * w + t.start[x]! + k) * 3;
          r += cur[p]! * wgt;
          g += cur[p + 1]! * wgt;
          b += cur[p + 2]! * wgt;
        }
        const q = (y * outW + x) * 3;
        out[q] = toByte(r);
        out[q + 1] = toByte(g);
        out[q + 2] = toByte(b);
      }
    }
    cur = out;
  }
  if (outH !== h) {
    const t = taps(h, outH);
    const out = new Uint8Array(outW * outH * 3);
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < t.count[y]!; k++) {
          const wgt = t.weights[y * t.width + k]!;
          const p = ((t.start[y]! + k) * outW + x) * 3;
          r += cur[p]! * wgt;
          g += cur[p + 1]! * wgt;
          b += cur[p + 2]! * wgt;
        }
        const q = (y * outW + x) * 3;
        out[q] = toByte(r);
        out[q + 1] = toByte(g);
        out[q + 2] = toByte(b);
      }
    }
    cur = out;
  }
  return cur === src ? src.slice() : cur;
}

/** Output size for "shortest edge = s": the long side is truncated, as transformers' get_resize_output_image_size does. */
export function shortestEdgeSize(w: number, h: number, s: number): { width: number; height: number } {
  return w <= h ? { width: s, height: Math.trunc((s * h) / w) } : { width: Math.trunc((s * w) / h), height: s };
}

/** One frame as CHW float32 (3 × cropHeight × cropWidth), written into `out` at `offset`. */
export function preprocessFrame(frame: RgbFrame, cfg: ClipImageConfig = CLIP_IMAGE_DEFAULTS, out?: Float32Array, offset = 0): Float32Array {
  const { cropWidth: cw, cropHeight: ch } = cfg;
  const plane = cw * ch;
  const dest = out ?? new Float32Array(3 * plane);
  if (frame.data.length !== frame.width * frame.height * 3) throw new Error(`frame ${frame.index}: ${frame.data.length} bytes for ${frame.width}×${frame.height} RGB24`);
  const size = shortestEdgeSize(frame.width, frame.height, cfg.shortestEdge);
  const resized = resizeBicubic(frame.data, frame.width, frame.height, size.width, size.height);
  // transformers' center_crop: top-left at floor((size - crop) / 2); pads with zeros if smaller.
  const top = Math.floor((size.height - ch) / 2);
  const left = Math.floor((size.width - cw) / 2);
  for (let c = 0; c < 3; c++) {
    const scale = cfg.rescale / cfg.std[c]!;
    const shift = cfg.mean[c]! / cfg.std[c]!;
    for (let y = 0; y < ch; y++) {
      const sy = y + top;
      for (let x = 0; x < cw; x++) {
        const sx = x + left;
        const inside = sy >= 0 && sy < size.height && sx >= 0 && sx < size.width;
        const v = inside ? resized[(sy * size.width + sx) * 3 + c]! : 0;
        dest[offset + c * plane + y * cw + x] = v * scale - shift;
      }
    }
  }
  return dest;
}

/** A batch of frames as one NCHW float32 tensor body. */
export function preprocessBatch(frames: RgbFrame[], cfg: ClipImageConfig = CLIP_IMAGE_DEFAULTS): Float32Array {
  const per = 3 * cfg.cropWidth * cfg.cropHeight;
  const out = new Float32Array(frames.length * per);
  frames.forEach((f, i) => preprocessFrame(f, cfg, out, i * per));
  return out;
}
