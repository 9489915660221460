/**
 * Shot boundaries from per-frame features, in the spirit of PySceneDetect's AdaptiveDetector:
 * a frame is a hard cut when its change from the previous frame stands well above the average
 * change of its neighbours (so steady fast motion does not cut), plus:
 * - duplicated frames (slow-motion made by repeating frames, cartoons drawn "on twos") are left
 *   out of that average, or every real change would stand out against the zeros;
 * - flashes (lightning, camera flashes) and exposure jumps are not cuts: a jump whose picture
 *   comes back within a few frames, or that brightens everything while keeping the layout;
 * - fades through black or white: a run of dark (bright) frames between two well-lit stretches
 *   is one gradual transition, placed in the middle of the run;
 * - dissolves: the frame half-way between two frames 2h apart is their cross-fade, which camera
 *   motion does not give (gradual.ts).
 * Works on a stream: push() per frame, then finish().
 */
import { blendRatio, changedShare, directionality, frameChange } from "./change.ts";
import { chromaDistance, correlation } from "./features.ts";

export interface ShotOptions {
  fps: number;
  /** Ratio a frame's change must reach against its neighbours' average (PySceneDetect's default is 3.0). */
  adaptiveThreshold?: number;
  /** Minimum absolute change for a hard cut (0..1). */
  minContent?: number;
  /** Minimum shot length, seconds. */
  minShotSeconds?: number;
}

/** What the detector needs of a frame: colour histogram, 9×8 luma grid, 32×18 luma thumbnail, mean luma. */
export interface FrameFeatures {
  hist: Float32Array;
  grid: Float32Array;
  thumb: Float32Array;
  luma: number;
}

export interface Boundary {
  /** Index of the first frame of the new shot (for gradual ones, the middle of the transition). */
  frame: number;
  kind: "cut" | "fade";
}

interface FrameInfo extends FrameFeatures {
  /** Change from the previous frame, 0..1. */
  d: number;
}

const MIN_CHANGED_SHARE = 0.35;
/** Hue/saturation distance that is a cut even when the layout stays (two flat colour cards). */
const COLOUR_CUT = 0.75;

const ILLUMINATION_CHANGE = 0.95;
/** A frame changing less than this is a repeat of the previous one (encoder noise only). */
const DUPLICATE = 0.006;
/** Frames searched on each side for the neighbours' average (two non-duplicates, PySceneDetect's window). */
const NEIGHBOUR_SEARCH = 8;
const NEIGHBOURS = 2;
/** Mean luma (0..255) below (above) which a frame is black (white) for fades. */
const BLACK_LUMA = 18;
const WHITE_LUMA = 235;
/** Median luma the second on each side of a fade must reach: night footage dipping to black is no fade. */
const LIT_LUMA = 40;
/** Dissolve tests: least change between the two sides, most blend/splice error (measured on truth/synthetic). */
const GRADUAL_MIN_CHANGE = 0.3;
const GRADUAL_MAX_RATIO = 0.22;
const GRADUAL_MAX_CORRELATION = 0.5;

const dark = (l: number) => l < BLACK_LUMA || l > WHITE_LUMA;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1] ?? 0;

export class ShotDetector {
  private readonly frames: FrameInfo[] = [];
  private offset = 0;
  /** Boundaries found so far (unordered until finish()). */
  readonly boundaries: Boundary[] = [];
  private readonly opt: Required<ShotOptions>;
  private hardDone = 0;
  private gradualDone = 0;
  private run: { start: number; before: FrameInfo; beforeLuma: number; end: number; extreme: number } | null = null;
  private pending: { c: number; r: number } | null = null;
  private readonly half: number;
  private readonly flash: number;
  private readonly lit: number;

  constructor(opts: ShotOptions) {
    this.opt = { adaptiveThreshold: 3.0, minContent: 0.2, minShotSeconds: 0.6, ...opts };
    // Dissolves up to ~1 s long (the corpus's are 13–30 frames) fit inside the ±0.6 s sides.
    this.half = Math.max(3, Math.round(0.6 * this.opt.fps));
    // A flash lasts a few frames: lightning strikes in the corpus stay under 0.25 s.
    this.flash = Math.max(2, Math.round(0.25 * this.opt.fps));
    this.lit = Math.max(2, Math.round(this.opt.fps));
  }

  /** Adds the next frame's features (copied). */
  push(f: FrameFeatures): void {
    const prev = this.frames.at(-1);
    const cur: FrameInfo = { hist: new Float32Array(f.hist), grid: new Float32Array(f.grid), thumb: new Float32Array(f.thumb), luma: f.luma, d: 0 };
    cur.d = prev ? frameChange(prev, cur) : 0;
    this.frames.push(cur);
    const last = this.offset + this.frames.length - 1;
    this.trackRun(last);
    const hardLook = Math.max(NEIGHBOUR_SEARCH, this.flash);
    while (this.hardDone <= last - hardLook) this.evaluateCut(this.hardDone++);
    while (this.gradualDone <= last - this.half - hardLook - 1) this.evaluateGradual(this.gradualDone++);
    this.release();
  }

  /** Judges the remaining frames; returns all boundaries in frame order. */
  finish(): Boundary[] {
    const last = this.offset + this.frames.length - 1;
    while (this.hardDone <= last) this.evaluateCut(this.hardDone++);
    while (this.gradualDone <= last - this.half) this.evaluateGradual(this.gradualDone++);
    this.commitPending();
    return [...this.boundaries].sort((a, b) => a.frame - b.frame);
  }

  /** Frames before this index will get no new boundary (boundaries before it are final). */
  settled(): number {
    return Math.min(this.hardDone, this.gradualDone - this.half - 1, this.run ? this.run.start : Infinity);
  }

  private frame(i: number): FrameInfo | undefined {
    return i >= this.offset ? this.frames[i - this.offset] : undefined;
  }

  /** Drops frames nobody will look at again (memory stays flat on long clips). */
  private release(): void {
    const keepFrom = Math.min(this.gradualDone - this.half - 2, this.hardDone - NEIGHBOUR_SEARCH - 2, (this.run?.end ?? Infinity) - this.lit - 2);
    const drop = keepFrom - this.offset - this.lit;
    if (drop > 64) {
      this.frames.splice(0, drop);
      this.offset += drop;
    }
  }

  private minFrames(): number {
    return Math.round(this.opt.minShotSeconds * this.opt.fps);
  }

  private addBoundary(frame: number, kind: Boundary["kind"]): boolean {
    if (this.boundaries.some((b) => Math.abs(b.frame - frame) < this.minFrames())) return false;
    this.boundaries.push({ frame, kind });
    return true;
  }

  /** Follows runs of black (white) frames; a run framed by two lit stretches is a fade. */
  private trackRun(at: number): void {
    const f = this.frame(at)!;
    const run = this.run;
    if (!run) {
      if (!dark(f.luma)) return;
      const from = Math.max(this.offset, at - this.lit);
      const lumas: number[] = [];
      for (let k = from; k < at; k++) lumas.push(this.frame(k)!.luma);
      // A clip that starts dark opens with a fade-in, not a transition between shots.
      if (at === 0 || lumas.length === 0) this.run = { start: at, before: f, beforeLuma: -1, end: -1, extreme: f.luma };
      else this.run = { start: at, before: this.frame(from)!, beforeLuma: median(lumas), end: -1, extreme: f.luma };
      return;
    }
    if (run.end < 0) {
      if (dark(f.luma)) {
        run.extreme = f.luma < BLACK_LUMA ? Math.min(run.extreme, f.luma) : Math.max(run.extreme, f.luma);
        return;
      }
      run.end = at;
    }
    if (at < run.end + this.lit - 1 && dark(f.luma) === false) return;
    // The second after the run is in (or the picture went dark again): judge the run.
    this.run = null;
    const lumas: number[] = [];
    for (let k = run.end; k <= at; k++) lumas.push(this.frame(k)!.luma);
    const afterLuma = median(lumas);
    const black = run.extreme < BLACK_LUMA;
    const lit = (l: number) => (black ? l >= LIT_LUMA : l <= 255 - LIT_LUMA);
    if (run.beforeLuma < 0 || !lit(run.beforeLuma) || !lit(afterLuma)) return;
    // Through true black (white) any fade is a transition; through a dim frame only when the
    // picture on the far side is a different one.
    const deep = black ? run.extreme < 10 : run.extreme > 245;
    if (!deep && frameChange(run.before, f) < this.opt.minContent) return;
    this.addBoundary(Math.round((run.start + run.end - 1) / 2), "fade");
  }

  /** Mean change of the nearest non-duplicate frames on each side of frame i. */
  private neighbourAverage(i: number): number {
    let sum = 0;
    let n = 0;
    for (const dir of [-1, 1]) {
      let found = 0;
      for (let k = i + dir; Math.abs(k - i) <= NEIGHBOUR_SEARCH && found < NEIGHBOURS; k += dir) {
        const f = k >= 1 ? this.frame(k) : undefined;
        if (!f || f.d < DUPLICATE) continue;
        sum += f.d;
        n++;
        found++;
      }
    }
    return n ? sum / n : 0;
  }

  private evaluateCut(i: number): void {
    if (i === 0) return;
    const cur = this.frame(i)!;
    const prev = this.frame(i - 1)!;
    const { adaptiveThreshold, minContent } = this.opt;
    if (cur.d < minContent || cur.d / Math.max(this.neighbourAverage(i), 0.01) < adaptiveThreshold) return;
    // Into or out of black/white: the run logic decides whether that is a fade.
    if (dark(cur.luma) || dark(prev.luma)) return;
    const chroma = chromaDistance(prev.hist, cur.hist);
    if (changedShare(prev.thumb, cur.thumb) < MIN_CHANGED_SHARE && chroma < COLOUR_CUT) return;
    // Lit differently, same picture: one-way luma change, same layout, same colours (a cut
    // between two flat colour cards also changes one way, but its colours change).
    if (directionality(prev.grid, cur.grid) >= ILLUMINATION_CHANGE && correlation(prev.grid, cur.grid) >= 0.5 && chroma < COLOUR_CUT) return;
    if (this.isFlash(i, prev)) return;
    this.addBoundary(i, "cut");
  }

  /** True when a frame within the flash span looks like the frame before the jump again. */
  private isFlash(i: number, before: FrameInfo): boolean {
    for (let k = i + 1; k <= i + this.flash; k++) {
      const f = this.frame(k);
      if (!f) break;
      if (frameChange(before, f) < this.opt.minContent * 0.6) return true;
    }
    return false;
  }

  private evaluateGradual(c: number): void {
    const a = this.frame(c - this.half);
    const b = this.frame(c + this.half);
    const m = this.frame(c);
    let r = Infinity;
    if (a && b && m && !this.boundaries.some((x) => x.frame >= c - this.half && x.frame <= c + this.half)) {
      const total = frameChange(a, b);
      let maxD = 0;
      let anyDark = false;
      for (let k = c - this.half + 1; k <= c + this.half; k++) {
        const f = this.frame(k)!;
        maxD = Math.max(maxD, f.d);
        anyDark ||= dark(f.luma);
      }
      // The change must be spread over frames (one big step is a cut, or a flash the cut test refused).
      // …and the two sides must be different pictures, not one picture lit differently (a
      // fade-in, auto-exposure, lightning): their layouts barely correlate.
      if (total >= GRADUAL_MIN_CHANGE && maxD <= total * 0.5 && !anyDark && correlation(a.thumb, b.thumb) < GRADUAL_MAX_CORRELATION)
        r = blendRatio(a.thumb, m.thumb, b.thumb);
    }
    if (r <= GRADUAL_MAX_RATIO) {
      if (!this.pending || r < this.pending.r) this.pending = { c, r };
    }
    if (this.pending && c - this.pending.c > this.half) this.commitPending();
  }

  private commitPending(): void {
    if (this.pending) this.addBoundary(this.pending.c, "fade");
    this.pending = null;
  }
}
