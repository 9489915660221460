/**
 * The visual pass: one decode (src/media/frames.ts) fanned out to every visual analyser —
 * shot boundaries, motion curve, keyframes (one per shot plus motion peaks), thumbnail,
 * perceptual fingerprint, exposure. Streaming: per frame only small features are kept; whole
 * frames only for the candidates FrameKeeper holds (keeper.ts).
 */
import { analysisSpec, decodeFrames } from "../../media/frames.ts";
import type { ProbeResult } from "../../media/probe.ts";
import type { Keyframe, RgbFrame, Shot, VisualAnalysis } from "../types.ts";
import { dHash, frameFeatures, GRID_H, GRID_W, HIST_BINS, histDistance, meanAbsDiff, sharpness, THUMB_H, THUMB_W } from "./features.ts";
import { type Candidate, FrameKeeper } from "./keeper.ts";
import { StaticOverlayDetector } from "./watermark.ts";
import { ShotDetector } from "./shots.ts";

export { fingerprintSimilarity, hammingDistance, NEAR_DUPLICATE_SIMILARITY } from "./features.ts";

/**
 * Motion normalisation: the mean absolute luma change (0..255) between consecutive 32×18
 * thumbnails, divided by FULL_MOTION and capped at 1. 40 levels is a fast pan or a subject
 * filling the frame (the baseball whip-pan peaks near it); a still slate stays under 0.02.
 */
const FULL_MOTION = 40;
/** Motion curve resolution, seconds (~4 values a second). */
export const MOTION_STEP = 0.25;
/** Well exposed: mean luma within this range and some contrast (thumbnail luma std-dev ≥ 6). */
const MIN_LUMA = 25;
const MAX_LUMA = 235;
const MIN_CONTRAST = 6;
/** Frames whose mean luma is under this count as black for blackRatio (as for fades). */
const BLACK_LUMA = 18;

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

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Frozen: the 32-pixel thumbnail changes by under 0.3 luma levels a frame, as a share of
 * FULL_MOTION. At that size small movements average out, so this flags more than ffmpeg's
 * freezedetect (a presenter before a static background, a quiet top-down car park): it is a
 * screen, and QA confirms what it flags with freezedetect. Spans under MIN_SPAN_SECONDS are noise.
 */
const FROZEN_MOTION = 0.3 / FULL_MOTION;
const MIN_SPAN_SECONDS = 0.5;

/** Runs of frames meeting `test`, as {start, end} seconds, at least `minSeconds` long. */
export function spansWhere(values: number[], test: (v: number, i: number) => boolean, fps: number, minSeconds: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let open = -1;
  for (let i = 0; i <= values.length; i++) {
    const hit = i < values.length && test(values[i]!, i);
    if (hit && open < 0) open = i;
    if (!hit && open >= 0) {
      if ((i - open) / fps >= minSeconds) out.push({ start: round3(open / fps), end: round3(i / fps) });
      open = -1;
    }
  }
  return out;
}

function contrast(thumb: Float32Array): number {
  let mean = 0;
  for (const v of thumb) mean += v;
  mean /= thumb.length;
  let sq = 0;
  for (const v of thumb) sq += (v - mean) ** 2;
  return Math.sqrt(sq / thumb.length);
}

/** Runs the visual pass over a clip; `samples` are evenly spread usable frames for later models. */
export async function analyseVisual(path: string, probe: ProbeResult, opts: VisualOptions = {}): Promise<VisualAnalysis & { samples: Keyframe[] }> {
  const spec = analysisSpec(probe, opts.maxWidth, opts.maxFps);
  const fps = spec.fps;
  const detector = new ShotDetector({ fps });
  const keeper = new FrameKeeper(fps);
  const hist = new Float32Array(HIST_BINS);
  const grid = new Float32Array(GRID_W * GRID_H);
  let thumb = new Float32Array(THUMB_W * THUMB_H);
  let prevThumb = new Float32Array(THUMB_W * THUMB_H);
  const meanHist = new Float64Array(HIST_BINS);
  const motionPerFrame: number[] = [];
  const lumaPerFrame: number[] = [];
  const overlay = new StaticOverlayDetector();
  let lumaSum = 0;
  let blackFrames = 0;
  const hashes: { index: number; hash: string }[] = [];
  let prevBytes: Buffer | undefined;
  let prevLuma = 0;
  // Candidates: 4 a second on short clips, 2 on longer ones.
  const sampleEvery = Math.max(1, Math.round(fps * (probe.durationSeconds > 0 && probe.durationSeconds < 8 ? 0.25 : 0.5)));
  const decoded = await decodeFrames(
    path,
    probe,
    spec,
    (f) => {
      // The fps filter repeats frames to fill gaps (an AVI with 68 real frames in 444 slots,
      // slow motion by repetition): a byte-identical frame has the previous frame's features.
      const bytes = Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength);
      let luma = prevLuma;
      if (prevBytes?.equals(bytes)) thumb.set(prevThumb);
      else {
        luma = frameFeatures(f, hist, grid, thumb);
        prevBytes ??= Buffer.alloc(bytes.length);
        bytes.copy(prevBytes);
      }
      prevLuma = luma;
      detector.push({ hist, grid, thumb, luma });
      for (let k = 0; k < HIST_BINS; k++) meanHist[k]! += hist[k]!;
      const motion = f.index > 0 ? Math.min(1, meanAbsDiff(prevThumb, thumb) / FULL_MOTION) : 0;
      motionPerFrame.push(motion);
      lumaSum += luma;
      lumaPerFrame.push(luma);
      // Every fourth frame is plenty for a still overlay (it lasts the whole clip) and quarters its cost.
      if (f.index % 4 === 0) overlay.push(f);
      if (luma < BLACK_LUMA) blackFrames++;
      if (f.index % sampleEvery === 0) {
        const usable = luma >= MIN_LUMA && luma <= MAX_LUMA && contrast(thumb) >= MIN_CONTRAST;
        if (usable) hashes.push({ index: f.index, hash: dHash(grid, thumb) });
        const frame: RgbFrame = { ...f, data: f.data.slice() };
        keeper.offer({ index: f.index, time: f.time, frame, hist: new Float32Array(hist), luma, sharpness: sharpness(f), motion, usable });
        keeper.settle(detector.settled(), detector.boundaries);
      }
      [prevThumb, thumb] = [thumb, prevThumb];
    },
    { ffmpegPath: opts.ffmpegPath, signal: opts.signal, onProgress: opts.onProgress },
  );
  const boundaries = detector.finish();
  const n = decoded.frames;
  const shotKeys = keeper.finish(boundaries, n);

  // A cut frame's change is the cut itself, not motion: give it its neighbour's value.
  for (const b of boundaries) if (b.kind === "cut" && b.frame > 0 && b.frame < n) motionPerFrame[b.frame] = motionPerFrame[b.frame - 1] ?? 0;
  const perStep = Math.max(1, Math.round(MOTION_STEP * fps));
  const motionCurve: { time: number; value: number }[] = [];
  for (let i = 0; i < n; i += perStep) {
    const slice = motionPerFrame.slice(i, i + perStep);
    motionCurve.push({ time: round3(i / fps), value: round3(slice.reduce((a, b) => a + b, 0) / slice.length) });
  }

  const starts = [0, ...boundaries.map((b) => b.frame)];
  const shots: Shot[] = starts.map((s, k) => ({ start: round3(s / fps), end: round3((starts[k + 1] ?? n) / fps), kind: k === 0 ? "start" : boundaries[k - 1]!.kind }));

  const toKeyframe = (c: Candidate, reason: Keyframe["reason"]): Keyframe => ({ time: c.time, reason, sharpness: c.sharpness, frame: c.frame });
  const keyframes: Keyframe[] = [...shotKeys.values()].map((c) => toKeyframe(c, "shot"));
  const nearFade = (index: number) => boundaries.some((b) => b.kind === "fade" && Math.abs(b.frame - index) < fps * 0.5);
  let peaks = 0;
  for (const p of keeper.peaks) {
    // Under 0.08 (about 3 luma levels a frame) nothing is really moving.
    if (peaks >= (opts.motionPeaks ?? 3) || p.motion < 0.08) break;
    if (nearFade(p.index) || keyframes.some((k) => Math.abs(k.time - p.time) < 1.5)) continue;
    keyframes.push(toKeyframe(p, "motion_peak"));
    peaks++;
  }
  keyframes.sort((a, b) => a.time - b.time);

  // Thumbnail: representative and sharp — close to the clip's average colours, in focus.
  const mean = new Float32Array(HIST_BINS);
  for (let k = 0; k < HIST_BINS; k++) mean[k] = meanHist[k]! / n;
  const pool = [...new Set([...shotKeys.values(), ...keeper.spread, ...keeper.peaks])];
  const maxSharp = Math.max(1, ...pool.map((c) => c.sharpness));
  const score = (c: Candidate) => (1 - histDistance(c.hist, mean)) * 0.6 + (c.sharpness / maxSharp) * 0.4;
  const best = pool.reduce<Candidate | undefined>((a, c) => (!a || score(c) > score(a) ? c : a), undefined) ?? keeper.fallback!;
  if (!keyframes.length) keyframes.push(toKeyframe(best, "thumbnail"));

  // Fingerprint: up to 32 evenly spread usable samples, none inside a fade.
  const fp = hashes.filter((h) => !nearFade(h.index));
  const stride = Math.max(1, Math.ceil(fp.length / 32));
  const fingerprint = fp.filter((_, i) => i % stride === 0).map((h) => h.hash);

  return {
    durationSeconds: round3(decoded.durationSeconds),
    framesDecoded: n,
    cuts: boundaries.map((b) => round3(b.frame / fps)),
    shots,
    motionCurve,
    keyframes,
    thumbnail: { time: best.time, score: pool.length ? round3(score(best)) : 0, frame: best.frame },
    fingerprint,
    meanLuma: Math.round(lumaSum / n),
    blackRatio: round3(blackFrames / n),
    blackSpans: spansWhere(lumaPerFrame, (l) => l < BLACK_LUMA, fps, MIN_SPAN_SECONDS),
    // The first frame has no predecessor (motion 0): it cannot start a freeze on its own.
    frozenSpans: spansWhere(motionPerFrame, (m, i) => i > 0 && m < FROZEN_MOTION, fps, MIN_SPAN_SECONDS),
    watermark: overlay.finish(),
    ...(decoded.error ? { decodeError: decoded.error } : {}),
    samples: keeper.spread.map((c) => toKeyframe(c, "sample")),
  };
}
