/**
 * Which sampled frames the visual pass keeps in memory while it streams: per shot the few
 * sharpest well-exposed ones (one once the shot is over), the strongest motion, an evenly
 * spread set (for the fingerprint's neighbours, object and pose models), and one fallback for
 * clips with no usable frame. Everything else is dropped as soon as the shot detector has
 * settled the boundaries around it, so memory follows the number of shots, not the duration.
 */
import type { RgbFrame } from "../types.ts";
import type { Boundary } from "./shots.ts";

export interface Candidate {
  index: number;
  time: number;
  frame: RgbFrame;
  hist: Float32Array;
  luma: number;
  sharpness: number;
  motion: number;
  /** Well exposed and not flat (black, white, a blank card). */
  usable: boolean;
}

/** Samples per shot kept until the shot ends (then one). */
const PER_OPEN_SHOT = 4;
const PEAKS = 8;

export class FrameKeeper {
  private pending: Candidate[] = [];
  /** Per shot index: its candidates (best first) — one once the shot is closed. */
  readonly shots = new Map<number, Candidate[]>();
  private closedUpTo = 0;
  readonly spread: Candidate[] = [];
  private stride = 1;
  private usableSeen = 0;
  readonly peaks: Candidate[] = [];
  fallback: Candidate | undefined;

  constructor(
    private readonly fps: number,
    private readonly spreadTarget = 24,
  ) {}

  /** Adds a sample (its frame already copied); it stays pending until settle() passes it. */
  offer(c: Candidate): void {
    this.pending.push(c);
  }

  /** Files every pending sample before `settled` (boundaries before it are final). */
  settle(settled: number, found: readonly Boundary[]): void {
    const boundaries = [...found].sort((a, b) => a.frame - b.frame);
    let k = 0;
    for (; k < this.pending.length && this.pending[k]!.index < settled; k++) this.file(this.pending[k]!, boundaries);
    if (k) this.pending = this.pending.slice(k);
    // Shots that ended before `settled` can be reduced to their keyframe.
    let open = 0;
    for (const b of boundaries) if (b.frame <= settled) open++;
    for (let s = this.closedUpTo; s < open; s++) this.closeShot(s, boundaries);
    this.closedUpTo = Math.max(this.closedUpTo, open);
  }

  /** Closes every shot (end of the clip); returns per shot its keyframe, if it has a usable one. */
  finish(boundaries: readonly Boundary[], frames: number): Map<number, Candidate> {
    this.settle(Infinity, boundaries);
    for (let s = this.closedUpTo; s <= boundaries.length; s++) this.closeShot(s, boundaries, frames);
    const out = new Map<number, Candidate>();
    for (const [s, list] of this.shots) if (list[0]) out.set(s, list[0]);
    return out;
  }

  private file(c: Candidate, boundaries: Boundary[]): void {
    if (!c.usable) {
      // Brightest, sharpest unusable frame: the thumbnail of a clip that is all dark or flat.
      if (!this.fallback || c.luma + c.sharpness / 100 > this.fallback.luma + this.fallback.sharpness / 100) this.fallback = c;
      return;
    }
    const shot = boundaries.filter((b) => b.frame <= c.index).length;
    const list = this.shots.get(shot) ?? [];
    list.push(c);
    list.sort((a, b) => b.sharpness - a.sharpness);
    if (list.length > PER_OPEN_SHOT) list.length = PER_OPEN_SHOT;
    this.shots.set(shot, list);
    if (this.usableSeen++ % this.stride === 0) {
      this.spread.push(c);
      if (this.spread.length >= 2 * this.spreadTarget) {
        // Thin to every other one and halve the rate: the set stays evenly spread, and bounded.
        const kept = this.spread.filter((_, i) => i % 2 === 0);
        this.spread.length = 0;
        this.spread.push(...kept);
        this.stride *= 2;
      }
    }
    this.peaks.push(c);
    this.peaks.sort((a, b) => b.motion - a.motion);
    if (this.peaks.length > PEAKS) this.peaks.length = PEAKS;
  }

  /**
   * Picks a shot's keyframe: the sharpest candidate away from its edges (the first and last 15%,
   * where fades and motion blur sit) and at least half a second from a gradual transition.
   */
  private closeShot(s: number, boundaries: readonly Boundary[], frames = Infinity): void {
    const list = this.shots.get(s);
    if (!list || list.length <= 1) return;
    const start = s === 0 ? 0 : boundaries[s - 1]!.frame;
    const end = boundaries[s]?.frame ?? frames;
    const margin = Math.max((end - start) * 0.15, 0);
    const nearFade = (c: Candidate) => boundaries.some((b) => b.kind === "fade" && Math.abs(b.frame - c.index) < this.fps * 0.5);
    const inner = list.filter((c) => c.index >= start + margin && c.index <= end - margin && !nearFade(c));
    this.shots.set(s, [inner[0] ?? list[0]!]);
  }
}
