/**
 * The single visual decode pass: one ffmpeg process writes small raw RGB24 frames at a constant
 * rate to a pipe, and every visual analyser reads those same frames.
 */
import type { RgbFrame } from "../analysis/types.ts";
import { runMedia } from "./exec.ts";
import type { ProbeResult } from "./probe.ts";

export interface FrameSpec {
  width: number;
  height: number;
  fps: number;
}

/** Highest analysis rate: shot cuts stay frame-accurate up to 30 fps, and faster sources gain nothing. */
export const MAX_ANALYSIS_FPS = 30;

/**
 * Picks the analysis size (fits `maxWidth`, keeps the display aspect — non-square pixels and
 * rotation included — even dimensions) and a constant frame rate (the source's, capped).
 */
export function analysisSpec(probe: ProbeResult, maxWidth = 320): FrameSpec {
  const rotated = probe.rotation === 90 || probe.rotation === 270;
  const w0 = (probe.width || 640) * (probe.sampleAspectRatio || 1);
  const h0 = probe.height || 360;
  const [dw, dh] = rotated ? [h0, w0] : [w0, h0];
  const width = Math.max(16, Math.min(maxWidth, Math.round(dw / 2) * 2));
  const height = Math.max(16, Math.round((width * dh) / dw / 2) * 2);
  const fps = probe.fps > 0 && probe.fps < 1000 ? Math.min(MAX_ANALYSIS_FPS, Math.round(probe.fps)) : 25;
  return { width, height, fps: Math.max(1, fps) };
}

/**
 * ffmpeg arguments for the decode pass. Decodes from the start (never fast-seeks: some files,
 * e.g. imageio's cockatoo clip, give corrupt frames when entered mid-GOP); the fps filter turns
 * variable-rate sources into a constant rate so frame i sits at i / fps seconds; ffmpeg applies
 * rotation metadata itself (autorotate), so the spec is in display orientation.
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
    `fps=${spec.fps},scale=${spec.width}:${spec.height}:flags=area,format=rgb24`,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "rgb24",
    "pipe:1",
  ];
}

/**
 * Streams the frames of a file to `onFrame`, reassembling whole frames from pipe chunks.
 * The frame's buffer is reused for the next frame: copy it (`frame.data.slice()`) to keep it.
 * Resolves with the number of frames and the decoded duration (the truth for files whose
 * container lies about it).
 */
export async function decodeFrames(
  path: string,
  spec: FrameSpec,
  onFrame: (frame: RgbFrame) => void,
  opts: { ffmpegPath?: string; signal?: AbortSignal } = {},
): Promise<{ frames: number; durationSeconds: number }> {
  const size = spec.width * spec.height * 3;
  const buf = new Uint8Array(size);
  let filled = 0;
  let index = 0;
  const frame: RgbFrame = { width: spec.width, height: spec.height, data: buf, time: 0, index: 0 };
  await runMedia(frameArgs(opts.ffmpegPath ?? "ffmpeg", path, spec), {
    signal: opts.signal,
    onStdout: (chunk) => {
      let off = 0;
      while (off < chunk.length) {
        const n = Math.min(size - filled, chunk.length - off);
        buf.set(chunk.subarray(off, off + n), filled);
        filled += n;
        off += n;
        if (filled === size) {
          frame.index = index;
          frame.time = index / spec.fps;
          onFrame(frame);
          index++;
          filled = 0;
        }
      }
    },
  });
  return { frames: index, durationSeconds: index / spec.fps };
}
