/**
 * A render run: ONE ffmpeg process renders a range of consecutive entries — every source opened
 * once, crossfades and zooms made in the same graph, the picture encoded once — and the segment
 * muxer cuts the encoded stream into one file per entry (a keyframe is forced at each cut), each
 * closed and complete as soon as the next begins. A fresh render is therefore one encode, like a
 * plain ffmpeg run, while a killed render still leaves whole segment files to resume from.
 *
 * The audio is not part of a run: the audio pass joins and measures it in a process of its own,
 * side by side with the runs (it decodes no picture), so the final mux only copies streams.
 */
import { videoCodecArgs, type VideoEncoder } from "./encoder.ts";
import { chain, graphToString, type FilterChain } from "./filtergraph.ts";
import { audioJoinChains } from "./join.ts";
import type { TimelineLayout } from "./layout.ts";
import { crossfadeChain, entryAudio, entryInputArgs, entryPicture, entryTailPicture, fmt, type SegmentSpec } from "./segment.ts";

/** Entries k with start ≤ k < end. */
export interface EntryRange {
  start: number;
  end: number;
}

/** Output frame where segment k begins (its crossfade-in, if it has one). */
export function segmentStartFrame(layout: TimelineLayout, k: number): number {
  return Math.round(layout.segments[k]!.start * layout.fps);
}

/**
 * Cut times of a range, relative to its first segment: a quarter frame before each later
 * segment's first frame. ffmpeg rounds a forced keyframe's time to the nearest frame (half a frame
 * before would round down to the frame before), and the segment muxer cuts at the first keyframe
 * at or after the time: both land on exactly that frame.
 */
export function cutTimes(layout: TimelineLayout, r: EntryRange): number[] {
  const origin = segmentStartFrame(layout, r.start);
  const times: number[] = [];
  for (let k = r.start + 1; k < r.end; k++) times.push((segmentStartFrame(layout, k) - origin - 0.25) / layout.fps);
  return times;
}

/**
 * Exact ffmpeg arguments of a run over entries `r` of a timeline: segment files (picture only)
 * written by the segment muxer to `pattern` (a %03d name, one per entry, 0 = entry r.start). A
 * range whose first entry fades in also opens the previous entry's tail window, to make that
 * crossfade. Logs are level-tagged, so decoder errors can be told apart.
 */
export function rangeArgs(ffmpegPath: string, specs: SegmentSpec[], layout: TimelineLayout, r: EntryRange, enc: VideoEncoder, pattern: string): string[] {
  if (r.start < 0 || r.end > specs.length || r.start >= r.end) throw new Error(`bad entry range ${r.start}..${r.end} of ${specs.length}`);
  const inputs: string[] = [];
  const chains: FilterChain[] = [];
  let n = 0;
  const first = specs[r.start]!;
  if (r.start > 0 && first.layout.headFrames > 0) {
    inputs.push(...entryInputArgs(specs[r.start - 1]!, "tail"));
    chains.push(...entryTailPicture(specs[r.start - 1]!, `${n++}:v:0`, r.start - 1).chains);
  }
  const order: string[] = [];
  for (let k = r.start; k < r.end; k++) {
    const spec = specs[k]!;
    const i = n++;
    inputs.push(...entryInputArgs(spec, "whole"));
    const pic = entryPicture(spec, `${i}:v:0`, k, k + 1 < r.end);
    chains.push(...pic.chains);
    if (pic.head) {
      chains.push(crossfadeChain(k, spec.layout.headFrames, spec.target.fps));
      order.push(`x${k}`);
    }
    order.push(pic.body);
  }
  chains.push(order.length > 1 ? [{ inputs: order, filter: "concat", options: { n: order.length, v: 1, a: 0 }, outputs: ["vout"] }] : chain([order[0]!], [], ["vout"]));
  const cuts = cutTimes(layout, r).map(fmt).join(",");
  const args = [ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info", "-y", ...inputs, "-filter_complex", graphToString(chains)];
  args.push("-map", "[vout]", ...videoCodecArgs(enc), "-forced-idr", "1");
  if (cuts) args.push("-force_key_frames", cuts);
  args.push("-f", "segment", ...(cuts ? ["-segment_times", cuts] : []), "-segment_format", "mov", "-reset_timestamps", "1", pattern, "-progress", "pipe:2");
  return args;
}

/**
 * The audio pass: every entry's audio window (no picture decoded) joined with acrossfades, written
 * as WAV to `out.path`, and (`measure`) measured by ebur128 with true peak, whose summary goes to
 * stderr at info level.
 */
export function audioPassArgs(ffmpegPath: string, specs: SegmentSpec[], layout: TimelineLayout, out: { path: string; measure: boolean }): string[] {
  const inputs: string[] = [];
  const chains: FilterChain[] = [];
  let n = 0;
  specs.forEach((spec, k) => {
    // Audio seeks are sample-exact, so every window is entered by an input seek.
    const s = { ...spec, seek: "input" as const };
    if (spec.source.hasAudio) inputs.push(...entryInputArgs(s, "whole", { video: false }));
    chains.push(entryAudio(s, spec.source.hasAudio ? `${n++}:a:0` : null, `a${k}`));
  });
  const labels = specs.map((_, k) => `a${k}`);
  return [
    ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info", "-y", ...inputs,
    "-filter_complex", graphToString([...chains, ...audioJoinChains(layout, labels), chain(["ajoin"], out.measure ? [{ filter: "ebur128", options: { peak: "true", framelog: "verbose" } }] : [], ["aout"], "audio")]),
    "-map", "[aout]", "-c:a", "pcm_s16le", "-f", "wav", out.path,
  ];
}
