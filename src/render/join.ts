/**
 * Argument builders for joining (pure data, unit-tested as exact arrays): the concat list for the
 * stream-copied picture, the audio join with acrossfades, the loudness gain and the audio encode,
 * and the final mux (streams copied, chapters, faststart).
 */
import { chain, graphToString, type FilterChain, type FilterNode } from "./filtergraph.ts";
import type { TimelineLayout } from "./layout.ts";
import { AUDIO_RATE } from "./segment.ts";

/** Quotes a path for the concat demuxer's `file` directive. */
export function concatQuote(path: string): string {
  return `'${path.replace(/'/g, "'\\''")}'`;
}

/**
 * The concat demuxer list for the picture: the segment files in order, each with its duration in
 * whole frames, so the join's timestamps never drift from the layout the audio follows.
 */
export function concatList(parts: { path: string; seconds: number }[]): string {
  return `ffconcat version 1.0\n${parts.map((p) => `file ${concatQuote(p.path)}\nduration ${Math.round(p.seconds * 1e6) / 1e6}`).join("\n")}\n`;
}

/**
 * The audio join of the entries' audio pads (`labels`, 48 kHz stereo float of exactly each
 * entry's frames): cuts join by concat, fades by acrossfade of exactly the crossfade's frames, so
 * audio and picture stay in step. Output label "ajoin".
 */
export function audioJoinChains(layout: TimelineLayout, labels: string[]): FilterChain[] {
  const chains: FilterChain[] = [];
  const segs = layout.segments;
  let acc = labels[0]!;
  for (let k = 1; k < segs.length; k++) {
    const out = `j${k}`;
    const fade = segs[k]!.headFrames;
    if (fade > 0) {
      // acrossfade counts samples: frames/fps seconds at 48 kHz, the same span the picture crossfades.
      chains.push([{ inputs: [acc, labels[k]!], filter: "acrossfade", options: { ns: Math.round((fade / layout.fps) * AUDIO_RATE), c1: "tri", c2: "tri" }, outputs: [out] }]);
    } else {
      chains.push([{ inputs: [acc, labels[k]!], filter: "concat", options: { n: 2, v: 0, a: 1 }, outputs: [out] }]);
    }
    acc = out;
  }
  chains.push(chain([acc], [], ["ajoin"], "audio"));
  return chains;
}

/** Loudness limits for streaming (EBU R128 s1): true peak at most −1.5 dBTP. */
export const TRUE_PEAK_LIMIT = -1.5;
/**
 * Headroom kept for the AAC encode, whose output peaks overshoot its input: a limited −2 dBFS
 * input came out at −1.4 dBTP. Peaks are held under TRUE_PEAK_LIMIT minus this before encoding.
 */
export const AAC_OVERSHOOT_DB = 0.5;
/**
 * The limiter's ceiling in sample peak: another 0.5 dB under, because inter-sample peaks of
 * program material stay within about 0.5 dB of the sample peaks at 48 kHz.
 */
export const LIMITER_CEILING_DB = TRUE_PEAK_LIMIT - AAC_OVERSHOOT_DB - 0.5;

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
 * gain would push the true peak over −1.5 dBTP (less the AAC headroom), a look-ahead limiter (`alimiter`, delay
 * compensated, no auto level) holds the peaks. This replaces two loudnorm passes (loudnorm runs
 * at 192 kHz: ~1.1 s per pass on the same audio). Limiting lowers the loudness a little (speech
 * with clipped peaks lost 1.4 LU under 7.5 dB of limiting): an `ebur128` (no peak scan) in the
 * same pass reports what was reached, and the caller runs the encode again with a `correction`
 * when it missed by more than half a LU. Without a usable measurement (silence) no gain is applied.
 */
export function gainChain(target: number, measured: MeasuredLoudness | null, input: string, output: string): FilterChain {
  const nodes: FilterNode[] = [];
  if (measured && isMeasurable(measured.integrated)) {
    const gain = Math.round((target - measured.integrated + (measured.correction ?? 0)) * 100) / 100;
    nodes.push({ filter: "volume", options: [`${gain}dB`] });
    if (Number.isFinite(measured.truePeak) && measured.truePeak + gain > TRUE_PEAK_LIMIT - AAC_OVERSHOOT_DB) {
      const limit = Math.round(10 ** (LIMITER_CEILING_DB / 20) * 10000) / 10000;
      nodes.push({ filter: "alimiter", options: { limit, attack: 5, release: 50, level: "false", latency: "true" } });
    }
  }
  nodes.push({ filter: "ebur128", options: { framelog: "verbose" } }, { filter: "aformat", options: { channel_layouts: "stereo" } });
  return chain([input], nodes, [output], "audio");
}

/**
 * The audio encode: the joined WAV normalised by one gain (or, for proxies, as it is), AAC 192k
 * in an .m4a; its ebur128 (after the gain) reports the loudness reached. Runs beside the picture.
 */
export function audioEncodeArgs(ffmpegPath: string, o: { audio: string; loudness: { target: number; measured: MeasuredLoudness | null } | null; out: string }): string[] {
  const audio = o.loudness ? gainChain(o.loudness.target, o.loudness.measured, "0:a:0", "aout") : chain(["0:a:0"], [], ["aout"], "audio");
  return [
    ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "info", "-y", "-i", o.audio,
    "-filter_complex", graphToString([audio]),
    "-map", "[aout]", "-c:a", "aac", "-b:a", "192k", "-ar", String(AUDIO_RATE), "-f", "mp4", o.out,
  ];
}

/**
 * Final mux, streams copied: the picture from the concat list of segments (input 0), the encoded
 * audio (input 1), chapters and title from the FFMETADATA file (input 2), moov atom up front.
 */
export function finalArgs(ffmpegPath: string, o: { concatList: string; audio: string; metadata: string; out: string }): string[] {
  return [
    ffmpegPath, "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y",
    "-f", "concat", "-safe", "0", "-i", o.concatList,
    "-i", o.audio,
    "-f", "ffmetadata", "-i", o.metadata,
    "-map", "0:v:0", "-map", "1:a:0", "-map_metadata", "2", "-map_chapters", "2",
    "-c", "copy", "-movflags", "+faststart", "-progress", "pipe:2", "-f", "mp4", o.out,
  ];
}
