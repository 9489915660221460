/**
 * Shapes the analysers hand to the indexing pipeline. Field names follow the seed where the
 * seed has one (snake_case lives in the database and JSON output; these are in-process types).
 */

/** One decoded frame at analysis resolution, packed RGB24 (row-major, no padding). */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
  /** Presentation time in seconds from the start of the clip. */
  time: number;
  index: number;
}

export interface TimeRange {
  start: number;
  end: number;
}

export interface Shot extends TimeRange {
  /** How the shot began: the first shot, a hard cut, or a gradual transition (fade/dissolve). */
  kind: "start" | "cut" | "fade";
}

export interface Keyframe {
  time: number;
  reason: "shot" | "motion_peak" | "thumbnail" | "sample";
  /** Sharpness (variance of the Laplacian on luma); higher is sharper. */
  sharpness: number;
  frame: RgbFrame;
}

export interface VisualAnalysis {
  durationSeconds: number;
  framesDecoded: number;
  /** Seconds of the first frame of each new shot (excluding 0). */
  cuts: number[];
  shots: Shot[];
  /** Motion intensity 0..1 sampled over time. */
  motionCurve: { time: number; value: number }[];
  keyframes: Keyframe[];
  thumbnail: { time: number; score: number; frame: RgbFrame };
  /** Perceptual fingerprint: 64-bit difference hashes (hex) of several non-black keyframes. */
  fingerprint: string[];
  /** Mean luma 0..255 and share of near-black frames, for QA and fade handling. */
  meanLuma: number;
  blackRatio: number;
  /** Black and frozen stretches (seconds), so QA can check a trim window without decoding again. */
  blackSpans: { start: number; end: number }[];
  frozenSpans: { start: number; end: number }[];
  /** A still, edged region (a burned-in logo or handle) while the rest of the picture moves. */
  watermark: { box: [number, number, number, number]; movingShare: number; cells: number } | null;
  /** ffmpeg's error when decoding stopped part-way (the analysis covers the frames before it). */
  decodeError?: string;
}

export interface WordTime {
  word: string;
  start: number;
  end: number;
  confidence?: number;
}

export interface SoundEvent {
  event: "impact" | "scream" | "cheering" | "applause" | "laughter" | "music" | "speech" | "silence";
  start: number;
  end: number;
  confidence: number;
  /** Which detector: a named model or a named rule. */
  source: string;
}

export interface AudioAnalysis {
  hasAudio: boolean;
  /** Integrated loudness (LUFS) and loudness range (LU), EBU R128. */
  integratedLufs: number | null;
  loudnessRange: number | null;
  truePeakDb: number | null;
  /** Short-term loudness over time (LUFS), for key moments. */
  loudnessCurve: { time: number; lufs: number }[];
  silences: TimeRange[];
  hasSpeech: boolean;
  speechSegments: TimeRange[];
  hasBackgroundMusic: boolean;
  dominantFrequencyHz: number | null;
  soundEvents: SoundEvent[];
  transcript: string;
  words: WordTime[];
  transcriptSource: string | null;
  /** Signals that could not be computed, with the reason (missing model, no audio…). */
  absent: { signal: string; reason: string }[];
}

export interface Detection {
  object: string;
  confidence: number;
  /** [x, y, w, h] relative to the frame, 0..1. */
  bbox: [number, number, number, number];
  time: number;
}

export interface ActionSpan {
  action: string;
  confidence: number;
  timespan: [number, number];
  source: string;
}

export interface OcrLine {
  text: string;
  confidence: number;
  time: number;
  bbox?: [number, number, number, number];
}
