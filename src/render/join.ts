/**
 * Argument builders for joining segments (pure data, unit-tested as exact arrays): crossfade
 * pieces, the concat list for the stream-copied picture, the audio join with acrossfades, the
 * two loudnorm passes and the final mux with chapters and faststart.
 */
import { videoCodecArgs, type VideoEncoder } from "./encoder.ts";
import { chain, graphToString, type FilterChain } from "./filtergraph.ts";
import type { TimelineLayout } from "./layout.ts";
import { AUDIO_RATE } from "./segment.ts";

/** loudnorm's targets: integrated from the timeline, −1.5 dBTP and LRA 11 as in EBU R128 s1 for streaming. */
export function loudnormTargets(integrated: number): { I: number; TP: number; LRA: number } {
  return { I: integrated, TP: -1.5, LRA: 11 };
}

/** One crossfade piece: the previous segment's tail and this one's head, blended with xfade and encoded like the body. */
export function xfadeArgs(ffmpegPath: string, prev: { path: string; tailStream: number }, next: { path: string; headStream: number }, frames: number, fps: number, enc: VideoEncoder, out: string): string[] {
  const graph = graphToString([[{ inputs: [`0:${prev.tailStream}`, `1:${next.headStream}`], filter: "xfade", options: { transition: "fade", duration: frames / fps, offset: 0 }, outputs: ["v"] }]]);
  return [
    ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", "-i", prev.path, "-i", next.path,
    "-filter_complex", graph, "-map", "[v]", "-frames:v", String(frames), ...videoCodecArgs(enc), "-an", "-f", "mov", out,
  ];
}

/** Quotes a path for the concat demuxer's `file` directive. */
export function concatQuote(path: string): string {
  return `'${path.replace(/'/g, "'\\''")}'`;
}

/**
 * The concat demuxer list for the picture: bodies and crossfade pieces in order, each with its
 * duration, because a segment file is longer than its body (its audio covers the head and tail).
 */
export function concatList(parts: { path: string; seconds: number }[]): string {
  return `ffconcat version 1.0\n${parts.map((p) => `file ${concatQuote(p.path)}\nduration ${Math.round(p.seconds * 1e6) / 1e6}`).join("\n")}\n`;
}

/**
 * The audio join over segment inputs `firstInput…`: each stream normalised to 48 kHz stereo float
 * (PCM in .mov carries no channel layout), then cut joins by concat and fades by acrossfade of
 * exactly the crossfade's frames, so audio and picture stay in step. Output label "ajoin".
 */
export function audioJoinChains(layout: TimelineLayout, firstInput: number): FilterChain[] {
  const chains: FilterChain[] = [];
  const segs = layout.segments;
  segs.forEach((_, k) => {
    chains.push(chain([`${firstInput + k}:a:0`], [{ filter: "aformat", options: { sample_fmts: "fltp", sample_rates: AUDIO_RATE, channel_layouts: "stereo" } }], [`a${k}`]));
  });
  let acc = "a0";
  for (let k = 1; k < segs.length; k++) {
    const out = `j${k}`;
    const fade = segs[k]!.headFrames;
    if (fade > 0) {
      // acrossfade counts samples: frames/fps seconds at 48 kHz, the same span the picture crossfades.
      chains.push([{ inputs: [acc, `a${k}`], filter: "acrossfade", options: { ns: Math.round((fade / layout.fps) * AUDIO_RATE), c1: "tri", c2: "tri" }, outputs: [out] }]);
    } else {
      chains.push([{ inputs: [acc, `a${k}`], filter: "concat", options: { n: 2, v: 0, a: 1 }, outputs: [out] }]);
    }
    acc = out;
  }
  chains.push(chain([acc], [], ["ajoin"], "audio"));
  return chains;
}

/** Measured values loudnorm prints as JSON (strings in ffmpeg's output). */
export interface LoudnormMeasurement {
  input_i: number;
  input_tp: number;
  input_lra: number;
  input_thresh: number;
  target_offset: number;
  output_i?: number;
}

/** Parses the JSON block loudnorm prints last on stderr; null when absent or not finite. */
export function parseLoudnorm(stderr: string): LoudnormMeasurement | null {
  const tag = stderr.lastIndexOf("[Parsed_loudnorm");
  const from = stderr.indexOf("{", tag >= 0 ? tag : 0);
  const to = stderr.indexOf("}", from);
  if (from < 0 || to < from) return null;
  let raw: Record<string, string>;
  try {
    raw = JSON.parse(stderr.slice(from, to + 1)) as Record<string, string>;
  } catch {
    return null;
  }
  const num = (k: string) => Number.parseFloat(raw[k] ?? "");
  const m: LoudnormMeasurement = { input_i: num("input_i"), input_tp: num("input_tp"), input_lra: num("input_lra"), input_thresh: num("input_thresh"), target_offset: num("target_offset") };
  if (![m.input_i, m.input_tp, m.input_lra, m.input_thresh, m.target_offset].every(Number.isFinite)) return null;
  const out = num("output_i");
  if (Number.isFinite(out)) m.output_i = out;
  return m;
}

/** The loudnorm node: measuring (print JSON) or applying the measured values linearly. */
export function loudnormChain(target: number, measured: LoudnormMeasurement | null, input: string, output: string): FilterChain {
  const t = loudnormTargets(target);
  const opts: Record<string, string | number> = { I: t.I, TP: t.TP, LRA: t.LRA };
  if (measured) {
    Object.assign(opts, { measured_I: measured.input_i, measured_TP: measured.input_tp, measured_LRA: measured.input_lra, measured_thresh: measured.input_thresh, offset: measured.target_offset, linear: "true" });
  }
  opts.print_format = "json";
  // loudnorm works at 192 kHz internally and outputs that rate: resample back for AAC.
  return chain([input], [{ filter: "loudnorm", options: opts }, { filter: "aresample", options: [AUDIO_RATE] }, { filter: "aformat", options: { channel_layouts: "stereo" } }], [output], "audio");
}

/** First pass: measure the joined audio's loudness (segments are inputs 0…n−1). */
export function loudnessMeasureArgs(ffmpegPath: string, segments: string[], layout: TimelineLayout, target: number): string[] {
  const graph = graphToString([...audioJoinChains(layout, 0), loudnormChain(target, null, "ajoin", "aout")]);
  return [ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "info", ...segments.flatMap((s) => ["-vn", "-i", s]), "-filter_complex", graph, "-map", "[aout]", "-progress", "pipe:2", "-f", "null", "-"];
}

/**
 * Final mux: picture stream-copied from the concat list (input 0), audio joined from the segments
 * (inputs 1…n) and normalised (or, for proxies, only joined), chapters and title from the
 * FFMETADATA file (input n+1), AAC 192k, moov atom up front for streaming.
 */
export function finalArgs(ffmpegPath: string, o: { concatList: string; segments: string[]; metadata: string; layout: TimelineLayout; loudness: { target: number; measured: LoudnormMeasurement | null } | null; out: string }): string[] {
  const metaIndex = o.segments.length + 1;
  const audio = o.loudness ? loudnormChain(o.loudness.target, o.loudness.measured, "ajoin", "aout") : chain(["ajoin"], [], ["aout"], "audio");
  const graph = graphToString([...audioJoinChains(o.layout, 1), audio]);
  return [
    ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-y",
    "-f", "concat", "-safe", "0", "-i", o.concatList,
    ...o.segments.flatMap((s) => ["-vn", "-i", s]),
    "-f", "ffmetadata", "-i", o.metadata,
    "-filter_complex", graph,
    "-map", "0:v:0", "-map", "[aout]", "-map_metadata", String(metaIndex), "-map_chapters", String(metaIndex),
    "-c:v", "copy", "-c:a", "aac", "-b:a", "192k", "-ar", String(AUDIO_RATE),
    "-movflags", "+faststart", "-progress", "pipe:2", "-f", "mp4", o.out,
  ];
}
