/**
 * The CLIP path end to end on a tiny model that this test builds itself (same input and output
 * names and shapes as Xenova/clip-vit-base-patch32's export): it proves the plumbing
 * (tokenizer → session → normalisation, frames → preprocessing → session → index), never the
 * quality of real CLIP, whose weights cannot be had on these machines.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIP_FILES_DIR, tinyVisionModel, writeTinyClipDir } from "../../../tests/fixtures/tiny-clip.ts";
import { grabFrames } from "../../analysis/frame-grab.ts";
import type { RgbFrame } from "../../analysis/types.ts";
import { createVectorIndex } from "../../search/vector/index.ts";
import { CLIP_FILES, isClipAbsent, loadClip, type ImageTextEncoder } from "./encoder.ts";
import { loadClipTokenizer } from "./tokenizer.ts";

const CLIPS = join(import.meta.dir, "..", "..", "..", "..", "shared", "corpus", "clips");
const TINY = "(tiny test model built by the test: proves plumbing, not quality)";

const solid = (rgb: [number, number, number], index = 0): RgbFrame => {
  const data = new Uint8Array(320 * 180 * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width: 320, height: 180, data, time: 0, index };
};
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const closeTo = (a: ArrayLike<number>, b: number[], digits = 4) => Array.from(a).forEach((x, i) => expect(x).toBeCloseTo(b[i]!, digits));

let root: string;
let modelsDir: string;
let encoder: ImageTextEncoder;

/** A models folder with the real tokenizer files and the tiny ONNX pair under clip-vit-b32/. */
function tinyModelsDir(name: string, withMask = true): string {
  const dir = join(root, name, "clip-vit-b32");
  mkdirSync(dir, { recursive: true });
  for (const f of ["vocab.json", "merges.txt", "tokenizer_config.json", "preprocessor_config.json"]) copyFileSync(join(CLIP_FILES_DIR, f), join(dir, f));
  const tok = loadClipTokenizer(dir);
  const [red, green, blue] = ["red", "green", "blue"].map((w) => tok.tokenize(w)[0]!);
  writeTinyClipDir(dir, { [red!]: [1, 0, 0], [green!]: [0, 1, 0], [blue!]: [0, 0, 1] }, { withMask });
  return join(root, name);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "reelsmith-clip-"));
  modelsDir = tinyModelsDir("models");
  const loaded = await loadClip(modelsDir, { batchSize: 2 });
  if (isClipAbsent(loaded)) throw new Error(loaded.reason);
  encoder = loaded;
});

afterAll(async () => {
  await encoder?.release();
  rmSync(root, { recursive: true, force: true });
});

describe(`loadClip ${TINY}`, () => {
  test("absent with the way to get it when the weights are missing", async () => {
    const got = await loadClip(join(root, "empty"));
    expect(isClipAbsent(got)).toBe(true);
    if (isClipAbsent(got)) expect(got.reason).toMatch(/models pull clip-vit-b32/);
  });

  test("opens on the CPU and says why not CUDA (the CUDA provider is not installed here)", () => {
    expect(encoder.dim).toBe(4);
    expect(encoder.provider.name).toBe("cpu");
    expect(encoder.provider.reason).toMatch(/CUDA/);
  });

  test("device cuda is really tried, then falls back to the CPU with the reason", async () => {
    const got = await loadClip(modelsDir, { device: "cuda" });
    if (isClipAbsent(got)) throw new Error(got.reason);
    expect(got.provider.name).toBe("cpu");
    expect(got.provider.reason).toMatch(/CUDA/);
    await got.release();
    const cpu = await loadClip(modelsDir, { device: "cpu" });
    if (!isClipAbsent(cpu)) expect(cpu.provider.reason).toBe("CPU requested");
  });

  test("a wrong file in the text slot is refused with the inputs it has", async () => {
    const dir = tinyModelsDir("swapped");
    await Bun.write(join(dir, "clip-vit-b32", CLIP_FILES.text), tinyVisionModel());
    const got = await loadClip(dir);
    expect(isClipAbsent(got)).toBe(true);
    if (isClipAbsent(got)) expect(got.reason).toMatch(/text model inputs are \[pixel_values\]/);
  });
});

describe(`image embeddings ${TINY}`, () => {
  test("solid colours: unit vectors in the colour's direction", async () => {
    const out = await encoder.encodeImage([solid([255, 0, 0]), solid([0, 128, 255])]);
    expect(out).toHaveLength(2);
    closeTo(out[0]!, unit([1, 0, 0, 0.05]));
    closeTo(out[1]!, unit([0, 128 / 255, 1, 0.05]));
  });

  test("real frames (ffmpeg on corpus clips): the embedding follows the mean colour of the centre square", async () => {
    const frames = [
      ...(await grabFrames(join(CLIPS, "moviepy_dog_fireplace_indoor.mp4"), [1], { width: 640 })),
      ...(await grabFrames(join(CLIPS, "mdn_flower_blooming_timelapse.mp4"), [2], { width: 480 })),
    ];
    expect(frames).toHaveLength(2);
    const out = await encoder.encodeImage(frames);
    frames.forEach((f, i) => {
      // Independent of the preprocessing code: average the original pixels of the centre square.
      const side = Math.min(f.width, f.height);
      const x0 = Math.floor((f.width - side) / 2);
      const y0 = Math.floor((f.height - side) / 2);
      const sum = [0, 0, 0];
      for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) for (let c = 0; c < 3; c++) sum[c]! += f.data[(y * f.width + x) * 3 + c]!;
      const expected = unit([...sum.map((s) => s / (side * side * 255)), 0.05]);
      closeTo(out[i]!, expected, 2);
    });
  });

  test("batches of 2 give the same vectors as one frame at a time", async () => {
    const frames = [solid([10, 200, 30], 0), solid([200, 10, 30], 1), solid([30, 10, 200], 2), solid([90, 90, 90], 3), solid([0, 0, 0], 4)];
    const together = await encoder.encodeImage(frames);
    const single = (await Promise.all(frames.map((f) => encoder.encodeImage([f])))).map((r) => r[0]!);
    expect(together).toHaveLength(5);
    together.forEach((v, i) => closeTo(v, Array.from(single[i]!), 5));
    expect(await encoder.encodeImage([])).toEqual([]);
  });
});

describe(`text embeddings and search ${TINY}`, () => {
  test("tokens reach the model: 'red' → the red axis, padding masked out", async () => {
    const [red, mixed] = await encoder.encodeText(["red", "Red and BLUE"]);
    closeTo(red!, unit([1, 0, 0, 0.05]));
    closeTo(mixed!, unit([1, 0, 1, 0.05]));
  });

  test("a text query finds the frame of its colour in the vector index", async () => {
    const index = createVectorIndex({ dim: encoder.dim });
    const frames = { red: solid([220, 20, 20]), green: solid([20, 200, 40]), blue: solid([30, 40, 230]) };
    const vectors = await encoder.encodeImage(Object.values(frames));
    Object.keys(frames).forEach((id, i) => index.add(id, vectors[i]!));
    const queries = await encoder.encodeText(["a photo of something red", "GREEN grass!", "the deep blue sea"]);
    expect(queries.map((q) => index.search(q, 1)[0]!.id)).toEqual(["red", "green", "blue"]);
  });

  test("an export without attention_mask is fed input_ids only", async () => {
    const dir = tinyModelsDir("nomask", false);
    const got = await loadClip(dir);
    if (isClipAbsent(got)) throw new Error(got.reason);
    const [v] = await got.encodeText(["blue"]);
    closeTo(v!, unit([0, 0, 1, 0.05]));
    await got.release();
  });
});
