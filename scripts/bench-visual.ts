/**
 * `npx bun scripts/bench-visual.ts [--repeats N] [clip…]`: speed of the visual pass against its floor. For each
 * clip (default: every clip in the shared corpus) it times (a) ffmpeg alone decoding to the same
 * analysis size and rate into `-f null -` and (b) analyseVisual (the same decode piped out plus
 * every analyser), and prints seconds of video, wall seconds, × realtime and the ratio b/a.
 * Target: b/a ≤ 1.5 over the corpus.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { analyseVisual } from "../src/analysis/visual/index.ts";
import { runMedia } from "../src/media/exec.ts";
import { analysisSpec, frameArgs } from "../src/media/frames.ts";
import { probe } from "../src/media/probe.ts";

export interface VisualBenchRow {
  clip: string;
  videoSeconds: number;
  decodeSeconds: number;
  visualSeconds: number;
  /** visualSeconds / decodeSeconds */
  ratio: number;
}

const VIDEO = /\.(mp4|mkv|webm|avi|mpg|mpeg|mov|ogv|m4v)$/i;
export const CORPUS_CLIPS = join(import.meta.dir, "..", "..", "shared", "corpus", "clips");

/** The corpus clips (video files only, sorted). */
export function corpusClips(dir = CORPUS_CLIPS): string[] {
  return readdirSync(dir)
    .filter((f) => VIDEO.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** ffmpeg's bare decode to the analysis size and rate, thrown away: the floor for the visual pass. */
export function bareDecodeArgs(ffmpegPath: string, path: string, spec: ReturnType<typeof analysisSpec>): string[] {
  const args = frameArgs(ffmpegPath, path, spec);
  return [...args.slice(0, args.indexOf("-f")), "-f", "null", "-"];
}

const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
};

/**
 * Times the bare decode and the visual pass on each clip, alternating, `repeats` times each,
 * keeping the fastest of each: on a shared machine the minimum is the figure least disturbed
 * by other work.
 */
export async function benchVisual(clips: string[], opts: { ffmpegPath?: string; repeats?: number } = {}): Promise<VisualBenchRow[]> {
  const ffmpegPath = opts.ffmpegPath ?? "ffmpeg";
  const rows: VisualBenchRow[] = [];
  for (const clip of clips) {
    const p = await probe(clip);
    const spec = analysisSpec(p);
    let decodeSeconds = Infinity;
    let visualSeconds = Infinity;
    let videoSeconds = 0;
    for (let r = 0; r < Math.max(1, opts.repeats ?? 2); r++) {
      decodeSeconds = Math.min(decodeSeconds, (await timed(() => runMedia(bareDecodeArgs(ffmpegPath, clip, spec))))[1]);
      const [v, s] = await timed(() => analyseVisual(clip, p, { ffmpegPath }));
      visualSeconds = Math.min(visualSeconds, s);
      videoSeconds = v.durationSeconds;
    }
    rows.push({ clip: clip.split("/").pop()!, videoSeconds, decodeSeconds, visualSeconds, ratio: visualSeconds / decodeSeconds });
  }
  return rows;
}

/** The rows as a plain-text table with a total line. */
export function formatVisualBench(rows: VisualBenchRow[]): string {
  const sum = (k: "videoSeconds" | "decodeSeconds" | "visualSeconds") => rows.reduce((a, r) => a + r[k], 0);
  const total = { clip: `TOTAL (${rows.length} clips)`, videoSeconds: sum("videoSeconds"), decodeSeconds: sum("decodeSeconds"), visualSeconds: sum("visualSeconds"), ratio: sum("visualSeconds") / sum("decodeSeconds") };
  const head = ["clip", "video s", "decode s", "decode ×rt", "visual s", "visual ×rt", "visual/decode"];
  const body = [...rows, total].map((r) => [
    r.clip,
    r.videoSeconds.toFixed(1),
    r.decodeSeconds.toFixed(2),
    `${(r.videoSeconds / r.decodeSeconds).toFixed(1)}×`,
    r.visualSeconds.toFixed(2),
    `${(r.videoSeconds / r.visualSeconds).toFixed(1)}×`,
    r.ratio.toFixed(2),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--repeats");
  const repeats = at >= 0 ? Number(args.splice(at, 2)[1]) : 2;
  const clips = args.length ? args : corpusClips();
  console.log(formatVisualBench(await benchVisual(clips, { repeats })));
}
