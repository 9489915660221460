/** Spectral features of 16 kHz mono PCM: frames of 1024 samples (64 ms), hop 512 (32 ms). */
import type { TimeRange } from "../types.ts";

export const FRAME = 1024;
export const HOP = 512;

/** In-place iterative radix-2 FFT on separate real/imaginary arrays (length a power of two). */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a]! += tr;
        im[a]! += ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

export interface SpectralFrame {
  time: number;
  /** RMS level, dBFS. */
  db: number;
  /** Frequency of the strongest bin between 60 Hz and 4 kHz. */
  peakHz: number;
  /** Peak magnitude over the mean magnitude in that band (tonality). */
  prominence: number;
  /** Geometric over arithmetic mean of the power spectrum: 1 = noise, 0 = pure tone. */
  flatness: number;
  /** Positive spectral change from the previous frame (onset strength). */
  flux: number;
  /** The same on log-compressed magnitudes log(1 + 100·|X|): level-independent, for rhythm. */
  logFlux: number;
  /** Share of energy above 1 kHz. */
  highRatio: number;
}

/** Average magnitude spectrum of the loud frames outside `exclude` in one stretch of the clip. */
export interface WindowSpectrum extends TimeRange {
  frames: number;
  spectrum: Float64Array;
}

/** Frames per window spectrum: 62 hops ≈ 2 s, long enough for notes of a key to repeat. */
export const WINDOW_FRAMES = 62;
/** Frames quieter than this are room tone, not content (RMS dBFS). */
export const LOUD_DB = -45;

/**
 * Computes one SpectralFrame per hop, the long-term average magnitude spectrum of loud frames,
 * and per ~2 s window the average spectrum of loud frames outside `exclude` (speech).
 */
export function spectralFrames(pcm: Float32Array, rate: number, exclude: TimeRange[] = []): { frames: SpectralFrame[]; avgSpectrum: Float64Array; windows: WindowSpectrum[] } {
  const windows: WindowSpectrum[] = [];
  const frames: SpectralFrame[] = [];
  const re = new Float64Array(FRAME);
  const im = new Float64Array(FRAME);
  const half = FRAME / 2;
  const win = new Float64Array(FRAME).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (FRAME - 1)));
  let prev = new Float64Array(half);
  let cur = new Float64Array(half);
  const avgSpectrum = new Float64Array(half);
  const binHz = rate / FRAME;
  const lo = Math.ceil(60 / binHz);
  const hi = Math.floor(4000 / binHz);
  const k1 = Math.floor(1000 / binHz);
  let prevLog = new Float64Array(half);
  let curLog = new Float64Array(half);
  let stretch: WindowSpectrum | null = null;
  for (let start = 0; start + FRAME <= pcm.length; start += HOP) {
    const t = start / rate;
    if (frames.length % WINDOW_FRAMES === 0) {
      stretch = { start: t, end: t, frames: 0, spectrum: new Float64Array(half) };
      windows.push(stretch);
    }
    let sq = 0;
    for (let i = 0; i < FRAME; i++) {
      const s = pcm[start + i]!;
      sq += s * s;
      re[i] = s * win[i]!;
      im[i] = 0;
    }
    fft(re, im);
    let flux = 0;
    let logFlux = 0;
    let peak = lo;
    let bandSum = 0;
    let logSum = 0;
    let powSum = 0;
    let high = 0;
    for (let k = 1; k < half; k++) {
      const mag = Math.hypot(re[k]!, im[k]!);
      cur[k] = mag;
      const d = mag - prev[k]!;
      if (d > 0) flux += d;
      curLog[k] = Math.log1p(100 * mag);
      const dl = curLog[k]! - prevLog[k]!;
      if (dl > 0) logFlux += dl;
      const p = mag * mag + 1e-12;
      logSum += Math.log(p);
      powSum += p;
      if (k >= k1) high += p;
      if (k >= lo && k <= hi) {
        bandSum += mag;
        if (mag > cur[peak]!) peak = k;
      }
    }
    const db = 10 * Math.log10(sq / FRAME + 1e-12);
    if (db > LOUD_DB) for (let k = 0; k < half; k++) avgSpectrum[k]! += cur[k]!;
    stretch!.end = t + HOP / rate;
    if (db > LOUD_DB && !exclude.some((r) => t >= r.start && t < r.end)) {
      stretch!.frames++;
      for (let k = 0; k < half; k++) stretch!.spectrum[k]! += cur[k]!;
    }
    frames.push({
      time: t,
      db,
      peakHz: peak * binHz,
      prominence: cur[peak]! / (bandSum / (hi - lo + 1) + 1e-9),
      flatness: Math.exp(logSum / (half - 1)) / (powSum / (half - 1)),
      flux,
      logFlux,
      highRatio: high / powSum,
    });
    [prev, cur] = [cur, prev];
    [prevLog, curLog] = [curLog, prevLog];
  }
  for (const w of windows) if (w.frames > 0) for (let k = 0; k < half; k++) w.spectrum[k]! /= w.frames;
  return { frames, avgSpectrum, windows };
}

/** Frequency of the strongest bin of the average spectrum (60 Hz–4 kHz), or null when silent. */
export function dominantFrequency(avg: Float64Array, rate: number): number | null {
  const binHz = rate / FRAME;
  let best = -1;
  for (let k = Math.ceil(60 / binHz); k <= Math.floor(4000 / binHz); k++) if (best < 0 || avg[k]! > avg[best]!) best = k;
  return best < 0 || avg[best]! <= 0 ? null : Math.round(best * binHz);
}
