/**
 * A cheap test for "this frame probably shows text", run before OCR (which costs 0.2–1 s a
 * frame). Text strokes are thin: along a row they give a strong luma edge followed, a few
 * pixels later, by the opposite edge. Text lines put many such strokes side by side, so we
 * count cells dense in strokes that have a dense neighbour on the same row band.
 */
import type { RgbFrame } from "./types.ts";

/** Luma step (0..255) that counts as a stroke edge: printed and burned-in text is high contrast. */
const EDGE = 40;
/** Widest stroke in pixels at ~320 px analysis width (captions, UI text, slates). */
const MAX_STROKE = 5;
const CELL = 16;
/** Strokes per 16×16 cell that mark it as text-like (natural texture rarely alternates this fast). */
const CELL_STROKES = 10;

/** Share of 16×16 cells (0..1) that look like part of a text line. */
export function textLikelihood(frame: RgbFrame): number {
  const { width: w, height: h, data } = frame;
  const cols = Math.floor(w / CELL);
  const rows = Math.floor(h / CELL);
  if (cols < 2 || rows < 1) return 0;
  const counts = new Uint16Array(cols * rows);
  const luma = new Float32Array(w);
  for (let y = 0; y < rows * CELL; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      luma[x] = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
    }
    let lastX = -100;
    let lastSign = 0;
    for (let x = 1; x < cols * CELL; x++) {
      const d = luma[x]! - luma[x - 1]!;
      if (Math.abs(d) < EDGE) continue;
      const sign = d > 0 ? 1 : -1;
      if (lastSign === -sign && x - lastX <= MAX_STROKE) {
        counts[Math.floor(y / CELL) * cols + Math.floor(x / CELL)]!++;
        lastSign = 0;
      } else {
        lastSign = sign;
        lastX = x;
      }
    }
  }
  // Text stands out from its frame; film grain and foliage raise every cell alike, so the bar
  // rises with the frame's typical cell (the median).
  const sorted = [...counts].sort((a, b) => a - b);
  const bar = Math.max(CELL_STROKES, 4 * sorted[Math.floor(sorted.length / 2)]!);
  let textCells = 0;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const k = r * cols + c;
      if (counts[k]! < bar) continue;
      const left = c > 0 && counts[k - 1]! >= bar;
      const right = c < cols - 1 && counts[k + 1]! >= bar;
      if (left || right) textCells++;
    }
  return textCells / (cols * rows);
}
