/** What the production steps need from the rest of the system, behind one narrow interface. */
import type { ProductionContext } from "../machines/production.ts";
import type { WindowMeasure } from "./qa.ts";
import type { FinishOutput, RenderOutput } from "./steps-types.ts";
import type { Timeline } from "./types.ts";

export interface ThemeHit {
  clip_id: string;
  score: number;
  start: number;
  end: number;
  why: string[];
}

export interface ProductionServices {
  /** Clips matching a theme, best first; `widen` > 0 asks for looser matching after a QA failure. */
  search(theme: string, opts: { limit: number; widen: number }): Promise<ThemeHit[]>;
  fingerprintSimilarity(a: string[], b: string[]): number;
  /** Black and frozen stretches inside each entry's trimmed source window. */
  measureWindows(tl: Timeline, signal?: AbortSignal): Promise<WindowMeasure[]>;
  render(tl: Timeline, dir: string, signal: AbortSignal | undefined, onProgress: (percent: number) => void): Promise<RenderOutput>;
  /** A fast low-resolution proxy of the cut for review (360p, fastest preset, no loudness pass); returns its path. */
  preview?(tl: Timeline, dir: string, signal?: AbortSignal): Promise<string>;
  /** Captions, timeline exports and thumbnails next to the video. */
  finish(ctx: ProductionContext, dir: string, signal?: AbortSignal): Promise<FinishOutput>;
}
