/**
 * The CLIP path end to end: indexing stores keyframe embeddings and search finds clips by their
 * pictures (tiny test model built by the test: proves plumbing, not quality — no CLIP weights
 * can be had on these machines).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type AppContext } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { loadClipTokenizer } from "../src/inference/clip/tokenizer.ts";
import { indexFiles } from "../src/indexing/service.ts";
import { createIndexSteps } from "../src/indexing/steps.ts";
import { searchClips } from "../src/search/service.ts";
import { CLIP_FILES_DIR, writeTinyClipDir } from "./fixtures/tiny-clip.ts";
import { CLIPS } from "./support/cli.ts";

let dir: string;
let app: AppContext;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-clip-"));
  const modelDir = join(dir, "models", "clip-vit-b32");
  mkdirSync(modelDir, { recursive: true });
  for (const f of readdirSync(CLIP_FILES_DIR)) copyFileSync(join(CLIP_FILES_DIR, f), join(modelDir, f));
  const tok = await loadClipTokenizer(modelDir);
  const [red, green, blue] = ["red", "green", "blue"].map((w) => tok.tokenize(w)[0]!);
  writeTinyClipDir(modelDir, { [red!]: [1, 0, 0], [green!]: [0, 1, 0], [blue!]: [0, 0, 1] });
  app = await createApp(loadConfig({ REELSMITH_HOME: join(dir, "home"), REELSMITH_MODELS_DIR: join(dir, "models"), LOG_LEVEL: "error" }));
  const steps = await createIndexSteps(app);
  await indexFiles(app, ["mdn_flower_blooming_timelapse.mp4", "autoeditor_man_green_screen.mp4"].map((f) => join(CLIPS, f)), steps.actors);
  await steps.dispose();
}, 300_000);
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("keyframe embeddings are stored with their model (tiny test model built by the test: proves plumbing, not quality)", async () => {
  for (const c of await app.clips.list()) {
    const frames = await app.clips.frames(c.id);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.embedding && f.embeddingModel === "clip-vit-b32")).toBe(true);
    expect(c.absentSignals.some((a) => a.signal === "image embeddings")).toBe(false);
  }
});

test("a text query finds the clip by its pictures and says so (tiny test model built by the test: proves plumbing, not quality)", async () => {
  const green = await searchClips(app, "green");
  expect(green[0]?.file_path).toContain("green_screen");
  expect(green[0]?.why.some((w) => w.startsWith("image:"))).toBe(true);
  // "red" is nowhere in either clip's text: only the image embeddings can answer it.
  expect(await searchClips(app, "red", { dense: false })).toEqual([]);
  const red = await searchClips(app, "red");
  expect(red[0]?.file_path).toContain("flower");
  expect(red[0]?.why[0]).toMatch(/^image:0\.\d+@[\d.]+s$/);
});
