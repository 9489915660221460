/**
 * Background music from the samples: a documented heuristic, no model (none can be had here).
 *
 * Two kinds of evidence, both taken only from loud frames outside speech (Silero segments):
 * - tonal: in the ~2 s average spectrum, energy sitting in narrow spectral lines (bins 3× above
 *   the median of their ±12-bin neighbourhood). Notes of a key repeat and hold, so they pile up as
 *   lines over seconds; noise (water, crowd, wind, thunder, engines) averages to a smooth curve
 *   and speech is excluded. A window is tonal when ≥ 10% of its 100 Hz–4 kHz energy is in lines.
 * - rhythmic: the autocorrelation of the log spectral-flux onset envelope over ~6 s peaks at a
 *   beat period (0.19–1.5 s, 40–320 BPM) with a normalised value ≥ 0.55: a steady beat.
 * Music when there are ≥ 3 s of such audio and either a third of the ~2 s windows are tonal
 * or the median 6 s stretch is rhythmic.
 *
 * Measured on the corpus (scripts/bench-audio.ts prints the evidence): tonal share ≥ 0.35 on
 * Big Buck Bunny's score, the Chaplin piano and Steamboat Willie (the weakest, close to the
 * line), rhythm 0.9 on opencv_box_handheld_indoor; water, crowds, thunder, wind, engines, a bee
 * and room noise stay at 0 tonal share and rhythm < 0.45.
 */
import type { TimeRange } from "../types.ts";
import { HOP, LOUD_DB, type SpectralFrame, type WindowSpectrum } from "./spectral.ts";

const RATE = 16000;
const FRAME_S = HOP / RATE;
export const TONAL_LINE_SHARE = 0.15;
export const TONAL_WINDOW_SHARE = 0.3;
export const RHYTHM_MIN = 0.55;
const MIN_SECONDS = 3;

export interface MusicEvidence {
  has: boolean;
  /** Share of (mostly non-speech, loud) ~2 s windows that are tonal. */
  tonalShare: number;
  /** Median beat strength of the 6 s stretches (0..1). */
  rhythm: number;
  /** Seconds of loud non-speech audio the decision rests on. */
  seconds: number;
  /** Windows judged musical (tonal or in a rhythmic stretch). */
  spans: TimeRange[];
}

/** Share of 100 Hz–4 kHz energy that sits in narrow spectral lines of an averaged spectrum. */
export function lineShare(spectrum: Float64Array, binHz: number): number {
  const lo = Math.max(13, Math.ceil(100 / binHz));
  const hi = Math.min(spectrum.length - 14, Math.floor(4000 / binHz));
  let total = 0;
  let lines = 0;
  const neigh = new Float64Array(25);
  for (let k = lo; k <= hi; k++) {
    const m = spectrum[k]!;
    total += m;
    if (m < spectrum[k - 1]! || m < spectrum[k + 1]!) continue;
    for (let j = 0; j < 25; j++) neigh[j] = spectrum[k - 12 + j]!;
    neigh.sort();
    if (m > 3 * neigh[12]!) lines += m + spectrum[k - 1]! + spectrum[k + 1]!;
  }
  return total > 0 ? lines / total : 0;
}

/** Peak of the normalised autocorrelation of an onset envelope at beat lags (6..47 hops). */
export function beatStrength(onsets: number[]): number {
  const n = onsets.length;
  const mean = onsets.reduce((a, b) => a + b, 0) / n;
  const x = onsets.map((v) => v - mean);
  const r0 = x.reduce((a, v) => a + v * v, 0);
  if (r0 <= 0) return 0;
  let best = 0;
  for (let lag = 6; lag <= 47 && lag < n / 2; lag++) {
    let r = 0;
    for (let i = 0; i + lag < n; i++) r += x[i]! * x[i + lag]!;
    best = Math.max(best, ((r / r0) * n) / (n - lag));
  }
  return best;
}

/** Decides on background music from frames and window spectra computed outside `speech`. */
export function detectMusic(frames: SpectralFrame[], windows: WindowSpectrum[], speech: TimeRange[]): MusicEvidence {
  const inSpeech = (t: number) => speech.some((r) => t >= r.start && t < r.end);
  const binHz = RATE / ((windows[0]?.spectrum.length ?? 512) * 2);
  // A window counts when at least a third of it is loud non-speech audio.
  const usable = windows.filter((w) => w.frames >= (w.end - w.start) / FRAME_S / 3);
  const tonal = usable.filter((w) => lineShare(w.spectrum, binHz) >= TONAL_LINE_SHARE);
  const beats: { range: TimeRange; value: number }[] = [];
  for (let a = 0; a < frames.length; a += 94) {
    const seg = frames.slice(a, a + 188);
    if (seg.length < 94) break;
    const ok = seg.filter((f) => f.db > LOUD_DB && !inSpeech(f.time)).length;
    if (ok < seg.length / 2) continue;
    beats.push({ range: { start: seg[0]!.time, end: seg.at(-1)!.time + FRAME_S }, value: beatStrength(seg.map((f) => f.logFlux)) });
    if (a + 188 >= frames.length) break;
  }
  const sorted = beats.map((b) => b.value).sort((x, y) => x - y);
  const rhythm = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
  const seconds = frames.filter((f) => f.db > LOUD_DB && !inSpeech(f.time)).length * FRAME_S;
  const tonalShare = usable.length ? tonal.length / usable.length : 0;
  const has = seconds >= MIN_SECONDS && (tonalShare >= TONAL_WINDOW_SHARE || rhythm >= RHYTHM_MIN);
  const spans = has ? mergeRanges([...tonal.map((w) => ({ start: w.start, end: w.end })), ...beats.filter((b) => b.value >= RHYTHM_MIN).map((b) => b.range)]) : [];
  return { has, tonalShare: round3(tonalShare), rhythm: round3(rhythm), seconds: round3(seconds), spans };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Sorted union of ranges (touching or overlapping ones joined), times rounded to 10 ms. */
export function mergeRanges(ranges: TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = out.at(-1);
    if (last && r.start <= last.end + 1e-6) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out.map((r) => ({ start: Math.round(r.start * 100) / 100, end: Math.round(r.end * 100) / 100 }));
}
