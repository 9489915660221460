/** The decode pass on real corpus files: sizes, timestamps, lying containers, errors, JPEG output. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIPS, CORPUS } from "../../tests/support/cli.ts";
import type { RgbFrame } from "../analysis/types.ts";
import { analysisSpec, decodeFrames, encodeJpeg, frameArgs } from "./frames.ts";
import { probe } from "./probe.ts";

test("frameArgs decodes from the start at a constant rate into raw RGB24 on stdout", () => {
  expect(frameArgs("ffmpeg", "/a b.mp4", { width: 320, height: 180, fps: 29.97 })).toEqual([
    "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-i", "/a b.mp4", "-an", "-sn", "-dn",
    "-vf", "fps=29.97,scale=320:180:flags=area,setsar=1,format=rgb24", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
  ]);
});

describe("analysisSpec", () => {
  test("keeps the display aspect: non-square pixels, rotation, the exact source rate, and the cap", async () => {
    // 704×576 with 16:11 pixels displays as 1024×576.
    expect(analysisSpec(await probe(join(CLIPS, "pyscenedetect_hands_glass_jar.mp4")))).toEqual({ width: 320, height: 180, fps: 25 });
    // 1280×544 stored, rotated 90°: ffmpeg autorotates, so the frames are portrait.
    const rotated = analysisSpec(await probe(join(CORPUS, "edge", "rotated_screen.mp4")));
    expect(rotated.height).toBe(320);
    expect(rotated.width).toBe(136);
    expect(rotated.fps).toBeCloseTo(23.976, 3);
    const steamboat = await probe(join(CLIPS, "cartoon_steamboat_willie_1928.mp4"));
    expect(analysisSpec(steamboat, 384).width).toBe(384);
    expect(analysisSpec(steamboat, 320, 12).fps).toBe(12);
  });
});

describe("decodeFrames", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "reelsmith-frames-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("delivers whole frames with timestamps on the constant grid, and progress up to 1", async () => {
    const path = join(CORPUS, "edge", "counter_synthetic.mp4");
    const p = await probe(path);
    const spec = analysisSpec(p);
    const times: number[] = [];
    const firstPixels: number[] = [];
    const progress: number[] = [];
    const r = await decodeFrames(path, p, spec, (f) => {
      expect(f.data.length).toBe(spec.width * spec.height * 3);
      times.push(f.time);
      firstPixels.push(f.data[(90 * spec.width + 40) * 3]!);
    }, { onProgress: (x) => progress.push(x) });
    expect(r.frames).toBe(30);
    expect(r.durationSeconds).toBeCloseTo(3, 5);
    expect(times.slice(0, 3)).toEqual([0, 0.1, 0.2]);
    // The counter clip changes colour every 10 frames.
    expect(firstPixels[5]).not.toBe(firstPixels[15]);
    expect(progress.at(-1)).toBe(1);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  test("an AVI listing 444 frames for 68 real ones decodes to its real 29.6 s timeline", async () => {
    const path = join(CLIPS, "opencv_tree_window_hand.avi");
    const p = await probe(path);
    // Low analysis rate: the test checks the timeline, not the pixels.
    const r = await decodeFrames(path, p, analysisSpec(p, 64, 5), () => {});
    expect(r.durationSeconds).toBeGreaterThan(29);
    expect(r.durationSeconds).toBeLessThan(30.5);
  });

  test("a WebM without a container duration gets its duration from the decode", async () => {
    const path = join(CORPUS, "edge", "no_duration.webm");
    const p = await probe(path);
    expect(p.durationSeconds).toBe(0);
    const r = await decodeFrames(path, p, analysisSpec(p, 64), () => {});
    expect(r.durationSeconds).toBeGreaterThan(1);
  });

  test("a clip whose first frame logs decoder errors still yields its frames", async () => {
    const path = join(CLIPS, "opencv_box_handheld_indoor.mp4");
    const p = await probe(path);
    const r = await decodeFrames(path, p, analysisSpec(p, 64, 5), () => {});
    expect(r.frames).toBeGreaterThan(10);
    expect(r.error).toBeUndefined();
  });

  test("a file that is not a video throws with ffmpeg's reason as the cause", async () => {
    const path = join(dir, "notes.mp4");
    writeFileSync(path, "not a video at all\n".repeat(100));
    const fake = { ...(await probe(join(CORPUS, "edge", "counter_synthetic.mp4"))), path };
    const err = await decodeFrames(path, fake, { width: 32, height: 18, fps: 5 }, () => {}).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain("cannot decode video frames");
    expect((err as Error).cause).toBeDefined();
  });

  test("an abort stops the decode and rejects", async () => {
    const path = join(CLIPS, "intel_people_walking_indoor_139s.mp4");
    const p = await probe(path);
    const ac = new AbortController();
    let seen = 0;
    const run = decodeFrames(path, p, analysisSpec(p, 64), () => {
      if (++seen === 5) ac.abort();
    }, { signal: ac.signal });
    await expect(run).rejects.toThrow();
    expect(seen).toBeLessThan(1000);
  });

  test("encodeJpeg writes a JPEG of the frame's size", async () => {
    const src = join(dir, "counter.mp4");
    copyFileSync(join(CORPUS, "edge", "counter_synthetic.mp4"), src);
    const p = await probe(src);
    let kept: RgbFrame | undefined;
    await decodeFrames(src, p, analysisSpec(p), (f) => {
      if (f.index === 12) kept = { ...f, data: f.data.slice() };
    });
    const out = join(dir, "frame.jpg");
    await encodeJpeg(kept!, out);
    const bytes = readFileSync(out);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    const jp = await probe(out);
    expect([jp.width, jp.height]).toEqual([kept!.width, kept!.height]);
  });
});
