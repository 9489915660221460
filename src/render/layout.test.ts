import { describe, expect, test } from "bun:test";
import { displaySize, geometryFilters, placePicture, quarterTurns, sourceCrop } from "./geometry.ts";
import { entryFrames, layoutTimeline } from "./layout.ts";

const e = (sourceStart: number, sourceEnd: number, transition: "cut" | "fade" | "zoom", transitionSeconds: number) => ({
  sourceStart, sourceEnd, transition, transitionSeconds, position: 0,
}) as never;

describe("layoutTimeline", () => {
  test("cuts, a crossfade and a zoom in whole frames; starts overlap by the fade", () => {
    const l = layoutTimeline({ fps: 30, entries: [e(0.5, 4.5, "cut", 0), e(2, 5.5, "fade", 0.5), e(3, 6.5, "zoom", 0.4), e(5, 8.5, "fade", 0.5)] });
    expect(l.segments.map((s) => [s.frames, s.headFrames, s.tailFrames, s.zoomInFrames, s.zoomOutFrames])).toEqual([
      [120, 0, 15, 0, 0],
      [105, 15, 0, 0, 6],
      [105, 0, 15, 6, 0],
      [105, 15, 0, 0, 0],
    ]);
    expect(l.segments.map((s) => s.start)).toEqual([0, 3.5, 7, 10]);
    expect(l.totalFrames).toBe(405);
    expect(l.durationSeconds).toBe(13.5);
  });
  test("a crossfade never takes more than half of either neighbour; zoom without length gets 0.4 s", () => {
    const l = layoutTimeline({ fps: 25, entries: [e(0, 0.4, "cut", 0), e(0, 5, "fade", 3), e(0, 5, "zoom", 0)] });
    expect(l.segments[1]!.headFrames).toBe(5);
    expect(l.segments[2]!.zoomInFrames).toBe(5);
    expect(entryFrames({ sourceStart: 1, sourceEnd: 1 }, 30)).toBe(1);
  });
});

describe("geometry", () => {
  test("non-square PAL widescreen (704x576, SAR 16:11) fills 640x360 exactly", () => {
    expect(displaySize({ width: 704, height: 576, sampleAspectRatio: 16 / 11 })).toEqual({ width: 1024, height: 576 });
    expect(placePicture({ width: 704, height: 576, sampleAspectRatio: 16 / 11 }, 640, 360, "fit")).toEqual({ scaleWidth: 640, scaleHeight: 360, x: 0, y: 0 });
  });
  test("4:3-ish picture letterboxed into 16:9 with centred even offsets", () => {
    expect(placePicture({ width: 340, height: 256 }, 640, 360, "fit")).toEqual({ scaleWidth: 478, scaleHeight: 360, x: 80, y: 0 });
  });
  test("a quarter turn swaps width and height; odd angles round to quarter turns", () => {
    expect(quarterTurns(-90)).toBe(270);
    expect(quarterTurns(91)).toBe(90);
    expect(displaySize({ width: 1280, height: 544, rotation: 90 })).toEqual({ width: 544, height: 1280 });
  });
  test("9:16 fill crops around the focus and clamps at the picture's edge", () => {
    const src = { width: 1280, height: 720 };
    expect(placePicture(src, 1080, 1920, "fill")).toEqual({ scaleWidth: 3414, scaleHeight: 1920, x: 1167, y: 0 });
    expect(placePicture(src, 1080, 1920, "fill", { x: 0.05, y: 0.5 }).x).toBe(0);
    expect(placePicture(src, 1080, 1920, "fill", { x: 1, y: 0.5 }).x).toBe(3414 - 1080);
  });
  test("the geometry chain: transpose, one scale to display size, pad, square pixels", () => {
    expect(geometryFilters({ width: 1280, height: 544, rotation: 90 }, 640, 360, "fit")).toEqual([
      { filter: "transpose", options: { dir: "clock" } },
      { filter: "scale", options: { w: 154, h: 360, flags: "bicubic" } },
      { filter: "pad", options: { w: 640, h: 360, x: 242, y: 0, color: "black" } },
      { filter: "setsar", options: ["1"] },
    ]);
  });
});

describe("fill crops before scaling", () => {
  test("9:16 from a 1280x720 picture: a 405x720 window around the focus, scaled to 1080x1920", () => {
    expect(sourceCrop({ width: 1280, height: 720 }, 1080, 1920)).toEqual({ w: 405, h: 720, x: 438, y: 0 });
    expect(sourceCrop({ width: 1280, height: 720 }, 1080, 1920, { x: 0, y: 0.5 }).x).toBe(0);
    expect(sourceCrop({ width: 1280, height: 720 }, 1080, 1920, { x: 1, y: 0.5 })).toEqual({ w: 405, h: 720, x: 875, y: 0 });
  });
  test("non-square pixels: the window is narrower in stored pixels (SAR 16:11)", () => {
    // Display 1024x576; a 9:16 window is 324 display px wide = 223 stored px.
    expect(sourceCrop({ width: 704, height: 576, sampleAspectRatio: 16 / 11 }, 360, 640)).toEqual({ w: 223, h: 576, x: 241, y: 0 });
  });
  test("the chain crops in source pixels, then scales to the frame", () => {
    expect(geometryFilters({ width: 1280, height: 720 }, 1080, 1920, "fill", { x: 0.5, y: 0.5 }).map((n) => n.filter)).toEqual(["crop", "scale", "setsar"]);
  });
});
