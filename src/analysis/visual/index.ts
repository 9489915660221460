/**
 * The visual pass: one decode (src/media/frames.ts) fanned out to every visual analyser —
 * shot boundaries, motion curve, keyframes (one per shot plus motion peaks), thumbnail,
 * perceptual fingerprint, exposure — holding only the candidate frames in memory.
 */
import { analysisSpec, decodeFrames } from "../../media/frames.ts";
import type { ProbeResult } from "../../media/probe.ts";
import type { Keyframe, RgbFrame, Shot, VisualAnalysis } from "../types.ts";
import { dHash, HIST_BINS, histDistance, hsvHistogram, lumaThumb, meanAbsDiff, sharpness } from "./features.ts";
import { ShotDetector } from "./shots.ts";

export { fingerprintSimilarity, hammingDistance, NEAR_DUPLICATE_SIMILARITY } from "./features.ts";

/** Mean luma change (0..255) that counts as full motion: a fast pan or a subject filling the frame. */
const FULL_MOTION = 40;
/** Motion curve resolution, seconds. */
export const MOTION_STEP = 0.25;
const MOTION_W = 32;
const MOTION_H = 18;

interface Candidate {
  frame: RgbFrame;
  hist: Float32Array;
  luma: number;
  sharpness: number;
  motion: number;
  flat: boolean;
}

export interface VisualOptions {
  ffmpegPath?: string;
  signal?: AbortSignal;
  /** Fraction 0..1 of the decode done. */
  onProgress?: (fraction: number) => void;
  /** Analysis size: the long side of the decoded frames (320 by default; 384 or more helps OCR and faces on the kept frames). */
  maxWidth?: number;
  /** Frame-rate cap for the analysis (30 by default). */
  maxFps?: number;
  /** Keep at most this many motion-peak keyframes. */
  motionPeaks?: number;
}

const copyFrame = (f: RgbFrame): RgbFrame => ({ ...f, data: f.data.slice() });

/** Runs the visual pass over a clip. */
export async function analyseVisual(path: string, probe: ProbeResult, opts: VisualOptions = {}): Promise<VisualAnalysis & { samples: Keyframe[] }> {
  const spec = analysisSpec(probe, opts.maxWidth, opts.maxFps);
  const detector = new ShotDetector({ fps: spec.fps });
  const hist = new Float32Array(HIST_BINS);
  const meanHist = new Float64Array(HIST_BINS);
  let prevThumb: Float32Array | null = null;
  let thumb: Float32Array = new Float32Array(MOTION_W * MOTION_H);
  const grid = new Float32Array(72);
  const motionPerFrame: number[] = [];
  const lumas: number[] = [];
  // Candidate frames: one every `sampleEvery` frames (for keyframes, thumbnail and fingerprint).
  const sampleEvery = Math.max(1, Math.round(spec.fps * (probe.durationSeconds > 0 && probe.durationSeconds < 8 ? 0.25 : 0.5)));
  const samples: Candidate[] = [];
  const decoded = await decodeFrames(
    path,
    probe,
    spec,
    (f) => {
      const luma = hsvHistogram(f, hist);
      lumaThumb(f, MOTION_W, MOTION_H, thumb);
      detector.push({ hist, grid: lumaThumb(f, 9, 8, grid), thumb, luma });
      for (let k = 0; k < HIST_BINS; k++) meanHist[k]! += hist[k]!;
      const motion = prevThumb ? Math.min(1, meanAbsDiff(prevThumb, thumb) / FULL_MOTION) : 0;
      motionPerFrame.push(motion);
      lumas.push(luma);
      const swap = prevThumb ?? new Float32Array(MOTION_W * MOTION_H);
      prevThumb = thumb;
      thumb = swap;
      if (f.index % sampleEvery === 0) {
        let mean = 0;
        for (const v of prevThumb) mean += v;
        mean /= prevThumb.length;
        let varSum = 0;
        for (const v of prevThumb) varSum += (v - mean) ** 2;
        samples.push({ frame: copyFrame(f), hist: new Float32Array(hist), luma, sharpness: sharpness(f), motion, flat: Math.sqrt(varSum / prevThumb.length) < 6 });
      }
    },
    { ffmpegPath: opts.ffmpegPath, signal: opts.signal, onProgress: opts.onProgress },
  );
  const boundaries = detector.finish();
  const duration = decoded.durationSeconds;
  const fps = spec.fps;

  // A cut frame's change is the cut itself, not motion: give it its neighbour's value.
  for (const b of boundaries) if (b.frame > 0 && b.frame < motionPerFrame.length) motionPerFrame[b.frame] = motionPerFrame[b.frame - 1] ?? 0;
  const perStep = Math.max(1, Math.round(MOTION_STEP * fps));
  const motionCurve: { time: number; value: number }[] = [];
  for (let i = 0; i < motionPerFrame.length; i += perStep) {
    const slice = motionPerFrame.slice(i, i + perStep);
    motionCurve.push({ time: Math.round((i / fps) * 1000) / 1000, value: Math.round((slice.reduce((a, b) => a + b, 0) / slice.length) * 1000) / 1000 });
  }

  const starts = [0, ...boundaries.map((b) => b.frame)];
  const shots: Shot[] = starts.map((s, k) => ({
    start: Math.round((s / fps) * 1000) / 1000,
    end: Math.round(((starts[k + 1] ?? decoded.frames) / fps) * 1000) / 1000,
    kind: k === 0 ? "start" : boundaries[k - 1]!.kind,
  }));

  const usable = (c: Candidate) => c.luma >= 25 && c.luma <= 235 && !c.flat;
  const keyframes: Keyframe[] = [];
  for (const shot of shots) {
    // Skip the first and last 15% of a shot: fades and motion blur sit at the edges.
    const len = shot.end - shot.start;
    const inner = samples.filter((c) => c.frame.time >= shot.start + len * 0.15 && c.frame.time <= shot.end - len * 0.15);
    const pool = (inner.length ? inner : samples.filter((c) => c.frame.time >= shot.start && c.frame.time < shot.end)).filter(usable);
    const best = pool.reduce<Candidate | undefined>((a, c) => (!a || c.sharpness > a.sharpness ? c : a), undefined);
    if (best) keyframes.push({ time: best.frame.time, reason: "shot", sharpness: best.sharpness, frame: best.frame });
  }
  const peaks = [...samples].filter(usable).sort((a, b) => b.motion - a.motion);
  for (const p of peaks) {
    if (keyframes.filter((k) => k.reason === "motion_peak").length >= (opts.motionPeaks ?? 3)) break;
    if (p.motion < 0.08) break;
    if (keyframes.some((k) => Math.abs(k.time - p.frame.time) < 1.5)) continue;
    keyframes.push({ time: p.frame.time, reason: "motion_peak", sharpness: p.sharpness, frame: p.frame });
  }
  keyframes.sort((a, b) => a.time - b.time);

  const n = decoded.frames;
  const mean = new Float32Array(HIST_BINS);
  for (let k = 0; k < HIST_BINS; k++) mean[k] = meanHist[k]! / n;
  const maxSharp = Math.max(...samples.map((c) => c.sharpness), 1);
  // Representative and sharp: close to the clip's average colours, in focus, well exposed.
  const thumbScore = (c: Candidate) => (1 - histDistance(c.hist, mean)) * 0.6 + (c.sharpness / maxSharp) * 0.3 + (usable(c) ? 0.1 : -1);
  const thumbC = samples.reduce((a, c) => (thumbScore(c) > thumbScore(a) ? c : a), samples[0]!);

  const fpFrames = samples.filter(usable);
  const stride = Math.max(1, Math.ceil(fpFrames.length / 32));
  const fingerprint = fpFrames.filter((_, i) => i % stride === 0).map((c) => dHash(c.frame));

  return {
    durationSeconds: Math.round(duration * 1000) / 1000,
    framesDecoded: decoded.frames,
    cuts: boundaries.map((b) => Math.round((b.frame / fps) * 1000) / 1000),
    shots,
    motionCurve,
    keyframes: keyframes.length ? keyframes : [{ time: thumbC.frame.time, reason: "thumbnail", sharpness: thumbC.sharpness, frame: thumbC.frame }],
    thumbnail: { time: thumbC.frame.time, score: Math.round(thumbScore(thumbC) * 1000) / 1000, frame: thumbC.frame },
    fingerprint,
    meanLuma: Math.round(lumas.reduce((a, b) => a + b, 0) / n),
    blackRatio: Math.round((lumas.filter((l) => l < 18).length / n) * 1000) / 1000,
    ...(decoded.error ? { decodeError: decoded.error } : {}),
    samples: samples.map((c) => ({ time: c.frame.time, reason: "sample" as const, sharpness: c.sharpness, frame: c.frame })),
  };
}
