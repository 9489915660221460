/**
 * Burned-in watermarks: a corpus clip given a static "@funnyclips" handle with ffmpeg drawtext is
 * found, with the mark's box in the top-right corner, and is not cleared; the same clip without
 * the mark is clean. (Over the whole corpus the detector flags no clip: see watermark.ts.)
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyseVisual } from "../analysis/visual/index.ts";
import { createApp, type AppContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { indexFiles } from "../indexing/service.ts";
import { createIndexSteps } from "../indexing/steps.ts";
import { runMedia } from "../media/exec.ts";
import { probe } from "../media/probe.ts";

const SOURCE = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips", "sports_basketball_game.mp4");
const FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
let dir: string;
let marked: string;
let app: AppContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-watermark-"));
  marked = join(dir, "basketball_with_handle.mp4");
  await runMedia(["ffmpeg", "-v", "error", "-y", "-t", "8", "-i", SOURCE, "-vf", `drawtext=fontfile=${FONT}:text='@funnyclips':x=w-tw-16:y=16:fontsize=h/12:fontcolor=white:borderw=2:bordercolor=black`, "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", marked]);
  app = await createApp(loadConfig({ REELSMITH_HOME: join(dir, "home"), LOG_LEVEL: "error" }));
}, 120_000);
afterAll(async () => app?.close());

test("a still mark over moving pictures is found with its box; the unmarked clip is clean", async () => {
  const v = await analyseVisual(marked, await probe(marked));
  expect(v.watermark).not.toBeNull();
  const [x, y, w, h] = v.watermark!.box;
  expect(x).toBeGreaterThan(0.5);
  expect(y + h).toBeLessThan(0.25);
  expect(x + w).toBeLessThanOrEqual(1);
  expect((await analyseVisual(SOURCE, await probe(SOURCE))).watermark).toBeNull();
}, 120_000);

test("indexing the marked clip records a watermark issue with the box and does not clear it", async () => {
  const steps = await createIndexSteps(app);
  const s = await indexFiles(app, [marked], steps.actors, { license: "CC0" });
  await steps.dispose();
  const clip = (await app.clips.get(s.indexed[0]!.clip_id))!;
  const issue = clip.rightsIssues.find((i) => i.kind === "watermark")!;
  expect(issue.evidence?.box?.[0]).toBeGreaterThan(0.5);
  expect(issue.reason).toMatch(/burned-in mark stays still/);
  expect(clip.rightsCleared).toBe(false);
  expect(clip.rightsConfidence).toBe(0.75);
}, 300_000);
