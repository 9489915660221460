/**
 * Render speed: a ~31 s timeline of corpus clips (cuts, crossfades, a zoom) rendered at 720p by
 * renderTimeline, against ONE plain ffmpeg encode of an output of the same length and settings
 * (the same clip windows scaled, padded and concatenated; same encoder, preset, CRF and GOP; no
 * transitions, no loudness pass). Target: render / plain ≤ 1.2.
 * Run: `npx bun scripts/bench-render.ts [--runs N]`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
      source: { width: p.width, height: p.height, fps: p.fps, hasAudio: p.hasAudio, durationSeconds: p.durationSeconds, rotation: p.rotation, sampleAspectRatio: p.sampleAspectRatio, fileSizeBytes: p.fileSizeBytes },
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

/**
 * CPU seconds used by finished child processes (ffmpeg, ffprobe): /proc/self/stat cutime + cstime.
 * On a shared 2-core machine wall time swings with other people's load; CPU time barely does.
 */
function childCpuSeconds(): number {
  const f = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
  // Fields 16 and 17 of proc(5), counted from field 3 (state) after the command name; 100 ticks a second.
  return (Number(f[13]) + Number(f[14])) / 100;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number, number]> {
  const t0 = performance.now();
  const c0 = childCpuSeconds();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000, childCpuSeconds() - c0];
}

/** Runs the comparison (best of `runs` for each side, to damp noise from a shared machine) and prints the table. */
export async function benchRender(runs = 1): Promise<string[][]> {
  const tl = await benchTimeline();
  const dir = mkdtempSync(join(tmpdir(), "reelsmith-bench-render-"));
  try {
    const best = { render: [Infinity, Infinity], rerender: [Infinity, Infinity], proxy: [Infinity, Infinity], plain: [Infinity, Infinity] };
    const keep = (k: keyof typeof best, wall: number, cpu: number) => (best[k] = [Math.min(best[k][0]!, wall), Math.min(best[k][1]!, cpu)]);
    let duration = 0;
    for (let r = 0; r < runs; r++) {
      const work = join(dir, `work-${r}`);
      const [res, wall, cpu] = await timed(() => renderTimeline(tl, { outDir: join(dir, "out"), workDir: work }));
      keep("render", wall, cpu);
      duration = res.durationSeconds;
      const again = await timed(() => renderTimeline(tl, { outDir: join(dir, "out"), workDir: work }));
      keep("rerender", again[1], again[2]);
      const proxy = await timed(() => renderTimeline(tl, { outDir: join(dir, "out"), workDir: work, proxy: true }));
      keep("proxy", proxy[1], proxy[2]);
      const plain = await timed(() => runMedia(plainArgs(tl, join(dir, "plain.mp4"))));
      keep("plain", plain[1], plain[2]);
    }
    const plainDuration = (await probe(join(dir, "plain.mp4"))).durationSeconds;
    const [pw, pc] = best.plain as [number, number];
    const row = (label: string, out: number, [w, c]: number[]) => [label, out.toFixed(2), w!.toFixed(2), c!.toFixed(2), (out / w!).toFixed(2), (w! / pw).toFixed(2), (c! / pc).toFixed(2)];
    const rows = [
      row(`renderTimeline, fresh (${tl.entries.length} clips, 3 crossfades, 1 zoom, ebur128 + gain, chapters)`, duration, best.render),
      row("renderTimeline, all segments reused", duration, best.rerender),
      row("renderTimeline, proxy 360p ultrafast", duration, best.proxy),
      row("plain ffmpeg: same windows, scale+pad+concat, libx264 veryfast CRF 20", plainDuration, best.plain),
    ];
    console.log(formatTable(["720p render of corpus clips", "output s", "wall s", "cpu s", "× realtime", "wall ÷ plain", "cpu ÷ plain"], rows));
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const i = process.argv.indexOf("--runs");
  await benchRender(i >= 0 ? Number(process.argv[i + 1]) : 1);
}
