/**
 * Running segment renders idempotently: a fixed path per production, position and content hash;
 * written to `.part` then renamed; an existing file that probes to the right length is reused.
 */
import { rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { runMedia, type FfmpegProgress } from "../media/exec.ts";
import { probe } from "../media/probe.ts";
import type { VideoEncoder } from "./encoder.ts";
import { seekCheckArgs, segmentArgs, segmentSeconds, type SegmentSpec, type SeekMode } from "./segment.ts";

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
 * Whether an input-side seek into `file` at `seconds` decodes cleanly. Some files' keyframes are
 * not clean entry points: imageio_cockatoo_closeup.mp4 (High 4:4:4, keyframes at 0, 3.8, 7.25 s)
 * logs "top block unavailable"/"error while decoding MB" and shows grey, smeared frames (PSNR
 * about 8 dB against a decode from the start) after a seek to 5, 7.25 or 9 s. Any decoder error in
 * the first frames after the seek sends that entry to "decode" mode instead.
 */
export async function chooseSeekMode(ffmpegPath: string, file: string, seconds: number, signal?: AbortSignal): Promise<{ mode: SeekMode; reason?: string }> {
  if (seconds < SEEK_MIN_SECONDS) return { mode: "decode" };
  try {
    const { stderr } = await runMedia(seekCheckArgs(ffmpegPath, file, seconds), { signal });
    const first = stderr.split("\n").find((l) => l.trim());
    return first ? { mode: "decode", reason: `seek to ${seconds}s gives decoder errors: ${first.trim()}` } : { mode: "input" };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { mode: "decode", reason: `seek check failed: ${(err as Error).message.split("\n")[0]}` };
  }
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
 * Renders one segment into `dir` unless a complete one is already there. The seek check runs only
 * when the segment has to be rendered (the seek mode changes how, not what, so it is not hashed).
 */
export async function renderSegment(
  planned: Omit<SegmentSpec, "seek">,
  enc: VideoEncoder,
  o: { dir: string; productionId: string; position: number; ffmpegPath: string; ffprobePath: string; signal?: AbortSignal; onProgress?: (p: FfmpegProgress) => void },
): Promise<SegmentRun> {
  const path = join(o.dir, segmentFileName(o.productionId, o.position, planned, enc));
  if (await segmentIsComplete(path, planned, o.ffprobePath)) return { path, reused: true };
  const seek = await chooseSeekMode(o.ffmpegPath, planned.entry.filePath, planned.entry.sourceStart, o.signal);
  const spec: SegmentSpec = { ...planned, seek: seek.mode };
  const part = `${path}.part`;
  try {
    await runMedia(segmentArgs(o.ffmpegPath, spec, enc, part), {
      signal: o.signal,
      durationSeconds: segmentSeconds(spec.layout.frames, spec.target.fps),
      onProgress: o.onProgress,
    });
    await rename(part, path);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  }
  return { path, reused: false, seekNote: seek.reason };
}
