/** Shapes of the JSON columns (stored as text on SQLite, JSONB on PostgreSQL). */
export type { ActionSpan } from "../analysis/types.ts";

/** A detected object as the seed stores it: {object, confidence, bbox [x,y,w,h]} (+ when). */
export interface Detection {
  object: string;
  confidence: number;
  bbox: [number, number, number, number];
  time?: number;
}

export interface KeyMomentJson {
  timestamp: number;
  relative: number;
  event: "setup" | "action" | "payoff";
}

export interface ShotJson {
  start: number;
  end: number;
  kind: string;
}

export interface FaceJson {
  confidence: number;
  bbox: [number, number, number, number];
  time?: number;
}

export interface WordJson {
  word: string;
  start: number;
  end: number;
}

export interface SoundEventJson {
  event: string;
  start: number;
  end: number;
  confidence: number;
  source: string;
}

/** One reason a clip is not (or not fully) cleared for use, with the evidence that raised it. */
export interface RightsIssueJson {
  kind: "license" | "watermark" | "copyrighted_music" | "faces" | "nsfw";
  reason: string;
  evidence?: {
    time?: number;
    start?: number;
    end?: number;
    box?: [number, number, number, number];
    track?: string;
    text?: string;
    score?: number;
  };
}
