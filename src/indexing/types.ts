/** Values that travel through the indexing statechart; all JSON-serialisable (they are persisted). */
import type { ActionSpan, AudioAnalysis, Detection, OcrLine, Shot } from "../analysis/types.ts";
import type { ClipSource, EmotionalTone, Pacing, TagSource, Theme } from "../db/enums.ts";
import type { KeyMomentJson } from "../db/json-types.ts";
import type { Consent } from "../compliance/faces.ts";
import type { SafetyReport } from "../inference/nsfw.ts";

export interface IndexInput {
  path: string;
  batchId: string;
  taskId: string;
  source?: ClipSource;
  license?: string;
  /** Where the licence came from: the command line, a manifest row, container tags. */
  licenseOrigin?: string;
  provenance?: string;
  notes?: string;
  extra?: Record<string, string>;
  /** Consent of the people shown (model releases), when the request or the sheet says. */
  consent?: Consent;
}

export interface KeyframeSummary {
  time: number;
  reason: string;
  sharpness: number;
  imagePath: string;
  /** Image embedding (L2-normalised) when a CLIP-family model is present. */
  embedding?: number[];
}

export interface VisualSummary {
  durationSeconds: number;
  framesDecoded: number;
  cuts: number[];
  shots: Shot[];
  /** Motion intensity 0..1, one value per sample step. */
  motionCurve: number[];
  motionStep: number;
  keyframes: KeyframeSummary[];
  thumbnail: { time: number; imagePath: string };
  fingerprint: string[];
  meanLuma: number;
  blackRatio: number;
  blackSpans: { start: number; end: number }[];
  frozenSpans: { start: number; end: number }[];
  watermark: { box: [number, number, number, number]; movingShare: number; cells: number } | null;
  objects: Detection[];
  faces: { count: number; boxes: { confidence: number; bbox: [number, number, number, number]; time: number }[] };
  onScreenText: OcrLine[];
  actions: ActionSpan[];
  embeddingModel?: string;
  /** Brand safety (nsfwjs) on the keyframes; absent from snapshots taken before it existed. */
  safety?: SafetyReport;
  absent: { signal: string; reason: string }[];
}

export type AudioSummary = AudioAnalysis;

export interface ClipAnalysis {
  sceneDescription: string;
  visualElements: string[];
  keyMoments: KeyMomentJson[];
  emotionalTone: EmotionalTone;
  intensity: number;
  surpriseFactor: number;
  viralPotential: number;
  impactScore: number;
  narrativeArc: string;
  standalone: boolean;
  pacing: Pacing;
  themes: Record<Theme, number>;
  tags: { tag: string; confidence: number; source: TagSource }[];
  /** Where each score came from: "local:<formula>" or "llm:<provider>". */
  scoreSources: Record<string, string>;
  /** Signals the analysis could not use, with why (e.g. the LLM reply failed validation). */
  absent?: { signal: string; reason: string }[];
}

export interface StoreResult {
  clipId: string;
  externalId: string;
  nearDuplicates: { externalId: string; similarity: number }[];
}
