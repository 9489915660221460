/**
 * renderTimeline: timeline in, finished MP4 out. Each entry is rendered once into a reusable
 * segment (picture encoded with the final encoder); cuts and zooms join by stream copy, and only
 * crossfade frames are encoded a second time. The audio is joined, measured and normalised to the
 * timeline's loudness target (measured once with ebur128, then one linear gain with a limiter when peaks need it), then muxed with chapters and faststart.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FfmpegError, runMedia } from "../media/exec.ts";
import { probe, type ProbeResult } from "../media/probe.ts";
import { outputSize, type Timeline } from "../production/types.ts";
import { chaptersFfmetadata } from "./chapters.ts";
import { chooseEncoder, softwareEncoder, type EncoderRequest, type VideoEncoder } from "./encoder.ts";
import { concatList, finalArgs, isMeasurable, loudnessMeasureArgs, xfadeArgs, type MeasuredLoudness } from "./join.ts";
import { parseEbur128Summary } from "./qa-measure.ts";
import { layoutTimeline, type TimelineLayout } from "./layout.ts";
import { renderSegment } from "./segment-cache.ts";
import { segmentSeconds, segmentStreams, type SegmentSpec } from "./segment.ts";

export interface RenderOptions {
  outDir: string;
  workDir: string;
  ffmpegPath?: string;
  ffprobePath?: string;
  encoder?: EncoderRequest;
  preset?: string;
  /** Preview: 360p, ultrafast, no loudness pass. */
  proxy?: boolean;
  /** Title written into the file's metadata (defaults to the production id). */
  title?: string;
  signal?: AbortSignal;
  onProgress?: (percent: number, stage: string) => void;
}

export interface RenderResult {
  videoPath: string;
  durationSeconds: number;
  encoder: "libx264" | "h264_nvenc";
  fallbackReason?: string;
  segmentsReused: number;
  /** Loudness before and after normalisation (LUFS); null for proxies, which skip the pass. */
  loudness: { input_i: number; output_i: number } | null;
  /** Things a person may want to know: entries decoded from the start instead of seeking, and why. */
  notes: string[];
}

/** What rendering a timeline's segments needs: layout, per-entry specs, the segment folder, the encoder. */
async function prepare(tl: Timeline, o: RenderOptions) {
  const ff = o.ffmpegPath ?? "ffmpeg";
  const fp = o.ffprobePath ?? "ffprobe";
  const size = o.proxy ? outputSize(tl.aspect, "360p") : { width: tl.width, height: tl.height };
  const layout = layoutTimeline(tl);
  if (!tl.entries.length) throw new Error(`timeline ${tl.productionId} has no entries`);
  const report = (p: number, stage: string) => o.onProgress?.(Math.max(0, Math.min(100, Math.round(p * 10) / 10)), stage);
  const choice = await chooseEncoder(ff, o.encoder ?? "libx264", tl.fps, { preset: o.preset, proxy: o.proxy });
  const probes = new Map<string, ProbeResult>();
  await Promise.all([...new Set(tl.entries.map((e) => e.filePath))].map(async (f) => probes.set(f, await probe(f, fp, o.signal))));
  const notes: string[] = [];
  const specs: Omit<SegmentSpec, "seek">[] = [];
  for (const [k, e] of tl.entries.entries()) {
    const p = probes.get(e.filePath)!;
    specs.push({
      entry: e,
      // The file itself is the authority on rotation, pixel shape and audio; the entry's copy may be stale.
      source: { width: p.width, height: p.height, rotation: p.rotation, sampleAspectRatio: p.sampleAspectRatio, hasAudio: p.hasAudio, fps: p.fps },
      layout: layout.segments[k]!,
      target: { width: size.width, height: size.height, fps: tl.fps, mode: tl.aspect === "9:16" ? "fill" : "fit" },
    });
  }
  const dir = join(o.workDir, tl.productionId.replace(/[^\w.-]+/g, "_"), o.proxy ? "proxy" : "full");
  await mkdir(dir, { recursive: true });
  return { ff, fp, layout, report, choice, notes, specs, dir };
}

/**
 * Renders one slice of a timeline's segments (entries k with k mod count = index) into the shared
 * work folder and stops: several workers render slices side by side, and `renderTimeline` then
 * finds every segment done and only joins them. Returns how many segments it rendered or reused.
 */
export async function renderSegmentSlice(tl: Timeline, o: RenderOptions, slice: { index: number; count: number }): Promise<{ rendered: number; reused: number }> {
  const { ff, fp, layout, report, choice, notes, specs, dir } = await prepare(tl, o);
  const keep = specs.map((_, k) => k).filter((k) => k % slice.count === slice.index);
  const sub = { ...layout, segments: keep.map((k) => layout.segments[k]!) };
  const subTl = { ...tl, entries: keep.map((k) => tl.entries[k]!) };
  const out = await renderSegments(subTl, keep.map((k) => specs[k]!), sub, choice.encoder, dir, ff, fp, { ...o, notes }, report);
  return { rendered: out.filter((x) => !x.reused).length, reused: out.filter((x) => x.reused).length };
}

/** Renders a timeline to `outDir/<productionId>.mp4` (or `-proxy.mp4`); resumable and idempotent. */
export async function renderTimeline(tl: Timeline, o: RenderOptions): Promise<RenderResult> {
  const { ff, fp, layout, report, choice, notes, specs, dir } = await prepare(tl, o);
  await mkdir(o.outDir, { recursive: true });

  let encoder = choice.encoder;
  let fallbackReason = choice.fallbackReason;
  let segments: { path: string; reused: boolean }[];
  let pieces = new CrossfadePieces(layout, encoder, dir, ff, o.signal);
  try {
    segments = await renderSegments(tl, specs, layout, encoder, dir, ff, fp, { ...o, notes }, report, (k, path) => pieces.segmentDone(k, path));
  } catch (err) {
    // Crossfade pieces already started finish or clean up their .part files first.
    await pieces.settled();
    if (encoder.codec !== "h264_nvenc" || o.signal?.aborted) throw err;
    // NVENC passed the one-frame test but failed on real input (e.g. out of sessions): redo in software.
    fallbackReason = `h264_nvenc failed during the render (${err instanceof FfmpegError ? err.reason : (err as Error).message}); encoded with libx264`;
    encoder = softwareEncoder(tl.fps, { preset: o.preset, proxy: o.proxy });
    pieces = new CrossfadePieces(layout, encoder, dir, ff, o.signal);
    segments = await renderSegments(tl, specs, layout, encoder, dir, ff, fp, { ...o, notes }, report, (k, path) => pieces.segmentDone(k, path));
  }

  const listPath = join(dir, "video.ffconcat");
  const metaPath = join(dir, "chapters.ffmeta");
  const segPaths = segments.map((s) => s.path);
  // The crossfade pieces (picture) and the loudness measurement (audio) need only the segments:
  // run them side by side.
  const measureJob = o.proxy
    ? Promise.resolve(null)
    : runMedia(loudnessMeasureArgs(ff, segPaths, layout), {
        signal: o.signal,
        durationSeconds: layout.durationSeconds,
        stderrLimit: 1 << 20,
        onProgress: (p) => report(85 + (p.percent ?? 0) * 0.08, "joining"),
      });
  const [partsR, measureR] = await Promise.allSettled([pieces.parts(segPaths), measureJob]);
  if (partsR.status === "rejected") throw partsR.reason;
  if (measureR.status === "rejected") throw measureR.reason;
  const parts = partsR.value;
  let measured: MeasuredLoudness | null = null;
  if (measureR.value) {
    const m = parseEbur128Summary(measureR.value.stderr);
    if (m && isMeasurable(m.integrated)) measured = { integrated: m.integrated, truePeak: m.truePeak ?? Number.NaN };
    else notes.push(`the joined audio has no measurable loudness (${m ? `${m.integrated} LUFS` : "no ebur128 summary"}); no gain applied`);
  }
  report(93, "joining");
  await writeFile(listPath, concatList(parts));
  await writeFile(metaPath, chaptersFfmetadata(o.title ?? tl.productionId, tl.entries, layout));
  const videoPath = join(o.outDir, `${tl.productionId.replace(/[^\w.-]+/g, "_")}${o.proxy ? "-proxy" : ""}.mp4`);
  const part = `${videoPath}.part`;
  const mux = (m: MeasuredLoudness | null) =>
    runMedia(finalArgs(ff, { concatList: listPath, segments: segPaths, metadata: metaPath, layout, loudness: o.proxy ? null : { target: tl.loudnessTarget, measured: m }, out: part }), {
      signal: o.signal,
      durationSeconds: layout.durationSeconds,
      stderrLimit: 1 << 20,
      onProgress: (p) => report(93 + (p.percent ?? 0) * 0.07, "final mux"),
    }).catch(async (err) => {
      await rm(part, { force: true });
      throw err;
    });
  let fin = await mux(measured);
  let applied = parseEbur128Summary(fin.stderr);
  // The limiter took the loudness under the target: once more with the shortfall added to the gain.
  const miss = applied && measured ? tl.loudnessTarget - applied.integrated : 0;
  if (measured && Math.abs(miss) > 0.5) {
    notes.push(`limiting left the audio at ${applied!.integrated} LUFS; muxed again with ${miss.toFixed(1)} dB more gain`);
    fin = await mux({ ...measured, correction: miss });
    applied = parseEbur128Summary(fin.stderr);
  }
  await rename(part, videoPath);
  await pruneStale(dir, new Set([...parts.map((p) => p.path), listPath, metaPath]));
  const out = await probe(videoPath, fp, o.signal);
  report(100, "done");
  return {
    videoPath,
    durationSeconds: out.durationSeconds,
    encoder: encoder.codec,
    fallbackReason,
    segmentsReused: segments.filter((s) => s.reused).length,
    loudness: measured ? { input_i: measured.integrated, output_i: applied?.integrated ?? Number.NaN } : null,
    notes,
  };
}

/**
 * The crossfade pieces (the only frames encoded twice): each starts as soon as the two segments
 * it blends exist, so the pieces of early entries are done while the last segments still render,
 * instead of after them. `parts` lists the picture in order: bodies, with a piece before each
 * faded-in entry.
 */
class CrossfadePieces {
  private readonly done = new Map<number, string>();
  private readonly jobs = new Map<number, Promise<string>>();

  constructor(
    private readonly layout: TimelineLayout,
    private readonly encoder: VideoEncoder,
    private readonly dir: string,
    private readonly ff: string,
    private readonly signal?: AbortSignal,
  ) {}

  segmentDone(k: number, path: string): void {
    this.done.set(k, path);
    for (const j of [k, k + 1]) if (this.done.has(j - 1) && this.done.has(j)) this.start(j);
  }

  /** Waits for pieces already started (after a failed render, before starting over). */
  async settled(): Promise<void> {
    await Promise.allSettled(this.jobs.values());
  }

  async parts(segments: string[]): Promise<{ path: string; seconds: number }[]> {
    segments.forEach((path, k) => this.done.set(k, path));
    for (let k = 1; k < segments.length; k++) this.start(k);
    const parts: { path: string; seconds: number }[] = [];
    for (const [k, s] of this.layout.segments.entries()) {
      const piece = this.jobs.get(k);
      if (piece) parts.push({ path: await piece, seconds: segmentSeconds(s.headFrames, this.layout.fps) });
      parts.push({ path: segments[k]!, seconds: segmentSeconds(s.frames - s.headFrames - s.tailFrames, this.layout.fps) });
    }
    return parts;
  }

  private start(k: number): void {
    const s = this.layout.segments[k]!;
    if (this.jobs.has(k) || k === 0 || s.headFrames <= 0) return;
    const prev = this.done.get(k - 1)!;
    const next = this.done.get(k)!;
    const name = `x${String(k).padStart(3, "0")}-${new Bun.CryptoHasher("sha256").update(JSON.stringify([prev, next, s.headFrames, this.encoder])).digest("hex").slice(0, 16)}.mov`;
    const out = join(this.dir, name);
    const job = (async () => {
      if (await exists(out)) return out;
      const args = xfadeArgs(this.ff, { path: prev, tailStream: segmentStreams(this.layout.segments[k - 1]!).tail! }, { path: next, headStream: segmentStreams(s).head! }, s.headFrames, this.layout.fps, this.encoder, `${out}.part`);
      await runMedia(args, { signal: this.signal }).catch(async (err) => {
        await rm(`${out}.part`, { force: true });
        throw err;
      });
      await rename(`${out}.part`, out);
      return out;
    })();
    // Awaited in parts(); a failure before then must not be an unhandled rejection.
    job.catch(() => {});
    this.jobs.set(k, job);
  }
}

async function renderSegments(
  tl: Timeline,
  specs: Omit<SegmentSpec, "seek">[],
  layout: TimelineLayout,
  encoder: VideoEncoder,
  dir: string,
  ff: string,
  fp: string,
  o: RenderOptions & { notes?: string[] },
  report: (p: number, stage: string) => void,
  onDone?: (k: number, path: string) => void,
): Promise<{ path: string; reused: boolean }[]> {
  const total = layout.segments.reduce((a, s) => a + s.frames, 0);
  // Frames done per segment: with two segments in flight, progress is their sum (so it never goes back).
  const doneFrames = specs.map(() => 0);
  const progress = (stage: string) => report((doneFrames.reduce((a, b) => a + b, 0) / total) * 85, stage);
  const out: { path: string; reused: boolean }[] = new Array(specs.length);
  // Two segments at a time: a short segment's encoder alone leaves a core idle while it starts,
  // fills its lookahead and drains; two keep both busy (segments are independent files).
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < specs.length; k = next++) {
      const frames = layout.segments[k]!.frames;
      const stage = `segment ${k + 1}/${specs.length}`;
      const run = await renderSegment(specs[k]!, encoder, {
        dir, productionId: tl.productionId, position: tl.entries[k]!.position, ffmpegPath: ff, ffprobePath: fp, signal: o.signal,
        onProgress: (p) => {
          doneFrames[k] = Math.max(doneFrames[k]!, ((p.percent ?? 0) / 100) * frames);
          progress(stage);
        },
      });
      doneFrames[k] = frames;
      progress(stage);
      if (run.seekNote) o.notes?.push(`${tl.entries[k]!.externalId}: decoded from the start (${run.seekNote})`);
      out[k] = run;
      onDone?.(k, run.path);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/** Removes segment files of earlier versions of this timeline (edited entries), and stray .part files. */
async function pruneStale(dir: string, keep: Set<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (!keep.has(path)) await rm(path, { force: true });
  }
}
