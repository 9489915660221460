/**
 * Render speed: a ~31 s timeline of corpus clips (cuts, crossfades, a zoom) rendered at 720p by
 * renderTimeline, against ONE plain ffmpeg encode of an output of the same length and settings
 * (the same clip windows scaled, padded and concatenated; same encoder, preset, CRF and GOP; no
 * transitions, no loudness pass). Target: render / plain ≤ 1.2.
 * Run: `npx bun scripts/bench-render.ts [--runs N]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTable } from "../src/cli/output.ts";
import { runMedia } from "../src/media/exec.ts";
import { probe } from "../src/media/probe.ts";
import { outputSize, type Timeline, type TimelineEntry } from "../src/production/types.ts";
import { renderTimeline } from "../src/render/assemble.ts";
import { softwareEncoder, videoCodecArgs } from "../src/render/encoder.ts";
import { chain, graphToString, type FilterChain } from "../src/render/filtergraph.ts";
import { geometryFilters } from "../src/render/geometry.ts";
import { layoutTimeline } from "../src/render/layout.ts";

const CLIPS = join(import.meta.dir, "..", "..", "shared", "corpus", "clips");

type Pick = [file: string, from: number, to: number, transition: TimelineEntry["transition"], seconds: number];
const PICKS: Pick[] = [
  ["blender_bbb_bunny_5s.mp4", 0, 4, "cut", 0],
  ["sports_baseball_play.mp4", 0.5, 4.5, "fade", 0.5],
  ["flutter_butterfly_on_flower.mp4", 1, 5, "cut", 0],
  ["pexels_squirrel_on_table.mp4", 2, 6, "fade", 0.5],
  ["sports_basketball_game.mp4", 1, 5, "zoom", 0.4],
  ["film_chaplin_street_pd.mp4", 2, 6, "cut", 0],
  ["pyscenedetect_hands_glass_jar.mp4", 19, 23, "fade", 0.5],
  ["nasa_rocket_launch_oa4.webm", 2, 6.5, "cut", 0],
];

/** The benchmark timeline, built from the corpus with probed source facts. */
export async function benchTimeline(): Promise<Timeline> {
  const { width, height } = outputSize("16:9", "720p");
  let t = 0;
  const entries: TimelineEntry[] = [];
  for (const [i, [f, from, to, transition, seconds]] of PICKS.entries()) {
    const p = await probe(join(CLIPS, f));
    const start = t - (i > 0 && transition === "fade" ? seconds : 0);
    t = start + (to - from);
    entries.push({
      position: i, clipId: `c${i}`, externalId: f, filePath: p.path, sourceStart: from, sourceEnd: to, start, end: t, transition, transitionSeconds: seconds, audioLevel: 1,
      source: { width: p.width, height: p.height, fps: p.fps, hasAudio: p.hasAudio, durationSeconds: p.durationSeconds, rotation: p.rotation, sampleAspectRatio: p.sampleAspectRatio },
      section: "build-up", reason: "bench", title: f,
    });
  }
  return { productionId: "bench-render", style: "energetic", aspect: "16:9", resolution: "720p", width, height, fps: 30, loudnessTarget: -14, entries, duration: t };
}

/** The plain baseline: one ffmpeg run, each window shortened by its crossfade so the output has the same frames. */
function plainArgs(tl: Timeline, out: string): string[] {
  const layout = layoutTimeline(tl);
  const enc = softwareEncoder(tl.fps);
  const inputs: string[] = [];
  const chains: FilterChain[] = [];
  tl.entries.forEach((e, i) => {
    const frames = layout.segments[i]!.frames - layout.segments[i]!.headFrames;
    const seconds = frames / tl.fps;
    inputs.push("-ss", String(e.sourceStart), "-t", String(seconds), "-i", e.filePath);
    chains.push(chain([`${i}:v:0`], [...geometryFilters(e.source, tl.width, tl.height, "fit"), { filter: "fps", options: [tl.fps] }, { filter: "format", options: ["yuv420p"] }, { filter: "trim", options: { end_frame: frames } }], [`v${i}`]));
    const audio = [{ filter: "aresample", options: [48000] }, { filter: "aformat", options: { channel_layouts: "stereo" } }, { filter: "apad", options: { whole_dur: seconds } }, { filter: "atrim", options: { end: seconds } }];
    chains.push(e.source.hasAudio ? chain([`${i}:a:0`], audio, [`a${i}`], "audio") : chain([], [{ filter: "anullsrc", options: { r: 48000, cl: "stereo" } }, ...audio], [`a${i}`], "audio"));
  });
  chains.push([{ inputs: tl.entries.flatMap((_, i) => [`v${i}`, `a${i}`]), filter: "concat", options: { n: tl.entries.length, v: 1, a: 1 }, outputs: ["v", "a"] }]);
  return ["ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-y", ...inputs, "-filter_complex", graphToString(chains), "-map", "[v]", "-map", "[a]", ...videoCodecArgs(enc), "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", out];
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

/** Runs the comparison (best of `runs` for each side, to damp noise from a shared machine) and prints the table. */
export async function benchRender(runs = 1): Promise<string[][]> {
  const tl = await benchTimeline();
  const dir = mkdtempSync(join(tmpdir(), "reelsmith-bench-render-"));
  try {
    let render = Infinity;
    let plain = Infinity;
    let rerender = Infinity;
    let proxy = Infinity;
    let duration = 0;
    for (let r = 0; r < runs; r++) {
      const work = join(dir, `work-${r}`);
      const [res, s] = await timed(() => renderTimeline(tl, { outDir: join(dir, "out"), workDir: work }));
      render = Math.min(render, s);
      duration = res.durationSeconds;
      rerender = Math.min(rerender, (await timed(() => renderTimeline(tl, { outDir: join(dir, "out"), workDir: work })))[1]);
      proxy = Math.min(proxy, (await timed(() => renderTimeline(tl, { outDir: join(dir, "out"), workDir: work, proxy: true })))[1]);
      plain = Math.min(plain, (await timed(() => runMedia(plainArgs(tl, join(dir, "plain.mp4")))))[1]);
    }
    const plainDuration = (await probe(join(dir, "plain.mp4"))).durationSeconds;
    const rows = [
      [`renderTimeline, fresh (${tl.entries.length} clips, 3 crossfades, 1 zoom, 2-pass loudnorm, chapters)`, duration.toFixed(2), render.toFixed(2), (duration / render).toFixed(2), (render / plain).toFixed(2)],
      ["renderTimeline, all segments reused", duration.toFixed(2), rerender.toFixed(2), (duration / rerender).toFixed(2), (rerender / plain).toFixed(2)],
      ["renderTimeline, proxy 360p ultrafast", duration.toFixed(2), proxy.toFixed(2), (duration / proxy).toFixed(2), (proxy / plain).toFixed(2)],
      ["plain ffmpeg: same windows, scale+pad+concat, libx264 veryfast CRF 20", plainDuration.toFixed(2), plain.toFixed(2), (plainDuration / plain).toFixed(2), "1.00"],
    ];
    console.log(formatTable(["720p render of corpus clips", "output s", "wall s", "× realtime", "÷ plain"], rows));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const i = process.argv.indexOf("--runs");
  await benchRender(i >= 0 ? Number(process.argv[i + 1]) : 1);
}
