/**
 * One timeline entry as filter-graph data. A render run (range.ts) opens each entry's source as
 * one ffmpeg input and builds its picture from these pieces: the head (frames crossfaded with the
 * previous entry's tail), the body (with a zoom's settle and push-in), and the tail. Audio is
 * the entry's whole window as 48 kHz stereo of exactly frames/fps seconds, for the join.
 *
 * Segment k of the finished video is the crossfade into entry k (when it fades in) followed by
 * its body; the frames of its tail belong to segment k+1's crossfade.
 */
import type { TimelineEntry } from "../production/types.ts";
import { chain, type FilterChain, type FilterNode } from "./filtergraph.ts";
import { geometryFilters, type FitMode, type SourcePicture } from "./geometry.ts";
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

/**
 * How far past its window a source is read: three frames at 30 fps. Over all 53 corpus clips, two
 * windows each, the last frames came out identical (framemd5) reading 0.05 s or 0.5 s past the
 * window; each 0.1 s read more costs 0.1 s of decoding per entry. tpad covers a short read.
 */
export const READ_AHEAD_SECONDS = 0.1;

/** Seeks closer to the start than this gain nothing: decode from the start. */
export const SEEK_MIN_SECONDS = 1;

/** Seconds of a span of whole frames, so audio (this × 48 kHz samples) matches the picture. */
export function segmentSeconds(frames: number, fps: number): number {
  return frames / fps;
}

/** Frames of segment k in the finished video: its crossfade-in and body (its tail is the next segment's). */
export function segmentFrames(l: Pick<SegmentLayout, "frames" | "tailFrames">): number {
  return l.frames - l.tailFrames;
}

/** Which part of an entry's window an input reads: all of it, or only the frames of its tail. */
export type EntryPart = "whole" | "tail";

/** Where in the source a part starts (seconds), and how many output frames it renders. */
export function partWindow(spec: SegmentSpec, part: EntryPart): { start: number; frames: number } {
  const l = spec.layout;
  if (part === "whole") return { start: Math.max(0, spec.entry.sourceStart), frames: l.frames };
  return { start: Math.max(0, spec.entry.sourceStart) + segmentSeconds(l.frames - l.tailFrames, spec.target.fps), frames: l.tailFrames };
}

/** Whether a part is entered by an input seek (else decoded from the start and trimmed). */
export function seeksInput(spec: SegmentSpec, part: EntryPart): boolean {
  return spec.seek === "input" && partWindow(spec, part).start >= SEEK_MIN_SECONDS;
}

/**
 * Input options and file for one part of an entry. Reading stops a little past the window (-t on
 * the input): a full second more cost 8 s of decoding and scaling per 31 s of output.
 */
export function entryInputArgs(spec: SegmentSpec, part: EntryPart, o: { video?: boolean } = {}): string[] {
  const { start, frames } = partWindow(spec, part);
  const seconds = segmentSeconds(frames, spec.target.fps) + READ_AHEAD_SECONDS;
  const only = o.video === false ? ["-vn"] : [];
  return seeksInput(spec, part)
    ? [...only, "-ss", fmt(start), "-t", fmt(seconds), "-noautorotate", "-i", spec.entry.filePath]
    : [...only, "-t", fmt(start + seconds), "-noautorotate", "-i", spec.entry.filePath];
}

/**
 * The picture of one part at the target size, rate and pixel format, exactly `frames` long.
 * Scaling is the costly step: surplus frames (60 fps source) are dropped before it, duplicates
 * (15 fps source) made only after it, so each distinct picture is scaled once.
 */
function pictureNodes(spec: SegmentSpec, part: EntryPart): FilterNode[] {
  const { start, frames } = partWindow(spec, part);
  const t = spec.target;
  const seconds = segmentSeconds(frames, t.fps);
  const trimIn: FilterNode[] = !seeksInput(spec, part) && start > 0 ? [{ filter: "trim", options: { start } }] : [];
  const fpsNode: FilterNode = { filter: "fps", options: [t.fps] };
  const fpsFirst = (spec.source.fps ?? 0) > t.fps;
  return [
    ...trimIn,
    { filter: "setpts", options: ["PTS-STARTPTS"] },
    // Frames past the window (the demuxer reads a little further) are dropped before scaling.
    { filter: "trim", options: { end: Math.round((seconds + 2 / t.fps) * 1e6) / 1e6 } },
    ...(fpsFirst ? [fpsNode] : []),
    ...geometryFilters(spec.source, t.width, t.height, t.mode, spec.entry.focus),
    ...(fpsFirst ? [] : [fpsNode]),
    { filter: "format", options: ["yuv420p"] },
    // A source shorter than its window (probe and decoder disagree on the last frames) repeats its
    // last frame instead of shortening the picture and pulling audio out of sync.
    { filter: "tpad", options: { stop_mode: "clone", stop_duration: 2 } },
    { filter: "trim", options: { end_frame: frames } },
  ];
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

/** Pad labels of entry k's picture pieces. */
export const pieceLabel = (kind: "head" | "body" | "tail" | "xfade", k: number) => `${kind[0]}${k}`;

/**
 * Entry k's picture from input pad `input` (its whole window): the body always, the head when it
 * fades in, the tail when `withTail` (the next entry's crossfade is rendered in the same run).
 */
export function entryPicture(spec: SegmentSpec, input: string, k: number, withTail: boolean): { chains: FilterChain[]; head?: string; body: string; tail?: string } {
  const { layout: l, target: t } = spec;
  const N = l.frames;
  const h = l.headFrames;
  const tl = withTail ? l.tailFrames : 0;
  const zi = l.zoomInFrames;
  const zo = l.zoomOutFrames;
  // The body in order: optional settle, middle, optional push-in (it ends where the tail begins).
  const bodyStart = h + zi;
  const bodyEnd = N - l.tailFrames - zo;
  const pieces: { label: string; nodes: FilterNode[] }[] = [];
  if (zi > 0) pieces.push({ label: `zi${k}`, nodes: [...range(h, h + zi), zoomFilter("in", zi, t), { filter: "setpts", options: ["PTS-STARTPTS"] }] });
  pieces.push({ label: `m${k}`, nodes: range(bodyStart, bodyEnd) });
  if (zo > 0) pieces.push({ label: `zo${k}`, nodes: [...range(bodyEnd, N - l.tailFrames), zoomFilter("out", zo, t), { filter: "setpts", options: ["PTS-STARTPTS"] }] });
  const extras: { label: string; nodes: FilterNode[] }[] = [];
  if (h > 0) extras.push({ label: pieceLabel("head", k), nodes: range(0, h) });
  if (tl > 0) extras.push({ label: pieceLabel("tail", k), nodes: range(N - tl, N) });
  const branches = [...pieces, ...extras];
  const body = pieceLabel("body", k);
  const chains: FilterChain[] = [];
  if (branches.length === 1) {
    // No zoom, no crossfade piece in this run: the body is the picture (less a tail left to another run).
    const cut = bodyStart > 0 || bodyEnd < N ? range(bodyStart, bodyEnd) : [];
    chains.push(chain([input], [...pictureNodes(spec, "whole"), ...cut], [body]));
  } else {
    const splitLabels = branches.map((b) => `s_${b.label}`);
    chains.push(chain([input], [...pictureNodes(spec, "whole"), { filter: "split", options: [branches.length] }], splitLabels));
    branches.forEach((b, i) => chains.push(chain([splitLabels[i]!], b.nodes, [b.label])));
    if (pieces.length > 1) chains.push([{ inputs: pieces.map((p) => p.label), filter: "concat", options: { n: pieces.length, v: 1, a: 0 }, outputs: [body] }]);
    else chains.push(chain([pieces[0]!.label], [], [body]));
  }
  return { chains, head: h > 0 ? pieceLabel("head", k) : undefined, body, tail: tl > 0 ? pieceLabel("tail", k) : undefined };
}

/** Entry k's tail alone, from an input that reads only the tail's window (a run starting at k+1). */
export function entryTailPicture(spec: SegmentSpec, input: string, k: number): { chains: FilterChain[]; tail: string } {
  const tail = pieceLabel("tail", k);
  return { chains: [chain([input], pictureNodes(spec, "tail"), [tail])], tail };
}

/** The crossfade into entry k: the previous entry's tail blended into k's head, `frames` long. */
export function crossfadeChain(k: number, frames: number, fps: number): FilterChain {
  return [{ inputs: [pieceLabel("tail", k - 1), pieceLabel("head", k)], filter: "xfade", options: { transition: "fade", duration: frames / fps, offset: 0 }, outputs: [pieceLabel("xfade", k)] }];
}

/**
 * Entry k's audio as 48 kHz stereo float of exactly its frames' length, from input pad `input`
 * (opened by entryInputArgs with the whole window), or silence when the source has none.
 */
export function entryAudio(spec: SegmentSpec, input: string | null, label: string): FilterChain {
  const seconds = segmentSeconds(spec.layout.frames, spec.target.fps);
  const samples = Math.round(seconds * AUDIO_RATE);
  const tail: FilterNode[] = [
    { filter: "aresample", options: [AUDIO_RATE] },
    { filter: "aformat", options: { sample_fmts: "fltp", sample_rates: AUDIO_RATE, channel_layouts: "stereo" } },
    { filter: "volume", options: [Number.isFinite(spec.entry.audioLevel) && spec.entry.audioLevel >= 0 ? spec.entry.audioLevel : 1] },
    // Pad then cut to the exact sample count: a clip whose audio ends early still fills its span.
    { filter: "apad", options: { whole_len: samples } },
    { filter: "atrim", options: { end_sample: samples } },
  ];
  if (spec.source.hasAudio && input) {
    const start = Math.max(0, spec.entry.sourceStart);
    const atrimIn: FilterNode[] = !seeksInput(spec, "whole") && start > 0 ? [{ filter: "atrim", options: { start } }] : [];
    return chain([input], [...atrimIn, { filter: "asetpts", options: ["PTS-STARTPTS"] }, ...tail], [label], "audio");
  }
  // No audio track: silence of exactly the entry's length, so the join stays in sync.
  return chain([], [{ filter: "anullsrc", options: { r: AUDIO_RATE, cl: "stereo" } }, ...tail], [label], "audio");
}

export function fmt(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}
