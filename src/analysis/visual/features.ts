/** Per-frame features computed on packed RGB24 frames, allocation-free in the hot path. */
import type { RgbFrame } from "../types.ts";

/** Hue 16 × saturation 4 × value 4 bins: coarse enough to ignore noise, fine enough to see a new shot. */
export const HIST_BINS = 16 * 4 * 4;
/** Luma is sampled on a 2×2 grid: the thumbnails barely change, work drops four-fold. */
const STEP = 2;
/**
 * Colour is sampled on a 4×4 grid (3,600 pixels of a 320×180 frame): the soft HSV binning is
 * the costliest per-pixel work, and the corpus cut scores did not move with the coarser grid.
 */
const HIST_STEP = 4;

/**
 * One pass over the frame's sampled pixels: fills `out` with the normalised HSV histogram,
 * `grid` (GRID_W×GRID_H) and `thumb` (THUMB_W×THUMB_H) with box-averaged luma; returns mean luma.
 * Soft binning (each pixel shared between the two nearest bins on every axis): with hard bins a
 * slow brightening of a sepia film pushes the whole frame across a value boundary in one frame
 * and reads as a cut (Popeye frame 864). Grey pixels have no meaningful hue (it flips with
 * noise in black-and-white film), so their share in the lowest saturation bin goes to hue 0;
 * near-black pixels count as grey.
 */
export function frameFeatures(f: RgbFrame, out: Float32Array, grid: Float32Array, thumb: Float32Array): number {
  out.fill(0);
  grid.fill(0);
  thumb.fill(0);
  const { width, height, data } = f;
  const lay = layoutFor(width, height);
  let n = 0;
  let hn = 0;
  let lumaSum = 0;
  for (let y = 0; y < height; y += STEP) {
    let i = y * width * 3;
    const gRow = lay.gy[y]! * GRID_W;
    const tRow = lay.ty[y]! * THUMB_W;
    const colourRow = y % HIST_STEP === 0;
    for (let x = 0; x < width; x += STEP, i += 3 * STEP) {
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      const l = 0.299 * r + 0.587 * g + 0.114 * b;
      lumaSum += l;
      grid[gRow + lay.gx[x]!]! += l;
      thumb[tRow + lay.tx[x]!]! += l;
      n++;
      if (!colourRow || x % HIST_STEP !== 0) continue;
      hn++;
      const max = r > g ? (r > b ? r : b) : g > b ? g : b;
      const min = r < g ? (r < b ? r : b) : g < b ? g : b;
      const d = max - min;
      let h = 0;
      if (d > 0) {
        if (max === r) h = ((g - b) / d + 6) % 6;
        else if (max === g) h = (b - r) / d + 2;
        else h = (r - g) / d + 4;
      }
      // Bin centres at k + 0.5: position p falls between bins floor(p − 0.5) and the next.
      const hp = (h / 6) * 16 - 0.5;
      const h0 = Math.floor(hp);
      const hf = hp - h0;
      const ha = (h0 + 16) % 16;
      const hb = (h0 + 17) % 16;
      // Saturation of near-black pixels is noise (a 2-level difference over a max of 8 is 25%).
      const sp = Math.min(3, Math.max(0, (max < 32 ? 0 : (d / max) * 4) - 0.5));
      const s0 = Math.min(2, Math.floor(sp));
      const sf = sp - s0;
      const vp = Math.min(3, Math.max(0, max / 64 - 0.5));
      const v0 = Math.min(2, Math.floor(vp));
      const vf = vp - v0;
      for (let ds = 0; ds < 2; ds++) {
        const sw = ds ? sf : 1 - sf;
        if (sw === 0) continue;
        const sb = s0 + ds;
        const grey = sb === 0;
        for (let dh = 0; dh < 2; dh++) {
          const hw = grey ? (dh ? 0 : 1) : dh ? hf : 1 - hf;
          if (hw === 0) continue;
          const base = ((grey ? 0 : dh ? hb : ha) * 4 + sb) * 4 + v0;
          const w = sw * hw;
          out[base]! += w * (1 - vf);
          out[base + 1]! += w * vf;
        }
      }
    }
  }
  for (let k = 0; k < HIST_BINS; k++) out[k]! /= hn;
  for (let k = 0; k < grid.length; k++) grid[k]! /= lay.gCount[k]! || 1;
  for (let k = 0; k < thumb.length; k++) thumb[k]! /= lay.tCount[k]! || 1;
  return lumaSum / n;
}

/** Luma grid (for cuts and flashes) and luma thumbnail (for motion and dissolves) sizes. */
export const GRID_W = 9;
export const GRID_H = 8;
export const THUMB_W = 32;
export const THUMB_H = 18;

interface Layout {
  key: string;
  gx: Uint8Array;
  gy: Uint8Array;
  tx: Uint8Array;
  ty: Uint8Array;
  gCount: Float32Array;
  tCount: Float32Array;
}
let cached: Layout | undefined;

/** Which grid and thumbnail cell each sampled pixel falls in (computed once per frame size). */
function layoutFor(width: number, height: number): Layout {
  const key = `${width}x${height}`;
  if (cached?.key === key) return cached;
  const cell = (v: number, size: number, cells: number) => Math.min(cells - 1, Math.floor((v * cells) / size));
  const lay: Layout = { key, gx: new Uint8Array(width), gy: new Uint8Array(height), tx: new Uint8Array(width), ty: new Uint8Array(height), gCount: new Float32Array(GRID_W * GRID_H), tCount: new Float32Array(THUMB_W * THUMB_H) };
  for (let x = 0; x < width; x++) {
    lay.gx[x] = cell(x, width, GRID_W);
    lay.tx[x] = cell(x, width, THUMB_W);
  }
  for (let y = 0; y < height; y++) {
    lay.gy[y] = cell(y, height, GRID_H);
    lay.ty[y] = cell(y, height, THUMB_H);
  }
  for (let y = 0; y < height; y += STEP)
    for (let x = 0; x < width; x += STEP) {
      lay.gCount[lay.gy[y]! * GRID_W + lay.gx[x]!]!++;
      lay.tCount[lay.ty[y]! * THUMB_W + lay.tx[x]!]!++;
    }
  cached = lay;
  return lay;
}

/** Pearson correlation of two equally long vectors; 0 when either is flat. */
export function correlation(a: Float32Array, b: Float32Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let k = 0; k < n; k++) {
    ma += a[k]!;
    mb += b[k]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < n; k++) {
    const x = a[k]! - ma;
    const y = b[k]! - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return saa > 1e-6 && sbb > 1e-6 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** 1 − histogram intersection: 0 for identical colour distributions, 1 for disjoint ones. */
export function histDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < HIST_BINS; k++) s += Math.min(a[k]!, b[k]!);
  return 1 - s;
}

/** Mean absolute difference of two luma thumbnails (0..255). */
export function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += Math.abs(a[k]! - b[k]!);
  return s / a.length;
}

/** Variance of the 4-neighbour Laplacian of luma: the usual focus measure (higher = sharper). */
export function sharpness(f: RgbFrame): number {
  const { width, height, data } = f;
  const lum = (x: number, y: number) => {
    const i = (y * width + x) * 3;
    return 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  };
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y += 2)
    for (let x = 1; x < width - 1; x += 2) {
      const l = 4 * lum(x, y) - lum(x - 1, y) - lum(x + 1, y) - lum(x, y - 1) - lum(x, y + 1);
      sum += l;
      sq += l * l;
      n++;
    }
  const mean = sum / n;
  return sq / n - mean * mean;
}

/**
 * Frame fingerprint from frameFeatures' grid and thumbnail: a 64-bit difference hash (9×8 luma,
 * is each cell brighter than its right neighbour?) as 16 hex digits, then the mean luma of the four quadrants as 4 hex digits. The
 * dHash alone confuses pictures that are mostly flat (a dark night street and a grey UI):
 * their gradients are noise. The quadrant levels tell those apart and survive re-encoding.
 */
export function dHash(grid: Float32Array, thumb: Float32Array): string {
  let hex = "";
  for (let row = 0; row < GRID_H; row++) {
    let byte = 0;
    for (let col = 0; col < 8; col++) byte = (byte << 1) | (grid[row * GRID_W + col]! > grid[row * GRID_W + col + 1]! ? 1 : 0);
    hex += byte.toString(16).padStart(2, "0");
  }
  const q = [0, 0, 0, 0];
  for (let y = 0; y < THUMB_H; y++) for (let x = 0; x < THUMB_W; x++) q[(y < THUMB_H / 2 ? 0 : 2) + (x < THUMB_W / 2 ? 0 : 1)]! += thumb[y * THUMB_W + x]!;
  for (const v of q) hex += Math.min(15, Math.floor(v / ((THUMB_W * THUMB_H) / 4) / 16)).toString(16);
  return hex;
}

/** Number of differing bits between two 64-bit hex hashes. */
export function hammingDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 16; i += 2) {
    let x = Number.parseInt(a.slice(i, i + 2), 16) ^ Number.parseInt(b.slice(i, i + 2), 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

/** Two frames whose dHashes differ by at most this many bits show the same picture (re-encode, resize). */
export const HASH_MATCH_BITS = 10;

/** Same picture: dHash within HASH_MATCH_BITS and every quadrant's luma level within 2 of 16. */
export function framesMatch(a: string, b: string): boolean {
  if (hammingDistance(a, b) > HASH_MATCH_BITS) return false;
  for (let i = 16; i < Math.min(a.length, b.length); i++) if (Math.abs(Number.parseInt(a[i]!, 16) - Number.parseInt(b[i]!, 16)) > 2) return false;
  return true;
}

/**
 * Fingerprint similarity 0..1: the share of one clip's frame hashes that find a match in the
 * other, taken in the direction that matches best — so a trimmed copy (a subset of frames)
 * still scores high against its source.
 */
export function fingerprintSimilarity(a: string[], b: string[]): number {
  if (!a.length || !b.length) return 0;
  const share = (x: string[], y: string[]) => x.filter((h) => y.some((g) => framesMatch(h, g))).length / x.length;
  return Math.max(share(a, b), share(b, a));
}

/**
 * Histogram distance with brightness folded away (hue × saturation only): a lightning flash or
 * an exposure jump changes value, not the colours in the scene.
 */
export function chromaDistance(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let hs = 0; hs < 64; hs++) {
    let x = 0;
    let y = 0;
    for (let v = 0; v < 4; v++) {
      x += a[hs * 4 + v]!;
      y += b[hs * 4 + v]!;
    }
    s += Math.min(x, y);
  }
  return 1 - s;
}

/** Clips at or above this fingerprint similarity are near-duplicates (linked at index time, never both in one production); the corpus's overlay copy of the arm-wrestling clip scores 0.79. */
export const NEAR_DUPLICATE_SIMILARITY = 0.75;
