import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMedia } from "../media/exec.ts";
import { detectBlack, detectFreeze, measureLoudness, parseBlackdetect, parseEbur128Summary, parseFreezedetect } from "./qa-measure.ts";

const CORPUS = join(import.meta.dir, "..", "..", "..", "shared", "corpus");

// Captured from ffmpeg 5.1 (Debian 12) on a rendered 13.5 s compilation.
const EBUR128 = `[Parsed_ebur128_0 @ 0x5572c19bcc00] t: 13.4      TARGET:-23 LUFS    M: -13.2 S: -13.9     I: -14.1 LUFS       LRA:  13.3 LU  FTPK: -3.5 -3.4 dBFS  TPK: -3.0 -3.1 dBFS
[Parsed_ebur128_0 @ 0x5572c19bcc00] Summary:

  Integrated loudness:
    I:         -14.1 LUFS
    Threshold: -24.8 LUFS

  Loudness range:
    LRA:        13.3 LU
    Threshold: -37.1 LUFS
    LRA low:   -26.1 LUFS
    LRA high:  -12.8 LUFS

  True peak:
    Peak:       -3.0 dBFS
`;

// Captured from ffmpeg 5.1: one second of black, a freeze, and a freeze still open at the end (7 s file).
const DETECT = `[freezedetect @ 0x5585050782c0] lavfi.freezedetect.freeze_start: 0
[freezedetect @ 0x5585050782c0] lavfi.freezedetect.freeze_duration: 1
[freezedetect @ 0x5585050782c0] lavfi.freezedetect.freeze_end: 1
[blackdetect @ 0x558505079100] black_start:0 black_end:1 black_duration:1
[freezedetect @ 0x5585050782c0] lavfi.freezedetect.freeze_start: 1
[freezedetect @ 0x5585050782c0] lavfi.freezedetect.freeze_duration: 1.56
[freezedetect @ 0x5585050782c0] lavfi.freezedetect.freeze_end: 2.56
[freezedetect @ 0x5585050782c0] lavfi.freezedetect.freeze_start: 5.48
`;

describe("parsers", () => {
  test("ebur128 summary: integrated, LRA, true peak (the running t: lines are ignored)", () => {
    expect(parseEbur128Summary(EBUR128)).toEqual({ integrated: -14.1, lra: 13.3, truePeak: -3 });
    expect(parseEbur128Summary("no summary")).toBeNull();
    expect(parseEbur128Summary("Summary:\n\n  Integrated loudness:\n    I:         -70.0 LUFS\n\n  Loudness range:\n    LRA:         0.0 LU\n")).toEqual({ integrated: -70, lra: 0, truePeak: null });
  });
  test("blackdetect intervals", () => {
    expect(parseBlackdetect(DETECT)).toEqual([{ start: 0, end: 1, duration: 1 }]);
  });
  test("freezedetect intervals; an open freeze is closed at the file's end", () => {
    expect(parseFreezedetect(DETECT, 7)).toEqual([
      { start: 0, end: 1, duration: 1 },
      { start: 1, end: 2.56, duration: 1.56 },
      { start: 5.48, end: 7, duration: 1.52 },
    ]);
  });
});

describe("on real files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "qa-measure-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("black stretches of the synthetic fades clip (fades to and from black)", async () => {
    const black = await detectBlack(join(CORPUS, "edge", "fades_synthetic.mp4"), { minDuration: 0.25 });
    expect(black.length).toBeGreaterThanOrEqual(3);
    expect(black[0]!.start).toBe(0);
    for (const b of black) expect(b.duration).toBeGreaterThanOrEqual(0.25);
  }, 30_000);

  test("a freeze made by holding a real clip's last frame for 2 s is found and closed at the end", async () => {
    const held = join(dir, "held.mp4");
    await runMedia(["ffmpeg", "-v", "error", "-y", "-i", join(CORPUS, "clips", "sports_baseball_play.mp4"), "-vf", "trim=end=1.5,tpad=stop_mode=clone:stop_duration=2,scale=320:180", "-an", "-c:v", "libx264", "-preset", "ultrafast", held]);
    const frozen = await detectFreeze(held, { minDuration: 1 });
    expect(frozen).toHaveLength(1);
    expect(frozen[0]!.start).toBeGreaterThan(1.3);
    expect(frozen[0]!.start).toBeLessThan(1.9);
    expect(frozen[0]!.end).toBeCloseTo(3.5, 1);
    expect(await detectFreeze(join(CORPUS, "clips", "sports_baseball_play.mp4"), { minDuration: 1 })).toEqual([]);
  }, 30_000);

  test("loudness of a real clip with crowd audio", async () => {
    const l = await measureLoudness(join(CORPUS, "clips", "sports_baseball_play.mp4"));
    expect(l.integrated).toBeGreaterThan(-50);
    expect(l.integrated).toBeLessThan(-5);
    expect(l.truePeak!).toBeLessThanOrEqual(3);
    expect(l.lra).toBeGreaterThanOrEqual(0);
  }, 30_000);
});
