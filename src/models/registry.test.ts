import { describe, expect, test } from "bun:test";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { MODELS, listModels } from "./registry.ts";

describe("model registry", () => {
  test("the CLIP weights are pinned to the sizes and hashes checked in shared/models/README.md", () => {
    const clip = MODELS.find((m) => m.name === "clip-vit-b32")!;
    expect(clip).toMatchObject({ source: "hub", origin: "Xenova/clip-vit-base-patch32", revision: "d15189d7028b43f1d3e65039190477f6af591c2a" });
    expect(clip.files.filter((f) => f.sha256)).toEqual([
      { path: "onnx/vision_model_quantized.onnx", size: 89_117_001, sha256: "583fd1110a514667812fee7d684952aaf82a99b959760c8d7dca7e0ab9839299" },
      { path: "onnx/text_model_quantized.onnx", size: 64_504_507, sha256: "73baab855d406190da9faa498cfedf65f15cf309f4cc7385b7b032e6d08e5c3a" },
    ]);
    expect(clip.files.map((f) => f.path)).toEqual(expect.arrayContaining(["vocab.json", "merges.txt", "tokenizer.json", "preprocessor_config.json"]));
  });

  test("every model is listed with its source; missing ones say why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reelsmith-models-"));
    const list = await listModels({ modelsDir: dir });
    expect(list.map((m) => m.name)).toEqual(MODELS.map((m) => m.name));
    for (const m of list) {
      expect(m.present || typeof m.missing_reason === "string").toBe(true);
      expect(["hub", "npm", "debian"]).toContain(m.source);
    }
    const clip = list.find((m) => m.name === "clip-vit-b32")!;
    expect(clip).toMatchObject({ present: false, path: join(dir, "clip-vit-b32") });
    expect(clip.missing_reason).toMatch(/models pull clip-vit-b32/);
  });

  test("packages installed with this checkout are found (silero VAD path points at the ONNX file)", async () => {
    const list = await listModels({ modelsDir: mkdtempSync(join(tmpdir(), "reelsmith-models-")) });
    const vad = list.find((m) => m.name === "silero-vad")!;
    expect(vad.present).toBe(true);
    expect(vad.path).toMatch(/silero_vad\.onnx$/);
    expect(list.find((m) => m.name === "human-centernet-coco")!.present).toBe(true);
    expect(list.find((m) => m.name === "nsfwjs-mobilenet-v2")!.present).toBe(true);
    expect(list.find((m) => m.name === "paddleocr-ppocrv4")!.present).toBe(true);
  });

  test("a pinned file of the wrong size is reported, not taken as present", async () => {
    const dir = mkdtempSync(join(tmpdir(), "reelsmith-models-"));
    for (const f of MODELS.find((m) => m.name === "clip-vit-b32")!.files) {
      const p = join(dir, "clip-vit-b32", f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, "not the real file");
    }
    const clip = (await listModels({ modelsDir: dir })).find((m) => m.name === "clip-vit-b32")!;
    expect(clip.present).toBe(false);
    expect(clip.missing_reason).toMatch(/wrong size: onnx\/vision_model_quantized\.onnx \(expected 89117001 bytes\)/);
  });
});
