/**
 * Names of the files a render keeps between runs, each a content hash of what it holds: a segment
 * file (one entry's crossfade-in and body, encoded) and the encoded audio. A file exists under its
 * name only once it is complete (runs write elsewhere and rename), so finding it is enough to reuse it.
 */
import type { VideoEncoder } from "./encoder.ts";
import type { TimelineLayout } from "./layout.ts";
import type { SegmentSpec } from "./segment.ts";

/** Bump when the segment graph changes in a way the hash inputs do not show. */
const SEGMENT_FORMAT = 2;
const AUDIO_FORMAT = 1;

const hash = (x: unknown) => new Bun.CryptoHasher("sha256").update(JSON.stringify(x)).digest("hex").slice(0, 16);
const safe = (productionId: string) => productionId.replace(/[^\w.-]+/g, "_").slice(0, 64);

/** What an entry's picture depends on (not its audio level: audio lives in its own file). */
function pictureKey(spec: Omit<SegmentSpec, "seek">) {
  return [spec.entry.filePath, spec.entry.sourceStart, spec.entry.sourceEnd, spec.entry.focus ?? null, spec.source, spec.layout, spec.target];
}

/**
 * A stable file name for segment k: same production, position, pictures (its own and, when it
 * fades in, the previous entry's), and encoder → same file.
 */
export function segmentFileName(productionId: string, k: number, specs: Omit<SegmentSpec, "seek">[], position: number, enc: VideoEncoder): string {
  const spec = specs[k]!;
  const prev = k > 0 && spec.layout.headFrames > 0 ? pictureKey(specs[k - 1]!) : null;
  return `${safe(productionId)}-${String(position).padStart(3, "0")}-${hash([SEGMENT_FORMAT, pictureKey(spec), prev, enc])}.mov`;
}

/**
 * A stable name for the timeline's encoded audio (.m4a): same windows, levels, crossfades and
 * loudness target (null: not normalised, a proxy) → same file. `<name>.json` holds its loudness.
 */
export function audioFileName(productionId: string, specs: Omit<SegmentSpec, "seek">[], layout: TimelineLayout, target: number | null): string {
  const key = specs.map((s) => [s.entry.filePath, s.entry.sourceStart, s.entry.audioLevel, s.source.hasAudio, s.layout.frames, s.layout.headFrames]);
  return `${safe(productionId)}-audio-${hash([AUDIO_FORMAT, key, layout.fps, target])}.m4a`;
}

/**
 * Error lines of a level-tagged ffmpeg log (`-loglevel level+info`): "[h264 @ 0x…] [error] top
 * block unavailable…", returned without the tag. Some files' keyframes are not clean entry
 * points: after an input-side seek into imageio_cockatoo_closeup.mp4 (High 4:4:4, keyframes at 0,
 * 3.8, 7.25 s) ffmpeg logs "top block unavailable"/"error while decoding MB" and the frames come
 * out grey and smeared (PSNR about 8 dB against a decode from the start).
 */
export function decoderErrors(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => /\[(error|fatal|panic)\]/.test(l))
    .map((l) => l.replace(/ ?\[(error|fatal|panic)\] ?/, " ").trim());
}
