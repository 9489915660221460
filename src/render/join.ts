/**
 * Argument builders for joining segments (pure data, unit-tested as exact arrays): crossfade
 * pieces, the concat list for the stream-copied picture, the audio join with acrossfades, the
 * loudness measurement, and the final mux (gain, chapters, faststart).
 */
import { videoCodecArgs, type VideoEncoder } from "./encoder.ts";
import { chain, graphToString, type FilterChain, type FilterNode } from "./filtergraph.ts";
import type { TimelineLayout } from "./layout.ts";
import { AUDIO_RATE } from "./segment.ts";

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

/** Loudness limits for streaming (EBU R128 s1): true peak at most −1.5 dBTP. */
export const TRUE_PEAK_LIMIT = -1.5;
/**
 * The limiter's ceiling in sample peak: 0.5 dB under the true-peak limit, because inter-sample
 * peaks of program material stay within about 0.5 dB of the sample peaks at 48 kHz.
 */
export const LIMITER_CEILING_DB = TRUE_PEAK_LIMIT - 0.5;

/** Measured loudness of the joined audio (ebur128): integrated LUFS and true peak dBTP. */
export interface MeasuredLoudness {
  integrated: number;
  truePeak: number;
  /** dB added on a second try, when limiting took the first one under the target. */
  correction?: number;
}

/** Whether a measurement can set a gain: silence (−inf, or under ebur128's −70 LUFS gate) cannot. */
export function isMeasurable(integrated: number): boolean {
  return Number.isFinite(integrated) && integrated > -70;
}

/**
 * Normalisation as one linear gain: the joined audio is measured once (ebur128, integrated and
 * true peak, ~0.3 s for 30 s of audio), then `volume` moves it to the target and, only when the
 * gain would push the true peak over −1.5 dBTP, a look-ahead limiter (`alimiter`, delay
 * compensated, no auto level) holds the peaks. This replaces two loudnorm passes (loudnorm runs
 * at 192 kHz: ~1.1 s per pass on the same audio). Limiting lowers the loudness a little (speech
 * with clipped peaks lost 1.4 LU under 7.5 dB of limiting): an `ebur128` (no peak scan) in the
 * same pass reports what was reached, and the caller runs the mux again with a `correction`
 * when it missed by more than half a LU. Without a usable measurement (silence) no gain is applied.
 */
export function gainChain(target: number, measured: MeasuredLoudness | null, input: string, output: string): FilterChain {
  const nodes: FilterNode[] = [];
  if (measured && isMeasurable(measured.integrated)) {
    const gain = Math.round((target - measured.integrated + (measured.correction ?? 0)) * 100) / 100;
    nodes.push({ filter: "volume", options: [`${gain}dB`] });
    if (Number.isFinite(measured.truePeak) && measured.truePeak + gain > TRUE_PEAK_LIMIT) {
      const limit = Math.round(10 ** (LIMITER_CEILING_DB / 20) * 10000) / 10000;
      nodes.push({ filter: "alimiter", options: { limit, attack: 5, release: 50, level: "false", latency: "true" } });
    }
  }
  nodes.push({ filter: "ebur128", options: { framelog: "verbose" } }, { filter: "aformat", options: { channel_layouts: "stereo" } });
  return chain([input], nodes, [output], "audio");
}

/** Measurement pass: the joined audio's integrated loudness and true peak (segments are inputs 0…n−1). */
export function loudnessMeasureArgs(ffmpegPath: string, segments: string[], layout: TimelineLayout): string[] {
  const graph = graphToString([...audioJoinChains(layout, 0), chain(["ajoin"], [{ filter: "ebur128", options: { peak: "true", framelog: "verbose" } }], ["aout"], "audio")]);
  return [ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "info", ...segments.flatMap((s) => ["-vn", "-i", s]), "-filter_complex", graph, "-map", "[aout]", "-progress", "pipe:2", "-f", "null", "-"];
}

/**
 * Final mux: picture stream-copied from the concat list (input 0), audio joined from the segments
 * (inputs 1…n) and normalised (or, for proxies, only joined), chapters and title from the
 * FFMETADATA file (input n+1), AAC 192k, moov atom up front for streaming.
 */
export function finalArgs(ffmpegPath: string, o: { concatList: string; segments: string[]; metadata: string; layout: TimelineLayout; loudness: { target: number; measured: MeasuredLoudness | null } | null; out: string }): string[] {
  const metaIndex = o.segments.length + 1;
  const audio = o.loudness ? gainChain(o.loudness.target, o.loudness.measured, "ajoin", "aout") : chain(["ajoin"], [], ["aout"], "audio");
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
