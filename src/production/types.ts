/** The timeline: what the editor writes, QA checks, the renderer renders and exports describe. */
import type { Style, Transition } from "../db/enums.ts";

export const ASPECTS = ["16:9", "9:16", "1:1"] as const;
export type Aspect = (typeof ASPECTS)[number];
export const RESOLUTIONS = ["360p", "720p", "1080p"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface TimelineEntry {
  /** 0-based position in the video. */
  position: number;
  clipId: string;
  externalId: string;
  filePath: string;
  /** In and out points in the source clip, seconds. */
  sourceStart: number;
  sourceEnd: number;
  /** Where it sits in the finished video, seconds (transitions overlap neighbours). */
  start: number;
  end: number;
  /** Transition into this entry from the previous one (ignored for the first). */
  transition: Transition;
  transitionSeconds: number;
  /** Linear gain applied to this clip's audio before loudness normalisation. */
  audioLevel: number;
  /** Source facts the renderer needs without probing again. */
  source: {
    width: number;
    height: number;
    fps: number;
    hasAudio: boolean;
    durationSeconds: number;
    rotation?: number;
    sampleAspectRatio?: number;
    /** The file's size when these facts were read: the renderer trusts them only while it still matches. */
    fileSizeBytes?: number;
  };
  /** Subject centre (0..1) for a subject-aware 9:16 crop, when known. */
  focus?: { x: number; y: number };
  section: "hook" | "build-up" | "climax" | "outro";
  /** Why the curator picked it, for people to read. */
  reason: string;
  /** Chapter title for this entry. */
  title: string;
}

export interface Timeline {
  productionId: string;
  style: Style;
  aspect: Aspect;
  resolution: Resolution;
  width: number;
  height: number;
  fps: number;
  /** Integrated loudness target (LUFS), −14 for online video platforms. */
  loudnessTarget: number;
  entries: TimelineEntry[];
  /** Total duration of the finished video, seconds. */
  duration: number;
}

/** Output size for an aspect and resolution: 1080p 16:9 → 1920×1080, 1080p 9:16 → 1080×1920. */
export function outputSize(aspect: Aspect, resolution: Resolution): { width: number; height: number } {
  const short = resolution === "1080p" ? 1080 : resolution === "720p" ? 720 : 360;
  if (aspect === "1:1") return { width: short, height: short };
  const long = Math.round((short * 16) / 9 / 2) * 2;
  return aspect === "16:9" ? { width: long, height: short } : { width: short, height: long };
}
