/**
 * Pure measures of change between frames, on the features the shot detector keeps: colour
 * histograms, a 9×8 luma grid and a 32×18 luma thumbnail.
 */
import { histDistance } from "./features.ts";

/**
 * Change between two frames, 0..1: colour histogram distance and the mean change of a coarse
 * luma grid, whichever says more. Histograms alone miss cuts between two grey shots (1920s
 * cartoons); the grid alone reacts to every pan.
 */
export function frameChange(a: { hist: Float32Array; grid: Float32Array }, b: { hist: Float32Array; grid: Float32Array }): number {
  let g = 0;
  for (let k = 0; k < a.grid.length; k++) g += Math.abs(a.grid[k]! - b.grid[k]!);
  return Math.max(histDistance(a.hist, b.hist), Math.min(1, g / a.grid.length / 60));
}

/**
 * Share of a change that goes one way (all brighter or all darker), 0..1, on the luma grid.
 * Lightning and exposure jumps brighten or darken the whole picture; a cut brightens some
 * regions and darkens others. Measured on the corpus: true cuts ≤ 0.89, the lightning clip's
 * flashes ≥ 0.96 (truth/real_clip_cuts.json).
 */
export function directionality(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  let abs = 0;
  for (let k = 0; k < a.length; k++) {
    const d = b[k]! - a[k]!;
    sum += d;
    abs += Math.abs(d);
  }
  return abs > 0 ? Math.abs(sum) / abs : 0;
}

/**
 * Share of thumbnail cells whose luma moved by more than 20 levels, ignoring cells black in
 * both frames (letterbox and pillarbox bars). A cut renews most of the picture (≥ 0.44 at every
 * cut in truth/real_clip_cuts.json); a wing flap or a film's colour flicker renews a part
 * (butterfly 0.25, Popeye's tint flicker 0.07).
 */
export function changedShare(a: Float32Array, b: Float32Array): number {
  let n = 0;
  let changed = 0;
  for (let k = 0; k < a.length; k++) {
    if (a[k]! < 20 && b[k]! < 20) continue;
    n++;
    if (Math.abs(a[k]! - b[k]!) > 20) changed++;
  }
  return n ? changed / n : 0;
}

// Dissolve test on small luma thumbnails: a dissolve's middle frame is the average of the frames
// on either side of it; camera motion does not give that (a pan's middle frame is a shifted
// picture). Fades through black are found elsewhere (dark/bright runs in shots.ts). Wipes are
// not detected: a splice test ("each cell from one side, split along one edge") was tried and
// fired on a bird's wing sweeping across a Popeye shot more often than on the one real wipe.
const mean = (v: Float32Array) => {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k]!;
  return s / v.length;
};

/**
 * How far the middle frame `m` is from the cross-fade of `a` and `b`, relative to how far apart
 * `a` and `b` are: 0 for an exact 50% dissolve, 0.5 for a hard cut (m equals one side). Each
 * frame's mean is taken out first: a global brightness drift (auto-exposure while a car crosses
 * a car park) is itself a perfect "blend" and would hide that the picture did not cross-fade.
 */
export function blendRatio(a: Float32Array, m: Float32Array, b: Float32Array): number {
  const ma = mean(a);
  const mm = mean(m);
  const mb = mean(b);
  let err = 0;
  let span = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]! - ma;
    const y = b[k]! - mb;
    err += Math.abs(m[k]! - mm - (x + y) / 2);
    span += Math.abs(x - y);
  }
  return span > 0 ? err / span : 1;
}
