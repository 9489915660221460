/**
 * renderTimeline: timeline in, finished MP4 out. The picture is rendered by runs (range.ts): one
 * ffmpeg process per range of consecutive entries, encoding once and cutting the stream into one
 * segment file per entry as it goes. Segment files that already exist (a resumed render, another
 * worker's slice, an edit that left neighbours alone) are reused; only missing ones are rendered.
 * Beside the runs, the audio is joined and measured once (ebur128), then encoded with one gain
 * (and a limiter when peaks need it). The final mux copies both and writes chapters and faststart.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { FfmpegError, runMedia } from "../media/exec.ts";
import { probe } from "../media/probe.ts";
import { outputSize, type Timeline, type TimelineEntry } from "../production/types.ts";
import { chaptersFfmetadata } from "./chapters.ts";
import { chooseEncoder, softwareEncoder, type EncoderRequest, type VideoEncoder } from "./encoder.ts";
import { audioEncodeArgs, concatList, finalArgs, isMeasurable, type MeasuredLoudness } from "./join.ts";
import { layoutTimeline, type TimelineLayout } from "./layout.ts";
import { parseEbur128Summary } from "./qa-measure.ts";
import { audioPassArgs, cutTimes, rangeArgs, segmentStartFrame, type EntryRange } from "./range.ts";
import { audioFileName, decoderErrors, segmentFileName } from "./segment-cache.ts";
import { entryInputArgs, partWindow, seeksInput, segmentFrames, segmentSeconds, type EntryPart, type SegmentSpec } from "./segment.ts";

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

/**
 * Entries in one run at most. A run keeps every source it renders open (a decoder and its frame
 * pool each), so a 10-minute compilation of 150 clips is rendered by ten runs, not one.
 */
export const MAX_RUN_ENTRIES = 16;

interface Prepared {
  tl: Timeline;
  o: RenderOptions;
  ff: string;
  fp: string;
  layout: TimelineLayout;
  specs: SegmentSpec[];
  dir: string;
  notes: string[];
  report: (p: number, stage: string) => void;
}

/**
 * The source facts a render needs (size, rotation, pixel shape, rate, audio). The editor copies
 * them from the index with the file's size; while the file still has that size they are used as
 * they are, otherwise (hand-made timelines, a file replaced since indexing) the file is probed.
 */
async function sourceFacts(e: TimelineEntry, fp: string, signal?: AbortSignal): Promise<SegmentSpec["source"]> {
  const s = e.source;
  const pick = (x: SegmentSpec["source"]): SegmentSpec["source"] => ({ width: x.width, height: x.height, rotation: x.rotation, sampleAspectRatio: x.sampleAspectRatio, hasAudio: x.hasAudio, fps: x.fps });
  if (s.fileSizeBytes && s.width > 0 && s.height > 0 && s.fps > 0) {
    const size = await stat(e.filePath).then((x) => x.size, () => -1);
    if (size === s.fileSizeBytes) return pick(s);
  }
  return pick(await probe(e.filePath, fp, signal));
}

async function prepare(tl: Timeline, o: RenderOptions): Promise<Prepared> {
  if (!tl.entries.length) throw new Error(`timeline ${tl.productionId} has no entries`);
  const ff = o.ffmpegPath ?? "ffmpeg";
  const fp = o.ffprobePath ?? "ffprobe";
  const size = o.proxy ? outputSize(tl.aspect, "360p") : { width: tl.width, height: tl.height };
  const layout = layoutTimeline(tl);
  const sources = await Promise.all(tl.entries.map((e) => sourceFacts(e, fp, o.signal)));
  const specs = tl.entries.map((entry, k): SegmentSpec => ({
    entry,
    source: sources[k]!,
    layout: layout.segments[k]!,
    target: { width: size.width, height: size.height, fps: tl.fps, mode: tl.aspect === "9:16" ? "fill" : "fit" },
    seek: "input",
  }));
  const dir = join(o.workDir, tl.productionId.replace(/[^\w.-]+/g, "_"), o.proxy ? "proxy" : "full");
  await mkdir(dir, { recursive: true });
  const report = (p: number, stage: string) => o.onProgress?.(Math.max(0, Math.min(100, Math.round(p * 10) / 10)), stage);
  return { tl, o, ff, fp, layout, specs, dir, notes: [], report };
}

/**
 * Renders one slice of a timeline's segments (the k-th of `count` stretches of consecutive
 * entries) into the shared work folder and stops: several workers render slices side by side, and
 * `renderTimeline` then finds those segments done and renders only what is still missing.
 */
export async function renderSegmentSlice(tl: Timeline, o: RenderOptions, slice: { index: number; count: number }): Promise<{ rendered: number; reused: number }> {
  const p = await prepare(tl, o);
  const n = tl.entries.length;
  const within = { start: Math.floor((slice.index * n) / slice.count), end: Math.floor(((slice.index + 1) * n) / slice.count) };
  if (within.start >= within.end) return { rendered: 0, reused: 0 };
  const { encoder } = await chooseEncoder(p.ff, o.encoder ?? "libx264", tl.fps, { preset: o.preset, proxy: o.proxy });
  const r = await renderMissing(p, encoder, within);
  return { rendered: within.end - within.start - r.reused, reused: r.reused };
}

/** Renders a timeline to `outDir/<productionId>.mp4` (or `-proxy.mp4`); resumable and idempotent. */
export async function renderTimeline(tl: Timeline, o: RenderOptions): Promise<RenderResult> {
  const p = await prepare(tl, o);
  const { ff, fp, layout, dir, notes, report } = p;
  await mkdir(o.outDir, { recursive: true });
  const choice = await chooseEncoder(ff, o.encoder ?? "libx264", tl.fps, { preset: o.preset, proxy: o.proxy });
  let encoder = choice.encoder;
  let fallbackReason = choice.fallbackReason;
  // The audio (join, measure, gain, AAC) needs no picture: it runs beside the picture's runs.
  const audioJob = encodedAudio(p);
  audioJob.catch(() => undefined);
  const all = { start: 0, end: tl.entries.length };
  let done: Rendered;
  try {
    try {
      done = await renderMissing(p, encoder, all);
    } catch (err) {
      if (encoder.codec !== "h264_nvenc" || o.signal?.aborted) throw err;
      // NVENC passed the one-frame test but failed on real input (e.g. out of sessions): redo in software.
      fallbackReason = `h264_nvenc failed during the render (${err instanceof FfmpegError ? err.reason : (err as Error).message}); encoded with libx264`;
      encoder = softwareEncoder(tl.fps, { preset: o.preset, proxy: o.proxy });
      done = await renderMissing(p, encoder, all);
    }
  } catch (err) {
    await audioJob.catch(() => undefined);
    throw err;
  }
  report(85, "joining");
  const audio = await audioJob;
  const listPath = join(dir, "video.ffconcat");
  const metaPath = join(dir, "chapters.ffmeta");
  await writeFile(listPath, concatList(done.paths.map((path, k) => ({ path, seconds: segmentSeconds(segmentFrames(layout.segments[k]!), layout.fps) }))));
  await writeFile(metaPath, chaptersFfmetadata(o.title ?? tl.productionId, tl.entries, layout));
  const videoPath = join(o.outDir, `${tl.productionId.replace(/[^\w.-]+/g, "_")}${o.proxy ? "-proxy" : ""}.mp4`);
  const part = `${videoPath}.part`;
  report(93, "final mux");
  let muxedSeconds = 0;
  await runMedia(finalArgs(ff, { concatList: listPath, audio: audio.path, metadata: metaPath, out: part }), {
    signal: o.signal,
    durationSeconds: layout.durationSeconds,
    onProgress: (x) => {
      muxedSeconds = x.outTimeSeconds;
      report(93 + (x.percent ?? 0) * 0.07, "final mux");
    },
  }).catch(async (err) => {
    await rm(part, { force: true });
    throw err;
  });
  await rename(part, videoPath);
  await pruneStale(dir, new Set([...done.paths, audio.path, `${audio.path}.json`, listPath, metaPath]));
  // The mux's own account of what it wrote (its last out_time); a probe only if it gave none.
  const durationSeconds = muxedSeconds > 0 ? muxedSeconds : (await probe(videoPath, fp, o.signal)).durationSeconds;
  report(100, "done");
  return {
    videoPath,
    durationSeconds,
    encoder: encoder.codec,
    fallbackReason,
    segmentsReused: done.reused,
    loudness: audio.measured ? { input_i: audio.measured.integrated, output_i: audio.applied ?? Number.NaN } : null,
    notes: [...notes, ...audio.notes],
  };
}

interface EncodedAudio {
  /** The .m4a (AAC) the final mux copies. */
  path: string;
  /** Loudness of the joined audio before the gain; null for proxies and for silence. */
  measured: MeasuredLoudness | null;
  /** Integrated loudness after the gain (ebur128 on the encoder's input). */
  applied: number | null;
  notes: string[];
}

interface Rendered {
  /** Every entry's segment file (those outside the range asked for may not exist). */
  paths: string[];
  reused: number;
}

/**
 * The timeline's audio, encoded: reused when an earlier render made it (`<m4a>.json` holds its
 * loudness), else the audio pass joins and measures it (WAV), and the encode applies one gain —
 * once more with the shortfall added when the limiter took it more than half a LU under the
 * target (speech with clipped peaks lost 1.4 LU under 7.5 dB of limiting).
 */
async function encodedAudio(p: Prepared): Promise<EncodedAudio> {
  const { tl, o } = p;
  const path = join(p.dir, audioFileName(tl.productionId, p.specs, p.layout, o.proxy ? null : tl.loudnessTarget));
  try {
    const cached = JSON.parse(await readFile(`${path}.json`, "utf8")) as Omit<EncodedAudio, "path">;
    if (await exists(path)) return { ...cached, path };
  } catch {
    // Not rendered yet (or cut short): render it.
  }
  const wav = path.replace(/\.m4a$/, ".wav.part");
  const part = `${path}.part`;
  const notes: string[] = [];
  try {
    const pass = await runMedia(audioPassArgs(p.ff, p.specs, p.layout, { path: wav, measure: !o.proxy }), { signal: o.signal, stderrLimit: 1 << 20 });
    let measured: MeasuredLoudness | null = null;
    if (!o.proxy) {
      const m = parseEbur128Summary(pass.stderr);
      if (m && isMeasurable(m.integrated)) measured = { integrated: m.integrated, truePeak: m.truePeak ?? Number.NaN };
      else notes.push(`the joined audio has no measurable loudness (${m ? `${m.integrated} LUFS` : "no ebur128 summary"}); no gain applied`);
    }
    const encode = (m: MeasuredLoudness | null) =>
      runMedia(audioEncodeArgs(p.ff, { audio: wav, loudness: o.proxy ? null : { target: tl.loudnessTarget, measured: m }, out: part }), { signal: o.signal, stderrLimit: 1 << 20 });
    let applied = parseEbur128Summary((await encode(measured)).stderr)?.integrated ?? null;
    const miss = applied !== null && measured ? tl.loudnessTarget - applied : 0;
    if (measured && Math.abs(miss) > 0.5) {
      notes.push(`limiting left the audio at ${applied} LUFS; encoded again with ${miss.toFixed(1)} dB more gain`);
      applied = parseEbur128Summary((await encode({ ...measured, correction: miss })).stderr)?.integrated ?? null;
    }
    const result = { measured, applied, notes };
    await writeFile(`${path}.json`, JSON.stringify(result));
    await rename(part, path);
    return { ...result, path };
  } finally {
    await rm(wav, { force: true });
    await rm(part, { force: true });
  }
}

/** Stretches of missing segments within `within`, each at most MAX_RUN_ENTRIES long. */
export function missingRuns(have: boolean[], within: EntryRange, max = MAX_RUN_ENTRIES): EntryRange[] {
  const runs: EntryRange[] = [];
  for (let k = within.start; k < within.end; k++) {
    if (have[k]) continue;
    const last = runs.at(-1);
    if (last && last.end === k && last.end - last.start < max) last.end = k + 1;
    else runs.push({ start: k, end: k + 1 });
  }
  return runs;
}

/** Renders the segments of `within` that do not exist yet, run after run. */
async function renderMissing(p: Prepared, enc: VideoEncoder, within: EntryRange): Promise<Rendered> {
  const { tl, specs, dir, layout } = p;
  const paths = specs.map((_, k) => join(dir, segmentFileName(tl.productionId, k, specs, tl.entries[k]!.position, enc)));
  await adoptFinished(dir);
  const have = await Promise.all(paths.map((f) => exists(f)));
  const runs = missingRuns(have, within);
  const total = runs.reduce((a, r) => a + framesOf(layout, r), 0);
  let before = 0;
  const progress = (frames: number, k: number) => p.report((total ? (before + frames) / total : 1) * 85, `segment ${k + 1}/${specs.length}`);
  for (const r of runs) {
    await renderRun(p, enc, r, paths, progress);
    before += framesOf(layout, r);
  }
  return { paths, reused: have.slice(within.start, within.end).filter(Boolean).length };
}

const framesOf = (layout: TimelineLayout, r: EntryRange) => {
  let n = 0;
  for (let k = r.start; k < r.end; k++) n += segmentFrames(layout.segments[k]!);
  return n;
};

/** The parts of a range that enter their source by an input seek (candidates when the decoder complains). */
function seekedParts(specs: SegmentSpec[], r: EntryRange): { k: number; part: EntryPart }[] {
  const parts: { k: number; part: EntryPart }[] = [];
  if (r.start > 0 && specs[r.start]!.layout.headFrames > 0 && seeksInput(specs[r.start - 1]!, "tail")) parts.push({ k: r.start - 1, part: "tail" });
  for (let k = r.start; k < r.end; k++) if (seeksInput(specs[k]!, "whole")) parts.push({ k, part: "whole" });
  return parts;
}

/**
 * One run over entries `r`. Each segment file the segment muxer closes (it opens the next) is
 * moved to its final name at once, so a render killed mid-run keeps what it finished. When the
 * decoder complains about a seeked source, the run is stopped, each seeked source is checked on
 * its own, and the run is redone from the first unfinished segment with the faulty ones decoded
 * from the start.
 */
async function renderRun(
  p: Prepared,
  enc: VideoEncoder,
  r: EntryRange,
  paths: string[],
  progress: (frames: number, k: number) => void,
  retry = false,
): Promise<void> {
  const { layout, specs, o } = p;
  const runDir = join(p.dir, runFolderName(r.start, process.pid));
  await mkdir(runDir, { recursive: true });
  // What each file of the run becomes, for a later render to adopt what a killed one finished.
  await writeFile(join(runDir, RUN_MANIFEST), JSON.stringify({ paths: paths.slice(r.start, r.end) }));
  const file = (i: number) => runFile(runDir, i);
  const count = r.end - r.start;
  const runFrames = framesOf(layout, r);
  let moved = 0;
  let moving = Promise.resolve();
  let errors: string[] = [];
  const stop = new AbortController();
  const checkSeeks = !retry && seekedParts(specs, r).length > 0;
  // Moves closed segments (a later file exists) to their names; never after a decoder complaint.
  const moveClosed = (upTo: number) => {
    moving = moving.then(async () => {
      while (moved < upTo && !errors.length && (moved + 1 < count ? await exists(file(moved + 1)) : true)) {
        await rename(file(moved), paths[r.start + moved]!);
        moved++;
      }
    });
    return moving;
  };
  const origin = segmentStartFrame(layout, r.start);
  const cuts = cutTimes(layout, r);
  let logTail = "";
  try {
    await runMedia(rangeArgs(p.ff, specs, layout, r, enc, join(runDir, RUN_FILE_PATTERN)), {
      signal: o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal,
      stderrLimit: 1 << 20,
      onStderr: (text) => {
        if (!checkSeeks || errors.length) return;
        const lines = (logTail + text).split("\n");
        logTail = lines.pop()!;
        errors = decoderErrors(lines.join("\n"));
        if (!errors.length) return;
        // Marked at once: a render killed now must not adopt this run's files.
        writeFileSync(join(runDir, RUN_DECODER_ERRORS), errors.join("\n"));
        stop.abort();
      },
      onProgress: (x) => {
        const seconds = x.outTimeSeconds;
        const k = r.start + cuts.filter((t) => t < seconds).length;
        progress(Math.min(runFrames, Math.round(seconds * layout.fps)), k);
        void moveClosed(count - 1);
      },
    });
    await moveClosed(count - 1);
    const left = (await readdir(runDir)).filter((f) => f.endsWith(".mov")).length;
    if (left !== count - moved) throw new Error(`the segment muxer wrote ${left + moved} files for ${count} entries (${r.start}..${r.end - 1}) of ${p.tl.productionId}`);
    await moveClosed(count);
    progress(runFrames, r.end - 1);
    return;
  } catch (err) {
    await moving.catch(() => undefined);
    if (!errors.length || o.signal?.aborted) throw err;
  } finally {
    await moving.catch(() => undefined);
    await rm(runDir, { recursive: true, force: true });
  }
  // The decoder complained: find which seeked sources are at fault, decode those from the start.
  const first = errors[0]!;
  let traced = false;
  for (const { k, part } of seekedParts(specs, { start: r.start + moved, end: r.end })) {
    const check = await runMedia([p.ff, "-hide_banner", "-nostdin", "-loglevel", "level+error", ...entryInputArgs(specs[k]!, part, { video: true }), "-map", "0:v:0", "-frames:v", "8", "-f", "null", "-"], { signal: o.signal });
    const own = decoderErrors(check.stderr);
    if (!own.length) continue;
    const at = Math.round(partWindow(specs[k]!, part).start * 1000) / 1000;
    specs[k] = { ...specs[k]!, seek: "decode" };
    traced = true;
    p.notes.push(`${p.tl.entries[k]!.externalId}: decoded from the start (seek to ${at}s gave decoder errors: ${own[0]})`);
  }
  if (!traced) p.notes.push(`decoder errors in a render run, not traced to a seek; rendered as decoded: ${first}`);
  // Segments already moved stay; the rest are redone.
  const offset = segmentStartFrame(layout, r.start + moved) - origin;
  return renderRun(p, enc, { start: r.start + moved, end: r.end }, paths, (frames, k) => progress(Math.min(runFrames, frames + offset), k), true);
}

const HOST = hostname().replace(/[^\w.]+/g, "_").slice(0, 40);
const RUN_FOLDER = /^run-\d+-(.+)-(\d+)-[0-9a-f]{8}$/;
const RUN_MANIFEST = "run.json";
/** The segment muxer's file names in a run folder: 000.mov is the run's first entry. */
const RUN_FILE_PATTERN = "%03d.mov";
const runFile = (runDir: string, i: number) => join(runDir, `${String(i).padStart(3, "0")}.mov`);
const RUN_DECODER_ERRORS = "decoder-errors.txt";

/** A run's folder: its first entry, and the host and process that own it (adoptFinished reads them back). */
export function runFolderName(start: number, pid: number): string {
  return `run-${String(start).padStart(3, "0")}-${HOST}-${pid}-${randomUUID().slice(0, 8)}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Adopts the segments a killed render had finished but not yet moved into place: in a run folder
 * left by a process of this host that no longer lives, every file the segment muxer had closed
 * (a later one exists) goes to its name from the run's manifest. Runs of live processes, or of
 * other hosts sharing the folder, are left alone; runs the decoder complained about are dropped.
 */
async function adoptFinished(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const m = name.match(RUN_FOLDER);
    if (!m || m[1] !== HOST || isAlive(Number(m[2]))) continue;
    const runDir = join(dir, name);
    try {
      if (!(await exists(join(runDir, RUN_DECODER_ERRORS)))) {
        const { paths } = JSON.parse(await readFile(join(runDir, RUN_MANIFEST), "utf8")) as { paths: string[] };
        for (let i = 0; i + 1 < paths.length; i++) {
          if (!(await exists(runFile(runDir, i + 1)))) break;
          if (!(await exists(paths[i]!))) await rename(runFile(runDir, i), paths[i]!);
        }
      }
    } catch {
      // A manifest cut short: nothing to adopt.
    }
    await rm(runDir, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

/**
 * Removes segment files of earlier versions of this timeline (edited entries), stray .part files
 * and finished runs' folders. A run folder still in use is kept: one of a live process here, or
 * one another host (a shared folder) wrote to in the last hour.
 */
async function pruneStale(dir: string, keep: Set<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (keep.has(path)) continue;
    const run = name.match(RUN_FOLDER);
    if (run && (run[1] === HOST ? isAlive(Number(run[2])) : Date.now() - (await stat(path)).mtimeMs < 3_600_000)) continue;
    await rm(path, { recursive: true, force: true });
  }
}
