/**
 * One timeline entry → one intermediate segment file (.mov): stream 0 is the finished picture
 * between the crossfades (encoded once with the final encoder, later joined by stream copy),
 * stream 1 the entry's audio as 48 kHz stereo PCM of exactly the segment length, then the
 * crossfade head/tail frames as lossless video for the one re-encode a crossfade needs.
 */
import type { TimelineEntry } from "../production/types.ts";
import { chain, graphToString, type FilterChain, type FilterNode } from "./filtergraph.ts";
import { geometryFilters, type FitMode, type SourcePicture } from "./geometry.ts";
import { intermediateCodecArgs, videoCodecArgs, type VideoEncoder } from "./encoder.ts";
import type { SegmentLayout } from "./layout.ts";

export const AUDIO_RATE = 48_000;
/** How much a zoom transition magnifies at the cut (25%: clearly a move, not a wobble). */
export const ZOOM_PEAK = 1.25;

export interface SegmentTarget {
  width: number;
  height: number;
  fps: number;
  mode: FitMode;
}

/**
 * How the source is entered: "input" seeks the demuxer (fast; ffmpeg decodes from the keyframe
 * before and drops frames up to the exact time), "decode" reads from the start and trims in the
 * graph (slow but safe for files whose keyframes are not clean entry points).
 */
export type SeekMode = "input" | "decode";

export interface SegmentSpec {
  entry: Pick<TimelineEntry, "filePath" | "sourceStart" | "sourceEnd" | "audioLevel" | "focus">;
  source: SourcePicture & { hasAudio: boolean; fps?: number };
  layout: Pick<SegmentLayout, "frames" | "headFrames" | "tailFrames" | "zoomInFrames" | "zoomOutFrames">;
  target: SegmentTarget;
  seek: SeekMode;
}

/** Stream layout of a segment file: which video stream holds the head and tail (null when absent). */
export function segmentStreams(l: Pick<SegmentLayout, "headFrames" | "tailFrames">): { body: 0; audio: 1; head: number | null; tail: number | null } {
  const head = l.headFrames > 0 ? 2 : null;
  const tail = l.tailFrames > 0 ? (head === null ? 2 : 3) : null;
  return { body: 0, audio: 1, head, tail };
}

/** Seconds of a segment: whole frames, so audio (this × 48 kHz samples) matches the picture. */
export function segmentSeconds(frames: number, fps: number): number {
  return frames / fps;
}

const range = (start: number, end: number): FilterNode[] => [
  { filter: "trim", options: { start_frame: start, end_frame: end } },
  { filter: "setpts", options: ["PTS-STARTPTS"] },
];

/** zoompan for a zoom transition: "in" settles from ZOOM_PEAK to 1, "out" pushes from 1 to ZOOM_PEAK (eased). */
export function zoomFilter(direction: "in" | "out", frames: number, t: SegmentTarget): FilterNode {
  const a = ZOOM_PEAK - 1;
  // Quadratic ease: slow start for the push-in, slow finish for the settle, so the cut sits at the fastest point.
  const z = direction === "out" ? `1+${a}*(on/${frames})*(on/${frames})` : `1+${a}*(1-on/${frames})*(1-on/${frames})`;
  return { filter: "zoompan", options: { z, x: "iw/2-(iw/zoom/2)", y: "ih/2-(ih/zoom/2)", d: 1, s: `${t.width}x${t.height}`, fps: t.fps } };
}

/** The segment's filter graph as data, with the output labels to map in stream order. */
export function segmentGraph(spec: SegmentSpec): { chains: FilterChain[]; videoOut: string[] } {
  const { entry: e, layout: l, target: t } = spec;
  const N = l.frames;
  const seconds = segmentSeconds(N, t.fps);
  const samples = Math.round(seconds * AUDIO_RATE);
  const trimIn: FilterNode[] = spec.seek === "decode" && e.sourceStart > 0 ? [{ filter: "trim", options: { start: e.sourceStart } }] : [];
  // Scaling is the costly step: drop surplus frames before it (60 fps source), but duplicate
  // frames only after it (15 fps source), so each distinct picture is scaled once.
  const fpsNode: FilterNode = { filter: "fps", options: [t.fps] };
  const fpsFirst = (spec.source.fps ?? 0) > t.fps;
  const main: FilterNode[] = [
    ...trimIn,
    { filter: "setpts", options: ["PTS-STARTPTS"] },
    // Frames past the window (the demuxer reads a little further) are dropped before scaling.
    { filter: "trim", options: { end: Math.round((seconds + 2 / t.fps) * 1e6) / 1e6 } },
    ...(fpsFirst ? [fpsNode] : []),
    ...geometryFilters(spec.source, t.width, t.height, t.mode, e.focus),
    ...(fpsFirst ? [] : [fpsNode]),
    { filter: "format", options: ["yuv420p"] },
    // A source shorter than its window (probe and decoder disagree on the last frames) repeats its
    // last frame instead of shortening the segment and pulling audio out of sync.
    { filter: "tpad", options: { stop_mode: "clone", stop_duration: 2 } },
    { filter: "trim", options: { end_frame: N } },
  ];
  const chains: FilterChain[] = [];
  const h = l.headFrames;
  const tl = l.tailFrames;
  const zi = l.zoomInFrames;
  const zo = l.zoomOutFrames;
  // Pieces of the body in order: optional settle, middle, optional push-in.
  const bodyStart = h + zi;
  const bodyEnd = N - tl - zo;
  const pieces: { label: string; nodes: FilterNode[] }[] = [];
  if (zi > 0) pieces.push({ label: "zin", nodes: [...range(h, h + zi), zoomFilter("in", zi, t), { filter: "setpts", options: ["PTS-STARTPTS"] }] });
  pieces.push({ label: "mid", nodes: range(bodyStart, bodyEnd) });
  if (zo > 0) pieces.push({ label: "zout", nodes: [...range(bodyEnd, N - tl), zoomFilter("out", zo, t), { filter: "setpts", options: ["PTS-STARTPTS"] }] });
  const extras: { label: string; nodes: FilterNode[] }[] = [];
  if (h > 0) extras.push({ label: "head", nodes: range(0, h) });
  if (tl > 0) extras.push({ label: "tail", nodes: range(N - tl, N) });
  const branches = [...pieces, ...extras];
  if (branches.length === 1) {
    // A plain cut-to-cut segment: the whole picture is the body, no split needed.
    chains.push(chain(["0:v:0"], main, ["body"]));
  } else {
    const splitLabels = branches.map((b) => `s_${b.label}`);
    chains.push(chain(["0:v:0"], [...main, { filter: "split", options: [branches.length] }], splitLabels));
    branches.forEach((b, i) => chains.push(chain([splitLabels[i]!], b.nodes, [b.label])));
    if (pieces.length > 1) chains.push([{ inputs: pieces.map((p) => p.label), filter: "concat", options: { n: pieces.length, v: 1, a: 0 }, outputs: ["body"] }]);
    else chains.push(chain(["mid"], [], ["body"]));
  }
  const audioTail: FilterNode[] = [
    { filter: "aresample", options: [AUDIO_RATE] },
    { filter: "aformat", options: { sample_fmts: "fltp", sample_rates: AUDIO_RATE, channel_layouts: "stereo" } },
    { filter: "volume", options: [Number.isFinite(e.audioLevel) && e.audioLevel >= 0 ? e.audioLevel : 1] },
    // Pad then cut to the exact sample count: a clip whose audio ends early still fills its segment.
    { filter: "apad", options: { whole_len: samples } },
    { filter: "atrim", options: { end_sample: samples } },
  ];
  if (spec.source.hasAudio) {
    const atrimIn: FilterNode[] = spec.seek === "decode" && e.sourceStart > 0 ? [{ filter: "atrim", options: { start: e.sourceStart } }] : [];
    chains.push(chain(["0:a:0"], [...atrimIn, { filter: "asetpts", options: ["PTS-STARTPTS"] }, ...audioTail], ["aout"]));
  } else {
    // No audio track: silence of exactly the segment length, so the join stays in sync.
    chains.push(chain([], [{ filter: "anullsrc", options: { r: AUDIO_RATE, cl: "stereo" } }, ...audioTail], ["aout"]));
  }
  return { chains, videoOut: ["body", ...extras.map((x) => x.label)] };
}

/** How far past its window a segment's source is read (several frames at any rate; tpad covers a short read). */
export const READ_AHEAD_SECONDS = 0.3;

/** Exact ffmpeg arguments that render one segment to `out` (a .mov; write to a .part name and rename). */
export function segmentArgs(ffmpegPath: string, spec: SegmentSpec, enc: VideoEncoder, out: string): string[] {
  const { chains, videoOut } = segmentGraph(spec);
  const seconds = segmentSeconds(spec.layout.frames, spec.target.fps);
  const s = Math.max(0, spec.entry.sourceStart);
  // Read a little past the window so the last frames are decoded; -t on the input stops the
  // demuxer there (a full second more cost 8 s of decoding and scaling per 31 s of output).
  const input =
    spec.seek === "input" && s > 0
      ? ["-ss", fmt(s), "-t", fmt(seconds + READ_AHEAD_SECONDS), "-noautorotate", "-i", spec.entry.filePath]
      : ["-t", fmt(s + seconds + READ_AHEAD_SECONDS), "-noautorotate", "-i", spec.entry.filePath];
  const args = [ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", ...input, "-filter_complex", graphToString(chains)];
  args.push("-map", `[${videoOut[0]}]`, "-map", "[aout]");
  for (const label of videoOut.slice(1)) args.push("-map", `[${label}]`);
  args.push(...videoCodecArgs(enc, "v:0"));
  // Segments encode two at a time, one per core: x264's frame threads inside each only add
  // overhead (4% more CPU over the bench timeline, same wall time).
  if (enc.codec === "libx264") args.push("-threads:v:0", "1");
  videoOut.slice(1).forEach((_, i) => args.push(...intermediateCodecArgs(`v:${i + 1}`)));
  args.push("-c:a", "pcm_s16le", "-progress", "pipe:2", "-f", "mov", out);
  return args;
}

function fmt(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}
