/**
 * Single frames at chosen times and a chosen width, for the analysers that need more pixels
 * than the shared 320-px decode pass gives (OCR reads small text poorly at 320 px).
 */
import { runMedia } from "../media/exec.ts";
import type { RgbFrame } from "./types.ts";

/**
 * ffmpeg arguments for one RGB24 frame at `time`, `width` pixels wide (height keeps the display
 * aspect, even). `-ss` before `-i` seeks to the keyframe before `time` and decodes forward, so
 * the frame is exact without decoding the whole clip; `setsar=1` after scaling by the display
 * aspect handles non-square pixels.
 */
export function grabFrameArgs(ffmpegPath: string, path: string, time: number, width: number): string[] {
  return [
    ffmpegPath, "-hide_banner", "-nostdin", "-v", "error",
    "-ss", time.toFixed(3), "-i", path,
    "-an", "-sn", "-dn", "-frames:v", "1",
    "-vf", `scale=${width}:trunc(ow/dar/2)*2:flags=area,setsar=1,format=rgb24`,
    "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
  ];
}

/** Decodes one frame per time (sequentially: each run is short and the machine has few cores). */
export async function grabFrames(path: string, times: number[], opts: { width?: number; ffmpegPath?: string; signal?: AbortSignal } = {}): Promise<RgbFrame[]> {
  const width = opts.width ?? 640;
  const out: RgbFrame[] = [];
  for (const [index, time] of times.entries()) {
    const { stdout } = await runMedia(grabFrameArgs(opts.ffmpegPath ?? "ffmpeg", path, time, width), { signal: opts.signal });
    const height = stdout.length / (width * 3);
    // A seek past the end yields no frame: skip it rather than invent one.
    if (!Number.isInteger(height) || height < 2) continue;
    out.push({ width, height, data: new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength), time, index });
  }
  return out;
}
