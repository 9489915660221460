/**
 * Burned-in watermarks and logos: a region that stays still, with sharp edges (text, a logo),
 * while the rest of the picture moves. Fed the same decoded frames as every other visual
 * analyser; per pixel it keeps the running luma sum and sum of squares (temporal variance) and
 * the mean gradient (edges). A still, edged region counts only when most of the frame moves:
 * in a locked-off shot everything is still and nothing can be told apart.
 */
import type { RgbFrame } from "../types.ts";

/** Per-pixel luma standard deviation (levels) under which a pixel is still. */
const STILL_STD = 5;
/** Mean horizontal + vertical luma gradient (levels) over which a pixel is an edge. */
const EDGE = 24;
/** Per-pixel deviation over which a pixel moves, and the share of the frame that must move. */
const MOVING_STD = 12;
const MOVING_SHARE = 0.35;
/** Cells of CELL×CELL pixels; a cell is part of a mark when this share of its pixels are still edges. */
const CELL = 8;
const CELL_SHARE = 0.12;
/** A mark is small: at most this share of the frame's cells. */
const MAX_AREA = 0.12;
const MIN_FRAMES = 8;
const MIN_CELLS = 4;
/** Share of a mark's pixels that are still edges. */
const MIN_DENSITY = 0.35;
/** A mark spans at most this share of the frame's width or height. */
const MAX_SIDE = 0.6;

export interface WatermarkFinding {
  /** Normalised [x, y, w, h] of the still region. */
  box: [number, number, number, number];
  /** Share of the frame that moved (why the still region stands out). */
  movingShare: number;
  cells: number;
}

export class StaticOverlayDetector {
  private sum?: Float32Array;
  private sumSq?: Float32Array;
  private edge?: Float32Array;
  private luma?: Float32Array;
  private w = 0;
  private h = 0;
  private n = 0;

  push(f: RgbFrame): void {
    if (!this.sum) {
      this.w = f.width;
      this.h = f.height;
      const size = f.width * f.height;
      this.sum = new Float32Array(size);
      this.sumSq = new Float32Array(size);
      this.edge = new Float32Array(size);
      this.luma = new Float32Array(size);
    }
    if (f.width !== this.w || f.height !== this.h) return;
    const { data } = f;
    const l = this.luma!;
    for (let i = 0, p = 0; i < l.length; i++, p += 3) l[i] = 0.299 * data[p]! + 0.587 * data[p + 1]! + 0.114 * data[p + 2]!;
    const sum = this.sum!;
    const sq = this.sumSq!;
    const edge = this.edge!;
    const w = this.w;
    for (let y = 0; y < this.h - 1; y++) {
      const row = y * w;
      for (let x = 0; x < w - 1; x++) {
        const i = row + x;
        const v = l[i]!;
        sum[i]! += v;
        sq[i]! += v * v;
        edge[i]! += Math.abs(l[i + 1]! - v) + Math.abs(l[i + w]! - v);
      }
    }
    this.n++;
  }

  finish(): WatermarkFinding | null {
    if (this.n < MIN_FRAMES || !this.sum) return null;
    const { w, h, n } = this;
    const cw = Math.floor((w - 1) / CELL);
    const ch = Math.floor((h - 1) / CELL);
    const still = new Uint16Array(cw * ch);
    let moving = 0;
    let counted = 0;
    for (let y = 0; y < ch * CELL; y++)
      for (let x = 0; x < cw * CELL; x++) {
        const i = y * w + x;
        const mean = this.sum[i]! / n;
        const std = Math.sqrt(Math.max(0, this.sumSq![i]! / n - mean * mean));
        counted++;
        if (std > MOVING_STD) moving++;
        else if (std < STILL_STD && this.edge![i]! / n > EDGE) still[Math.floor(y / CELL) * cw + Math.floor(x / CELL)]!++;
      }
    const movingShare = moving / counted;
    if (movingShare < MOVING_SHARE) return null;
    const hot = Array.from(still, (c) => c >= CELL * CELL * CELL_SHARE);
    // Connected groups of marked cells (4-neighbours); the largest small one is the mark.
    const seen = new Uint8Array(hot.length);
    let best: { x0: number; y0: number; x1: number; y1: number; cells: number } | null = null;
    for (let start = 0; start < hot.length; start++) {
      if (!hot[start] || seen[start]) continue;
      const stack = [start];
      seen[start] = 1;
      let cells = 0;
      let edged = 0;
      let [x0, y0, x1, y1] = [cw, ch, 0, 0];
      while (stack.length) {
        const c = stack.pop()!;
        const cx = c % cw;
        const cy = Math.floor(c / cw);
        cells++;
        edged += still[c]!;
        x0 = Math.min(x0, cx);
        y0 = Math.min(y0, cy);
        x1 = Math.max(x1, cx);
        y1 = Math.max(y1, cy);
        for (const [dx, dy] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
          const nx = cx + dx;
          const ny = cy + dy;
          if (nx < 0 || ny < 0 || nx >= cw || ny >= ch) continue;
          const ni = ny * cw + nx;
          if (hot[ni] && !seen[ni]) {
            seen[ni] = 1;
            stack.push(ni);
          }
        }
      }
      const bw = (x1 - x0 + 1) / cw;
      const bh = (y1 - y0 + 1) / ch;
      const density = edged / (cells * CELL * CELL);
      // Text and logos are dense with still edges; a frame's border line or a static prop is
      // sparse or spans the frame (measured on the corpus: marks 0.43–0.56, others ≤ 0.40).
      const mark = cells >= MIN_CELLS && cells <= MAX_AREA * cw * ch && density >= MIN_DENSITY && Math.max(bw, bh) <= MAX_SIDE;
      if (mark && (!best || cells > best.cells)) best = { x0, y0, x1, y1, cells };
    }
    if (!best) return null;
    const r = (v: number) => Math.round(v * 1000) / 1000;
    return {
      box: [r((best.x0 * CELL) / w), r((best.y0 * CELL) / h), r(((best.x1 - best.x0 + 1) * CELL) / w), r(((best.y1 - best.y0 + 1) * CELL) / h)],
      movingShare: r(movingShare),
      cells: best.cells,
    };
  }
}
