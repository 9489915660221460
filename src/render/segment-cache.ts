/**
 * Running segment renders idempotently: a fixed path per production, position and content hash;
 * written to `.part` then renamed; an existing file that probes to the right length is reused.
 */
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { runMedia, type FfmpegProgress } from "../media/exec.ts";
import { probe } from "../media/probe.ts";
import type { VideoEncoder } from "./encoder.ts";
import { segmentArgs, segmentSeconds, type SegmentSpec, type SeekMode } from "./segment.ts";

/** Bump when the segment graph changes in a way the hash inputs do not show. */
const SEGMENT_FORMAT = 1;

/** Seeks this close to the start gain nothing: decode from the start. */
const SEEK_MIN_SECONDS = 1;

/** A stable file name: same production, position, entry and settings → same file. */
export function segmentFileName(productionId: string, position: number, spec: Omit<SegmentSpec, "seek">, enc: VideoEncoder): string {
  const key = JSON.stringify([SEGMENT_FORMAT, spec.entry.filePath, spec.entry.sourceStart, spec.entry.sourceEnd, spec.entry.audioLevel, spec.entry.focus ?? null, spec.source, spec.layout, spec.target, enc]);
  const hash = new Bun.CryptoHasher("sha256").update(key).digest("hex").slice(0, 16);
  const safeId = productionId.replace(/[^\w.-]+/g, "_").slice(0, 64);
  return `${safeId}-${String(position).padStart(3, "0")}-${hash}.mov`;
}

/**
 * Decoder complaints in a segment run's stderr (the run is at -v error; `key=value` lines are
 * -progress output). Some files' keyframes are not clean entry points: after an input-side seek
 * into imageio_cockatoo_closeup.mp4 (High 4:4:4, keyframes at 0, 3.8, 7.25 s) ffmpeg logs "top
 * block unavailable"/"error while decoding MB" and the frames come out grey and smeared (PSNR
 * about 8 dB against a decode from the start, at 5, 7.25 and 9 s alike).
 */
export function decoderErrors(stderr: string): string[] {
  return stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^[\w.]+=/.test(l));
}

/** Whether a finished segment file exists and probes to its expected length (within one frame). */
export async function segmentIsComplete(path: string, spec: Pick<SegmentSpec, "layout" | "target">, ffprobePath: string): Promise<boolean> {
  try {
    await stat(path);
    const p = await probe(path, ffprobePath);
    const expected = segmentSeconds(spec.layout.frames, spec.target.fps);
    return p.hasVideo && p.hasAudio && Math.abs(p.durationSeconds - expected) <= 1.5 / spec.target.fps;
  } catch {
    return false;
  }
}

export interface SegmentRun {
  path: string;
  reused: boolean;
  /** Why the source was decoded from the start instead of seeked into, when it was. */
  seekNote?: string;
}

/**
 * Renders one segment into `dir` unless a complete one is already there (the seek mode changes
 * how the source is read, not what comes out, so it is not part of the file name).
 */
export async function renderSegment(
  planned: Omit<SegmentSpec, "seek">,
  enc: VideoEncoder,
  o: { dir: string; productionId: string; position: number; ffmpegPath: string; ffprobePath: string; signal?: AbortSignal; onProgress?: (p: FfmpegProgress) => void },
): Promise<SegmentRun> {
  const path = join(o.dir, segmentFileName(o.productionId, o.position, planned, enc));
  if (await segmentIsComplete(path, planned, o.ffprobePath)) return { path, reused: true };
  const part = `${path}.part`;
  // A re-run reports no progress: the bar must not go backwards.
  const run = (seek: SeekMode, progress = true) =>
    runMedia(segmentArgs(o.ffmpegPath, { ...planned, seek }, enc, part), {
      signal: o.signal,
      durationSeconds: segmentSeconds(planned.layout.frames, planned.target.fps),
      onProgress: progress ? o.onProgress : undefined,
      stderrLimit: 1 << 20,
    });
  let seekNote: string | undefined;
  try {
    // Seek on the input (fast) and trust it unless the decoder complained; then decode from the
    // start instead. Clean files pay nothing for the check; broken ones pay one extra render.
    if (planned.entry.sourceStart >= SEEK_MIN_SECONDS) {
      const errors = decoderErrors((await run("input")).stderr);
      if (errors.length) {
        seekNote = `seek to ${planned.entry.sourceStart}s gave decoder errors: ${errors[0]}`;
        await run("decode", false);
      }
    } else await run("decode");
    await rename(part, path);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  return { path, reused: false, seekNote };
}
