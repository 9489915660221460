/**
 * Writing frames as JPEG files (keyframes, thumbnails). sharp encodes in-process (a few ms a
 * frame); where sharp cannot load (the compiled binary without node_modules) one ffmpeg run per
 * frame does the same from a temporary raw file.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { RgbFrame } from "../analysis/types.ts";
import { runMedia } from "./exec.ts";

type Sharp = typeof import("sharp");
let sharpLoad: Promise<Sharp | null> | undefined;

function loadSharp(): Promise<Sharp | null> {
  sharpLoad ??= import("sharp").then((m) => (m.default ?? m) as Sharp).catch(() => null);
  return sharpLoad;
}

/** ffmpeg arguments that encode one raw RGB24 frame file to JPEG (quality 3 ≈ 90%). */
export function rawToJpegArgs(ffmpegPath: string, rawPath: string, width: number, height: number, outPath: string): string[] {
  return [ffmpegPath, "-hide_banner", "-nostdin", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${width}x${height}`, "-i", rawPath, "-frames:v", "1", "-q:v", "3", outPath];
}

/** Writes a frame as JPEG at `path` (atomically: a reader never sees half a file). */
export async function writeJpeg(frame: RgbFrame, path: string, ffmpegPath = "ffmpeg"): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const part = `${path}.part.jpg`;
  const sharp = await loadSharp();
  if (sharp) {
    await sharp(Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), { raw: { width: frame.width, height: frame.height, channels: 3 } })
      .jpeg({ quality: 88 })
      .toFile(part);
  } else {
    const raw = `${path}.rgb`;
    await writeFile(raw, frame.data);
    await runMedia(rawToJpegArgs(ffmpegPath, raw, frame.width, frame.height, part), { tempPaths: [raw] });
  }
  await rename(part, path).catch(async (err) => {
    await rm(part, { force: true });
    throw err;
  });
}
