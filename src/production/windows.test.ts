/**
 * QA's black/frozen check first reads spans the visual pass stored at index time, and decodes a
 * trim window again only when they flag it. They must find what ffmpeg's blackdetect/freezedetect
 * find: a real corpus clip given 1.5 s of black at the head and a 2.5 s frozen tail by tpad.
 */
import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyseVisual } from "../analysis/visual/index.ts";
import { runMedia } from "../media/exec.ts";
import { probe } from "../media/probe.ts";
import { parseWindowCheck, windowCheckArgs, windowed } from "./services-impl.ts";

const CLIP = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips", "openshot_marathon_runners.mp4");

test("index-time black and frozen spans agree with ffmpeg blackdetect/freezedetect on the same window", async () => {
  const out = join(mkdtempSync(join(tmpdir(), "reelsmith-windows-")), "padded.mp4");
  await runMedia(["ffmpeg", "-v", "error", "-y", "-t", "4", "-i", CLIP, "-an", "-vf", "tpad=stop_duration=2.5:stop_mode=clone,tpad=start_duration=1.5:start_mode=add:color=black", "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", out]);
  const p = await probe(out);
  const v = await analyseVisual(out, p);
  const { stderr } = await runMedia(windowCheckArgs("ffmpeg", out, 0, p.durationSeconds), { stderrLimit: 1 << 20 });
  const ff = parseWindowCheck(stderr, p.durationSeconds);
  expect(ff.black.length).toBe(1);
  expect(v.blackSpans.length).toBe(1);
  expect(Math.abs(v.blackSpans[0]!.start - ff.black[0]!.start)).toBeLessThan(0.2);
  expect(Math.abs(v.blackSpans[0]!.end - ff.black[0]!.end)).toBeLessThan(0.2);
  // The clip moves between head and tail: the only long freeze is the cloned tail.
  const longFrozen = v.frozenSpans.filter((s) => s.end - s.start > 1.5);
  const ffFrozen = ff.frozen.filter((s) => s.start > 2);
  expect(longFrozen.length).toBe(1);
  expect(ffFrozen.length).toBe(1);
  expect(Math.abs(longFrozen[0]!.end - p.durationSeconds)).toBeLessThan(0.2);
  // freezedetect reports a freeze once it has lasted d=1.5 s from its start; ours starts at the first still frame.
  expect(Math.abs(longFrozen[0]!.start - ff.frozen.at(-1)!.start)).toBeLessThan(0.3);
  // Windowing keeps times relative to the window, as QA expects.
  expect(windowed(v.blackSpans, 1, 3)).toEqual([{ start: 0, end: Math.round((v.blackSpans[0]!.end - 1) * 1000) / 1000 }]);
  expect(windowed(v.blackSpans, 2, 3)).toEqual([]);
}, 60_000);
