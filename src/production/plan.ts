/**
 * Coordinator: validates a production request and plans its sections, clip count and per-clip
 * length from the target duration and the style.
 */
import { z } from "zod";
import { STYLES, type Style, type Transition } from "../db/enums.ts";
import { ASPECTS, RESOLUTIONS } from "./types.ts";

export const productionRequestSchema = z.strictObject({
  theme: z.string().trim().min(2, "theme must say what the video is about").max(200),
  target_duration: z.number().min(10, "at least 10 seconds").max(3600, "at most one hour"),
  style: z.enum(STYLES).default("energetic"),
  aspect: z.enum(ASPECTS).default("16:9"),
  resolution: z.enum(RESOLUTIONS).default("1080p"),
  review: z.boolean().default(false),
});
export type ProductionRequest = z.infer<typeof productionRequestSchema>;

/** What each style asks of the cut. Lengths in seconds; the sources are common editing practice for short-form video. */
export const STYLE_RULES: Record<Style, { clipMin: number; clipTarget: number; clipMax: number; transitions: Transition[]; transitionSeconds: number; intensityWeight: number }> = {
  // Short-form "energetic" compilations cut every 3–8 s; hard cuts with the odd punch-in zoom.
  energetic: { clipMin: 2.5, clipTarget: 6, clipMax: 9, transitions: ["cut", "cut", "zoom"], transitionSeconds: 0.3, intensityWeight: 1 },
  // "chill" lets shots breathe and dissolves between them.
  chill: { clipMin: 5, clipTarget: 10, clipMax: 16, transitions: ["fade"], transitionSeconds: 1.0, intensityWeight: -0.5 },
  // "emotional" sits between, with slower crossfades.
  emotional: { clipMin: 4, clipTarget: 8, clipMax: 12, transitions: ["fade", "cut"], transitionSeconds: 0.75, intensityWeight: 0.2 },
};

export type SectionName = "hook" | "build-up" | "climax" | "outro";

export interface ProductionPlan {
  targetDuration: number;
  style: Style;
  clipCount: number;
  clipTarget: number;
  clipMin: number;
  clipMax: number;
  transitionSeconds: number;
  /** Section of each position, in order. */
  sections: SectionName[];
}

/**
 * Plans the cut: clip count from the target length per clip (allowing for transition overlap),
 * then sections — one hook clip, a build-up, a climax of the last ~30%, one outro clip.
 */
export function planProduction(req: Pick<ProductionRequest, "target_duration" | "style">): ProductionPlan {
  const r = STYLE_RULES[req.style];
  const overlap = r.transitions.some((t) => t !== "cut") ? r.transitionSeconds : 0;
  const clipCount = Math.max(3, Math.round(req.target_duration / (r.clipTarget - overlap / 2)));
  const climax = Math.max(1, Math.round((clipCount - 2) * 0.35));
  const sections: SectionName[] = Array.from({ length: clipCount }, (_, i) =>
    i === 0 ? "hook" : i === clipCount - 1 ? "outro" : i >= clipCount - 1 - climax ? "climax" : "build-up",
  );
  return {
    targetDuration: req.target_duration,
    style: req.style,
    clipCount,
    clipTarget: req.target_duration / clipCount,
    clipMin: r.clipMin,
    clipMax: r.clipMax,
    transitionSeconds: r.transitionSeconds,
    sections,
  };
}
