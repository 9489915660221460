/**
 * Production speed:
 *  - planning (coordinator → curator → editor → QA → metadata) with 10k clips in the library,
 *    split into the ffmpeg black/freeze checks of the chosen windows and everything else;
 *  - render time against ONE plain ffmpeg encode of an output of the same length and settings.
 */
import { join } from "node:path";
import { rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { formatTable } from "../src/cli/output.ts";
import { runMedia } from "../src/media/exec.ts";
import { probe } from "../src/media/probe.ts";
import { createProduction, runProduction } from "../src/production/service.ts";
import { createProductionServices } from "../src/production/services-impl.ts";
import { renderTimeline } from "../src/production/render.ts";
import { outputSize, type Timeline } from "../src/production/types.ts";
import { libraryOf } from "./bench-search.ts";

const CLIPS = join(import.meta.dir, "..", "..", "shared", "corpus", "clips");

async function benchPlanning(n = 10_000): Promise<string[][]> {
  const files = ["sports_baseball_play.mp4", "sports_basketball_game.mp4", "nasa_rocket_launch_oa4.webm", "blender_bbb_bunny_5s.mp4", "film_chaplin_street_pd.mp4"].map((f) => join(CLIPS, f));
  const { app, home } = await libraryOf(n, files);
  const services = await createProductionServices(app);
  let measureMs = 0;
  const timed = { ...services, measureWindows: async (...a: Parameters<typeof services.measureWindows>) => {
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

async function benchRender(): Promise<string[][]> {
  const picks = [["sports_baseball_play.mp4", 0, 5.5], ["nasa_rocket_launch_oa4.webm", 0, 8], ["blender_bbb_opening_30s.webm", 10, 18], ["sports_basketball_game.mp4", 0, 7], ["grid_speaker_bbaf2n.mpg", 0, 3]] as const;
  const { width, height } = outputSize("16:9", "720p");
  let t = 0;
  const entries = [];
  for (const [i, [f, s, e]] of picks.entries()) {
    const p = await probe(join(CLIPS, f));
    entries.push({ position: i, clipId: `c${i}`, externalId: `clip_${i}`, filePath: p.path, sourceStart: s, sourceEnd: e, start: t, end: t + (e - s), transition: "cut" as const, transitionSeconds: 0, audioLevel: 1, source: { width: p.width, height: p.height, fps: p.fps, hasAudio: p.hasAudio, durationSeconds: p.durationSeconds }, section: "build-up" as const, reason: "bench", title: f });
    t += e - s;
  }
  const tl: Timeline = { productionId: "bench", style: "energetic", aspect: "16:9", resolution: "720p", width, height, fps: 30, loudnessTarget: -14, entries, duration: t };
  const dir = mkdtempSync(join(tmpdir(), "reelsmith-bench-render-"));
  const t0 = performance.now();
  await renderTimeline(tl, dir, { encoder: "libx264" });
  const renderS = (performance.now() - t0) / 1000;
  // Baseline: one ffmpeg run that trims, scales and concatenates the same clips with the same encoder settings.
  const inputs = picks.flatMap(([f, s, e]) => ["-ss", String(s), "-t", String(e - s), "-i", join(CLIPS, f)]);
  const graph = picks.map((_, i) => `[${i}:v]scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps=30,format=yuv420p[v${i}];[${i}:a]aresample=48000,aformat=channel_layouts=stereo[a${i}]`).join(";") + ";" + picks.map((_, i) => `[v${i}][a${i}]`).join("") + `concat=n=${picks.length}:v=1:a=1[v][a]`;
  const t1 = performance.now();
  await runMedia(["ffmpeg", "-v", "error", "-y", ...inputs, "-filter_complex", graph, "-map", "[v]", "-map", "[a]", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-c:a", "aac", "-b:a", "192k", join(dir, "plain.mp4")]);
  const plainS = (performance.now() - t1) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return [[`render ${t.toFixed(1)} s at 720p (segments, join, 2-pass loudnorm, chapters)`, renderS.toFixed(2), plainS.toFixed(2), (renderS / plainS).toFixed(2)]];
}

/** Prints both tables. */
export async function benchProduce(): Promise<void> {
  console.log("\nProduction planning (coordinator → metadata), seconds");
  console.log(formatTable(["run", "total s", "without ffmpeg QA checks s", "ffmpeg black/freeze checks s"], await benchPlanning()));
  console.log("\nRender against one plain ffmpeg encode of the same output (libx264 veryfast, CRF 18, AAC)");
  console.log(formatTable(["run", "reelsmith s", "plain ffmpeg s", "ratio"], await benchRender()));
}

if (import.meta.main) await benchProduce();
