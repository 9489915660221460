/**
 * The single visual decode pass: one ffmpeg process writes small raw RGB24 frames at a constant
 * rate to a pipe, and every visual analyser reads those same frames.
 *
 * Timestamps: the `fps` filter resamples whatever the container holds (variable frame rate,
 * duplicated or dropped frames, an AVI listing 444 frames for 68 real ones) onto a constant
 * grid starting at the first frame, so output frame i shows the picture at i / fps seconds from
 * the first frame. That is exact without a side channel (no showinfo parsing) and is what the
 * cut truth in the corpus counts in. A variable-rate source decoded without the filter would
 * give frames whose spacing nobody knows.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RgbFrame } from "../analysis/types.ts";
import { FfmpegError, runMedia } from "./exec.ts";
import { rawToJpegArgs } from "./images.ts";
import type { ProbeResult } from "./probe.ts";

export interface FrameSpec {
  width: number;
  height: number;
  /** Output frames per second (may be fractional, e.g. 29.97). */
  fps: number;
}

/** Default analysis width: 320 px keeps histograms and cuts accurate at a fraction of the pixels. */
export const ANALYSIS_WIDTH = 320;
/** Default frame-rate cap: cuts stay frame-accurate up to 30 fps, and 60 fps sources gain nothing. */
export const MAX_ANALYSIS_FPS = 30;

/**
 * Picks the analysis size (fits `maxWidth` × maxWidth·9/16-ish, keeps the display aspect —
 * non-square pixels and rotation included — even dimensions) and the frame rate (the source's,
 * capped at `maxFps`; 25 when the container does not say).
 */
export function analysisSpec(probe: ProbeResult, maxWidth = ANALYSIS_WIDTH, maxFps = MAX_ANALYSIS_FPS): FrameSpec {
  const rotated = probe.rotation === 90 || probe.rotation === 270;
  const w0 = (probe.width || 640) * (probe.sampleAspectRatio || 1);
  const h0 = probe.height || 360;
  const [dw, dh] = rotated ? [h0, w0] : [w0, h0];
  // Portrait frames fit the same pixel budget as landscape ones: the box is maxWidth on its long side.
  const long = Math.max(dw, dh);
  const scale = Math.min(1, maxWidth / long);
  const even = (v: number) => Math.max(16, Math.round(v / 2) * 2);
  const width = even(dw * scale);
  const height = even(dh * scale);
  const src = probe.fps > 0 && probe.fps < 1000 ? probe.fps : 25;
  const fps = Math.max(1, Math.round(Math.min(maxFps, src) * 1000) / 1000);
  return { width, height, fps };
}

/**
 * ffmpeg arguments for the decode pass. Decodes from the start (never fast-seeks: some files,
 * e.g. imageio's cockatoo clip, give corrupt frames when entered mid-GOP); the fps filter puts
 * frames on a constant grid (see the module comment); ffmpeg applies rotation metadata itself
 * (autorotate), so the spec is in display orientation; `area` scaling averages pixels instead
 * of skipping them, so histograms of the small frame match the large one.
 */
export function frameArgs(ffmpegPath: string, path: string, spec: FrameSpec): string[] {
  return [
    ffmpegPath,
    "-hide_banner",
    "-nostdin",
    "-v",
    "error",
    "-i",
    path,
    "-an",
    "-sn",
    "-dn",
    "-vf",
    `fps=${spec.fps},scale=${spec.width}:${spec.height}:flags=area,setsar=1,format=rgb24`,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "pipe:1",
  ];
}

export interface DecodeResult {
  frames: number;
  /** frames / fps: the truth for files whose container lies about (or lacks) a duration. */
  durationSeconds: number;
  /** Set when ffmpeg failed part-way: the frames before the failure were delivered. */
  error?: string;
}

export interface DecodeOptions {
  ffmpegPath?: string;
  signal?: AbortSignal;
  /** Fraction 0..1 of the expected frames delivered (from the probed duration), at most ~100 calls. */
  onProgress?: (fraction: number) => void;
}

/**
 * Streams the frames of a file to `onFrame`, reassembling whole frames from pipe chunks (each
 * byte copied once; a frame lying whole inside one chunk is passed as a view, not copied). The
 * frame object and its bytes are only valid during the call: copy `frame.data` to keep it.
 * Decoder errors after some frames (a damaged tail) give a result with `error`; no frame at
 * all, or an abort, throws.
 */
export async function decodeFrames(
  path: string,
  probe: ProbeResult,
  spec: FrameSpec,
  onFrame: (frame: RgbFrame) => void,
  opts: DecodeOptions = {},
): Promise<DecodeResult> {
  const size = spec.width * spec.height * 3;
  const buf = new Uint8Array(size);
  let filled = 0;
  let index = 0;
  const frame: RgbFrame = { width: spec.width, height: spec.height, data: buf, time: 0, index: 0 };
  const expected = probe.durationSeconds > 0 ? probe.durationSeconds * spec.fps : 0;
  const progressEvery = expected > 0 ? Math.max(1, Math.floor(expected / 100)) : 0;
  const emit = (data: Uint8Array) => {
    frame.data = data;
    frame.index = index;
    frame.time = index / spec.fps;
    onFrame(frame);
    index++;
    if (progressEvery && index % progressEvery === 0) opts.onProgress?.(Math.min(0.99, index / expected));
  };
  let error: string | undefined;
  try {
    await runMedia(frameArgs(opts.ffmpegPath ?? "ffmpeg", path, spec), {
      signal: opts.signal,
      onStdout: (chunk) => {
        let off = 0;
        while (off < chunk.length) {
          if (filled === 0 && chunk.length - off >= size) {
            emit(chunk.subarray(off, off + size));
            off += size;
            continue;
          }
          const n = Math.min(size - filled, chunk.length - off);
          buf.set(chunk.subarray(off, off + n), filled);
          filled += n;
          off += n;
          if (filled === size) {
            emit(buf);
            filled = 0;
          }
        }
      },
    });
  } catch (err) {
    if (opts.signal?.aborted || index === 0 || !(err instanceof FfmpegError)) {
      throw new Error(`cannot decode video frames of ${path}: ${err instanceof FfmpegError ? err.reason : (err as Error).message}`, { cause: err });
    }
    error = err.reason;
  }
  if (index === 0) throw new Error(`no video frame could be decoded from ${path}`);
  opts.onProgress?.(1);
  return { frames: index, durationSeconds: index / spec.fps, ...(error ? { error } : {}) };
}

/**
 * Writes one frame as a JPEG with ffmpeg (runMedia has no stdin, so the raw frame goes through a
 * temporary file, removed whatever happens). For many frames, src/media/images.ts's writeJpeg
 * encodes in-process with sharp when it can.
 */
export async function encodeJpeg(frame: RgbFrame, path: string, opts: { ffmpegPath?: string; signal?: AbortSignal } = {}): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "reelsmith-jpeg-"));
  const raw = join(dir, "frame.rgb");
  await writeFile(raw, frame.data.subarray(0, frame.width * frame.height * 3));
  await runMedia(rawToJpegArgs(opts.ffmpegPath ?? "ffmpeg", raw, frame.width, frame.height, path), { signal: opts.signal, tempPaths: [dir] });
}
