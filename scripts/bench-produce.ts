/**
 * Production planning speed: coordinator → curator → editor → QA → metadata with 10k clips in
 * the library, split into the ffmpeg black/freeze checks of the chosen windows and the rest.
 * (Render time against one plain encode is scripts/bench-render.ts.)
 */
import { join } from "node:path";
import { rmSync } from "node:fs";
import { analyseVisual } from "../src/analysis/visual/index.ts";
import { formatTable } from "../src/cli/output.ts";
import { probe } from "../src/media/probe.ts";
import { createProduction, runProduction } from "../src/production/service.ts";
import { createProductionServices } from "../src/production/services-impl.ts";
import { libraryOf } from "./bench-search.ts";

const CLIPS = join(import.meta.dir, "..", "..", "shared", "corpus", "clips");

async function benchPlanning(n = 10_000): Promise<string[][]> {
  const files = ["sports_baseball_play.mp4", "sports_basketball_game.mp4", "nasa_rocket_launch_oa4.webm", "blender_bbb_bunny_5s.mp4", "film_chaplin_street_pd.mp4"].map((f) => join(CLIPS, f));
  const { app, home } = await libraryOf(n, files);
  // What indexing stores for each file: its black and frozen spans (QA screens windows with them).
  for (const f of files) {
    const v = await analyseVisual(f, await probe(f));
    app.database.sqlite!.prepare("UPDATE video_clips SET custom_metadata = ? WHERE file_path = ?").run(JSON.stringify({ black_spans: v.blackSpans, frozen_spans: v.frozenSpans }), f);
  }
  const services = await createProductionServices(app);
  let measureMs = 0;
  // Planning only: no proxy preview when it pauses for review.
  const timed = { ...services, preview: undefined, measureWindows: async (...a: Parameters<typeof services.measureWindows>) => {
    const t0 = performance.now();
    try { return await services.measureWindows(...a); } finally { measureMs += performance.now() - t0; }
  } };
  const row = await createProduction(app, { theme: "dog jumping in the park", target_duration: 60, style: "energetic", review: true });
  const t0 = performance.now();
  const done = await runProduction(app, timed, row.productionId);
  const total = performance.now() - t0;
  await app.close();
  rmSync(home, { recursive: true, force: true });
  return [
    [`planning, ${n.toLocaleString("en")} clips (${done.status}, ${done.clipsCount} clips picked)`, (total / 1000).toFixed(3), ((total - measureMs) / 1000).toFixed(3), (measureMs / 1000).toFixed(3)],
  ];
}

/** Prints the planning table. */
export async function benchProduce(): Promise<void> {
  console.log("\nProduction planning (coordinator → metadata), seconds");
  console.log(formatTable(["run", "total s", "without black/freeze checks s", "black/freeze checks s (stored spans, ffmpeg for flagged windows)"], await benchPlanning()));
}

if (import.meta.main) await benchProduce();
