import { describe, expect, test } from "bun:test";
import { CLIP_FILES_DIR } from "../../../tests/fixtures/tiny-clip.ts";
import type { RgbFrame } from "../../analysis/types.ts";
import { CLIP_IMAGE_DEFAULTS, loadClipImageConfig, preprocessBatch, preprocessFrame, resizeBicubic, shortestEdgeSize } from "./preprocess.ts";

const { mean, std } = CLIP_IMAGE_DEFAULTS;
const PLANE = 224 * 224;

/** A frame painted by a function of (x, y). */
function paint(width: number, height: number, colour: (x: number, y: number) => [number, number, number]): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(colour(x, y), (y * width + x) * 3);
  return { width, height, data, time: 0, index: 0 };
}

const normalised = (v: number, c: number) => (v / 255 - mean[c]!) / std[c]!;

describe("CLIP image preprocessing", () => {
  test("the shipped preprocessor_config.json is CLIP's", () => {
    expect(loadClipImageConfig(CLIP_FILES_DIR)).toEqual(CLIP_IMAGE_DEFAULTS);
  });

  test("shortest edge to 224, long edge truncated as transformers does", () => {
    expect(shortestEdgeSize(640, 360, 224)).toEqual({ width: 398, height: 224 });
    expect(shortestEdgeSize(360, 640, 224)).toEqual({ width: 224, height: 398 });
    expect(shortestEdgeSize(100, 100, 224)).toEqual({ width: 224, height: 224 });
  });

  test("a uniform frame gives the normalised colour everywhere", () => {
    const out = preprocessFrame(paint(320, 180, () => [200, 100, 50]));
    expect(out).toHaveLength(3 * PLANE);
    [200, 100, 50].forEach((v, c) => {
      for (const i of [0, 1234, PLANE - 1]) expect(out[c * PLANE + i]).toBeCloseTo(normalised(v, c), 5);
    });
  });

  test("centre crop drops the side bands of a wide frame", () => {
    // 448×224: the crop keeps x 112..335; the bands are x < 100 and x ≥ 348 (12 px of margin for the filter).
    const out = preprocessFrame(paint(448, 224, (x) => (x < 100 || x >= 348 ? [255, 0, 0] : [0, 0, 255])));
    for (let i = 0; i < PLANE; i += 97) {
      expect(out[i]).toBeCloseTo(normalised(0, 0), 5);
      expect(out[2 * PLANE + i]).toBeCloseTo(normalised(255, 2), 5);
    }
  });

  test("channels are planes (NCHW), rows top to bottom", () => {
    const out = preprocessFrame(paint(224, 224, (_x, y) => (y < 112 ? [255, 0, 0] : [0, 0, 255])));
    const at = (c: number, y: number, x: number) => out[c * PLANE + y * 224 + x]!;
    expect(at(0, 10, 100)).toBeCloseTo(normalised(255, 0), 5);
    expect(at(2, 10, 100)).toBeCloseTo(normalised(0, 2), 5);
    expect(at(0, 200, 100)).toBeCloseTo(normalised(0, 0), 5);
    expect(at(2, 200, 100)).toBeCloseTo(normalised(255, 2), 5);
  });

  test("bicubic resize keeps flat areas flat and averages when shrinking", () => {
    const flat = resizeBicubic(new Uint8Array(40 * 30 * 3).fill(77), 40, 30, 17, 11);
    expect(new Set(flat)).toEqual(new Set([77]));
    // A 1-px checkerboard shrunk 4× averages to mid grey (PIL widens the kernel when shrinking).
    const board = paint(64, 64, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const small = resizeBicubic(board.data, 64, 64, 16, 16);
    for (const v of small.subarray(3 * (16 * 5 + 5), 3 * (16 * 5 + 10))) expect(Math.abs(v - 127.5)).toBeLessThan(3);
  });

  test("small frames are scaled up; a batch is the frames one after another", () => {
    const a = paint(32, 18, (x) => [x * 8, 0, 0]);
    const b = paint(18, 32, (_x, y) => [0, y * 8, 0]);
    const batch = preprocessBatch([a, b]);
    expect(batch).toHaveLength(2 * 3 * PLANE);
    expect(batch.subarray(0, 3 * PLANE)).toEqual(preprocessFrame(a));
    expect(batch.subarray(3 * PLANE)).toEqual(preprocessFrame(b));
  });

  test("a frame whose byte count does not match its size is refused", () => {
    expect(() => preprocessFrame({ width: 10, height: 10, data: new Uint8Array(299), time: 0, index: 3 })).toThrow(/frame 3/);
  });
});
