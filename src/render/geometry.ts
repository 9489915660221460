/**
 * Picture geometry for one segment (pure): rotation, non-square pixels, and either a letterboxed
 * fit or a subject-aware fill crop, as filter-graph nodes.
 */
import type { FilterNode } from "./filtergraph.ts";

export interface SourcePicture {
  width: number;
  height: number;
  /** Clockwise display rotation in degrees (0, 90, 180, 270), as probe() reports it. */
  rotation?: number;
  /** Sample (pixel) aspect ratio; 16/11 for anamorphic PAL widescreen. */
  sampleAspectRatio?: number;
}

export type FitMode = "fit" | "fill";

export interface Placement {
  /** Size the (rotated) picture is scaled to, even numbers. */
  scaleWidth: number;
  scaleHeight: number;
  /** fit: where the picture sits on the black canvas; fill: top-left of the crop window. */
  x: number;
  y: number;
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Rotation normalised to 0/90/180/270 (anything else is treated as 0: ffmpeg only autorotates by quarter turns). */
export function quarterTurns(rotation: number | undefined): 0 | 90 | 180 | 270 {
  const r = ((Math.round((rotation ?? 0) / 90) * 90) % 360 + 360) % 360;
  return r as 0 | 90 | 180 | 270;
}

/** Display size of a source: pixel width × SAR, then swapped for a quarter turn. */
export function displaySize(src: SourcePicture): { width: number; height: number } {
  const sar = src.sampleAspectRatio && src.sampleAspectRatio > 0 ? src.sampleAspectRatio : 1;
  const w = src.width * sar;
  const h = src.height;
  const turns = quarterTurns(src.rotation);
  return turns === 90 || turns === 270 ? { width: h, height: w } : { width: w, height: h };
}

/**
 * Where the picture goes in a W×H frame. "fit" scales it inside and letterboxes (x, y: offset on
 * the canvas). "fill" covers the frame and crops a window centred on `focus` (0..1), clamped to
 * the picture (x, y: the window's top-left in scaled pixels).
 */
export function placePicture(src: SourcePicture, W: number, H: number, mode: FitMode, focus = { x: 0.5, y: 0.5 }): Placement {
  const d = displaySize(src);
  if (!(d.width > 0 && d.height > 0)) throw new Error(`source has no picture size (${src.width}x${src.height})`);
  if (mode === "fit") {
    const s = Math.min(W / d.width, H / d.height);
    const sw = Math.min(W, even(d.width * s));
    const sh = Math.min(H, even(d.height * s));
    return { scaleWidth: sw, scaleHeight: sh, x: Math.floor((W - sw) / 4) * 2, y: Math.floor((H - sh) / 4) * 2 };
  }
  const s = Math.max(W / d.width, H / d.height);
  const sw = Math.max(W, even(d.width * s));
  const sh = Math.max(H, even(d.height * s));
  const fx = clamp(Number.isFinite(focus.x) ? focus.x : 0.5, 0, 1);
  const fy = clamp(Number.isFinite(focus.y) ? focus.y : 0.5, 0, 1);
  return {
    scaleWidth: sw,
    scaleHeight: sh,
    x: Math.round(clamp(fx * sw - W / 2, 0, sw - W)),
    y: Math.round(clamp(fy * sh - H / 2, 0, sh - H)),
  };
}

/**
 * The fill window mapped back to the upright source's stored pixels, so the crop happens before
 * the scale: scaling a 1440x1074 frame up to 2574x1920 and then throwing 58% away costs several
 * times more than cropping first and scaling only what is kept.
 */
export function sourceCrop(src: SourcePicture, W: number, H: number, focus?: { x: number; y: number }): { w: number; h: number; x: number; y: number } {
  const p = placePicture(src, W, H, "fill", focus);
  const turns = quarterTurns(src.rotation);
  // Upright stored size (after transpose) and the horizontal pixel stretch still to undo.
  const uw = turns === 90 || turns === 270 ? src.height : src.width;
  const uh = turns === 90 || turns === 270 ? src.width : src.height;
  const kx = uw / p.scaleWidth;
  const ky = uh / p.scaleHeight;
  const w = Math.min(uw, Math.max(2, Math.round(W * kx)));
  const h = Math.min(uh, Math.max(2, Math.round(H * ky)));
  return { w, h, x: clamp(Math.round(p.x * kx), 0, uw - w), y: clamp(Math.round(p.y * ky), 0, uh - h) };
}

/** Filters that turn the picture upright (the input is opened with -noautorotate, so this is the only rotation). */
export function rotationFilters(rotation: number | undefined): FilterNode[] {
  switch (quarterTurns(rotation)) {
    case 90:
      return [{ filter: "transpose", options: { dir: "clock" } }];
    case 270:
      return [{ filter: "transpose", options: { dir: "cclock" } }];
    case 180:
      return [{ filter: "hflip" }, { filter: "vflip" }];
    default:
      return [];
  }
}

/**
 * The geometry chain: upright, scale straight to the display-correct size (this is where
 * non-square pixels become square), then pad or crop to W×H and mark pixels square.
 */
export function geometryFilters(src: SourcePicture, W: number, H: number, mode: FitMode, focus?: { x: number; y: number }): FilterNode[] {
  if (mode === "fill") {
    const c = sourceCrop(src, W, H, focus);
    return [
      ...rotationFilters(src.rotation),
      { filter: "crop", options: { w: c.w, h: c.h, x: c.x, y: c.y } },
      { filter: "scale", options: { w: W, h: H, flags: "bicubic" } },
      { filter: "setsar", options: ["1"] },
    ];
  }
  const p = placePicture(src, W, H, mode, focus);
  return [
    ...rotationFilters(src.rotation),
    { filter: "scale", options: { w: p.scaleWidth, h: p.scaleHeight, flags: "bicubic" } },
    { filter: "pad", options: { w: W, h: H, x: p.x, y: p.y, color: "black" } },
    { filter: "setsar", options: ["1"] },
  ];
}
