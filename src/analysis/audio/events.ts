/**
 * Sound events by rule from the spectral frames. Each names its rule in `source`, so a person
 * can see it was not a trained classifier (none for impacts, screams or crowds can be had here).
 */
import type { SoundEvent, TimeRange } from "../types.ts";
import { HOP, type SpectralFrame } from "./spectral.ts";

const FRAME_S = HOP / 16000;
const r2 = (x: number) => Math.round(x * 100) / 100;
const inAny = (t: number, ranges: TimeRange[]) => ranges.some((r) => t >= r.start && t < r.end);

/** Runs of consecutive frames satisfying `pred`, at least `minSeconds` long. */
export function runsOf(frames: SpectralFrame[], pred: (f: SpectralFrame, i: number) => boolean, minSeconds: number): TimeRange[] {
  const out: TimeRange[] = [];
  let start = -1;
  for (let i = 0; i <= frames.length; i++) {
    const ok = i < frames.length && pred(frames[i]!, i);
    if (ok && start < 0) start = i;
    if (!ok && start >= 0) {
      if ((i - start) * FRAME_S >= minSeconds) out.push({ start: r2(frames[start]!.time), end: r2(frames[i - 1]!.time + FRAME_S) });
      start = -1;
    }
  }
  return out;
}

/**
 * Impacts: onsets whose spectral flux stands 6 median-absolute-deviations above the clip's
 * median, with a level jump of 8 dB within 0.1 s, louder than −35 dBFS, at least 0.25 s apart.
 * Onsets inside speech are left out: plosives and syllable starts are not impacts.
 */
export function detectImpacts(frames: SpectralFrame[], speech: TimeRange[] = []): SoundEvent[] {
  const loud = frames.filter((f) => f.db > -50).map((f) => f.flux).sort((a, b) => a - b);
  if (loud.length < 10) return [];
  const med = loud[Math.floor(loud.length / 2)]!;
  const mad = loud.map((x) => Math.abs(x - med)).sort((a, b) => a - b)[Math.floor(loud.length / 2)]! || 1e-6;
  const out: SoundEvent[] = [];
  frames.forEach((f, i) => {
    const before = frames[Math.max(0, i - 3)]!;
    if (f.flux < med + 6 * mad || f.db - before.db < 8 || f.db < -35 || inAny(f.time, speech)) return;
    if (out.length && f.time - out.at(-1)!.start < 0.25) return;
    out.push({ event: "impact", start: r2(f.time), end: r2(f.time + 0.2), confidence: r2(Math.min(1, (f.flux - med) / (12 * mad))), source: "rule:spectral-flux-onset" });
  });
  return out;
}

/** Screams: loud (> −22 dBFS), high-pitched (0.7–3 kHz), strongly tonal, ≥ 0.3 s, outside speech. */
export function detectScreams(frames: SpectralFrame[], speech: TimeRange[] = []): SoundEvent[] {
  return runsOf(frames, (f) => f.db > -22 && f.peakHz >= 700 && f.peakHz <= 3000 && f.prominence > 6 && !inAny(f.time, speech), 0.3).map((r) => ({
    event: "scream" as const,
    ...r,
    confidence: 0.5,
    source: "rule:loud-high-pitched",
  }));
}

/**
 * Cheering: loud (> −28 dBFS) broadband noise (spectral flatness > 0.3, ≥ 30% of the energy
 * above 1 kHz) for ≥ 1 s. Applause matches the same rule; nothing in the corpus lets us tell
 * them apart reliably, so it is reported as cheering and applause is listed as absent.
 */
export function detectCrowd(frames: SpectralFrame[]): SoundEvent[] {
  return runsOf(frames, (f) => f.db > -28 && f.flatness > 0.3 && f.highRatio > 0.3, 1.0).map((r) => ({
    event: "cheering" as const,
    ...r,
    confidence: 0.4,
    source: "rule:loud-broadband-sustained",
  }));
}
