/** Pure measures on hand-made vectors: the properties the shot detector relies on. */
import { expect, test } from "bun:test";
import { blendRatio, changedShare, directionality } from "./change.ts";
import { fingerprintSimilarity, hammingDistance } from "./features.ts";

const vec = (f: (k: number) => number, n = 576) => Float32Array.from({ length: n }, (_, k) => f(k));

test("blendRatio: 0 for an exact cross-fade, 0.5 when the middle frame is one side (a cut)", () => {
  const a = vec((k) => (k * 37) % 200);
  const b = vec((k) => (k * 91) % 180);
  const mid = vec((k) => (a[k]! + b[k]!) / 2);
  expect(blendRatio(a, mid, b)).toBeCloseTo(0, 6);
  expect(blendRatio(a, a, b)).toBeCloseTo(0.5, 6);
  // A uniformly brighter middle frame is still the same blend (means are taken out).
  expect(blendRatio(a, vec((k) => mid[k]! + 30), b)).toBeCloseTo(0, 6);
});

test("directionality and changedShare tell a flash from a cut", () => {
  const a = vec((k) => 40 + (k % 50));
  const flash = vec((k) => a[k]! + 100);
  const cut = vec((k) => 40 + ((k * 7) % 50) + (k % 2 ? 60 : -30));
  expect(directionality(a, flash)).toBe(1);
  expect(directionality(a, cut)).toBeLessThan(0.9);
  expect(changedShare(a, flash)).toBe(1);
  // Letterbox cells black in both frames do not count.
  const barred = vec((k) => (k < 288 ? 0 : 100));
  const barredMoved = vec((k) => (k < 288 ? 0 : k < 300 ? 160 : 100));
  expect(changedShare(barred, barredMoved)).toBeCloseTo(12 / 288, 6);
});

test("hammingDistance counts differing bits; similarity takes the better direction (a trimmed copy is a subset)", () => {
  expect(hammingDistance("ffffffffffffffff", "fffffffffffffffe")).toBe(1);
  expect(hammingDistance("0000000000000000", "ffffffffffffffff")).toBe(64);
  const clip = ["00ff00ff00ff00ff8888", "0f0f0f0f0f0f0f0f8888", "3333333333333333aaaa", "5555555555555555cccc"];
  expect(fingerprintSimilarity(clip, clip.slice(1, 3))).toBe(1);
  expect(fingerprintSimilarity(clip, ["aaaaaaaaaaaaaaaa0000"])).toBe(0);
  // Same gradients but very different quadrant brightness: not the same picture.
  expect(fingerprintSimilarity(["00ff00ff00ff00ff1111"], ["00ff00ff00ff00ffeeee"])).toBe(0);
  expect(fingerprintSimilarity([], clip)).toBe(0);
});
