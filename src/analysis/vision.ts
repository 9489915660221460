/**
 * Everything the ML models say about a clip's frames: objects and faces on a few keyframes,
 * a pose track (only when a person is in the clip) turned into actions, and on-screen text
 * on at most two frames that look like they hold text. Work per clip is capped so indexing
 * stays well above 10× realtime on 2 cores (see scripts/bench-vision.ts for the figures).
 */
import { detectActions, type PeopleSample, type PoseSample } from "./actions.ts";
import { textLikelihood } from "./text-likelihood.ts";
import type { ActionSpan, Detection, OcrLine, RgbFrame } from "./types.ts";
import type { Face, VisionModels } from "../inference/human.ts";
import type { OcrReader } from "../inference/ocr.ts";

export interface VisionOptions {
  /** Objects + faces run on at most this many keyframes (≈0.2–0.25 s each on this machine). */
  maxDetectFrames?: number;
  /** Pose frames per second of clip, and in all (MoveNet ≈ 30 ms a frame). */
  poseFps?: number;
  maxPoseFrames?: number;
  /** Person confidence on a keyframe that turns pose tracking on. */
  personMin?: number;
  maxOcrFrames?: number;
  /** textLikelihood() a frame needs before OCR runs on it (0.02 passes every corpus clip with text). */
  textMin?: number;
  /** A sharper copy of the frame at `time` for OCR (small text needs ~640 px); defaults to the frame itself. */
  ocrFrame?: (frame: RgbFrame) => Promise<RgbFrame | null>;
}

export interface VisionResult {
  detectedObjects: Detection[];
  faces: { count: number; boxes: (Face & { time: number })[] };
  onScreenText: OcrLine[];
  detectedActions: ActionSpan[];
  absent: { signal: string; reason: string }[];
  /** Milliseconds spent per model, and frames each saw: for the budget, never for results. */
  work: Record<"objects" | "pose" | "ocr", { frames: number; ms: number }>;
}

type Absent = { absent: string };
/** CenterNet's score from which a "person" box is taken as someone in the picture. */
export const PERSON_MIN_CONFIDENCE = 0.4;
/** Frames on which person boxes are tracked for two-person actions (hugging). */
const MAX_PEOPLE_FRAMES = 6;

/** Merges detections across frames: per class the highest confidence, with its box and time. */
export function mergeDetections(all: Detection[]): Detection[] {
  const best = new Map<string, Detection>();
  for (const d of all) if ((best.get(d.object)?.confidence ?? -1) < d.confidence) best.set(d.object, d);
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

/** Text reduced for comparison: case, spaces and punctuation do not make a new line. */
const textKey = (t: string) => t.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

/** Deduplicates OCR lines across frames (same text → the most confident reading, first time kept). */
export function dedupeText(lines: OcrLine[]): OcrLine[] {
  const best = new Map<string, OcrLine>();
  for (const l of lines) {
    const k = textKey(l.text);
    const prev = best.get(k);
    if (!prev) best.set(k, l);
    else if (l.confidence > prev.confidence) best.set(k, { ...l, time: Math.min(prev.time, l.time) });
  }
  return [...best.values()].sort((a, b) => a.time - b.time || b.confidence - a.confidence);
}

/** Spreads `n` picks evenly over a list (first and last included when n ≥ 2). */
export function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return [...items];
  if (n <= 1) return items.slice(Math.floor(items.length / 2), Math.floor(items.length / 2) + 1);
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))]!);
}

/** Runs the visual models on a clip's keyframes and pose frames; absent models are reported, not fatal. */
export async function analyseVision(keyframes: RgbFrame[], poseFrames: RgbFrame[], models: VisionModels | Absent, ocr: OcrReader | Absent | null, opts: VisionOptions = {}): Promise<VisionResult> {
  const work: VisionResult["work"] = { objects: { frames: 0, ms: 0 }, pose: { frames: 0, ms: 0 }, ocr: { frames: 0, ms: 0 } };
  const absent: VisionResult["absent"] = [];
  const detections: Detection[] = [];
  const faceBoxes: VisionResult["faces"]["boxes"] = [];
  let faceCount = 0;
  const track: PoseSample[] = [];
  const people: PeopleSample[] = [];
  if ("absent" in models) absent.push({ signal: "detected_objects, faces, detected_actions", reason: models.absent });
  else {
    const max = opts.maxDetectFrames ?? 4;
    const frames = spread([...keyframes].sort((a, b) => a.time - b.time), max);
    // A one-shot clip has one keyframe, and the subject may be gone by then (the airplane in
    // moviepy_airplane_field_outdoor passes in the first 4 s): top up to 3 frames from the samples.
    for (const f of spread(poseFrames, 3)) if (frames.length < Math.min(max, 3) && frames.every((k) => Math.abs(k.time - f.time) > 1)) frames.push(f);
    frames.sort((a, b) => a.time - b.time);
    for (const f of frames) {
      const t0 = performance.now();
      const r = await models.analyseFrame(f, { objects: true, faces: true, pose: true });
      work.objects.ms += performance.now() - t0;
      work.objects.frames++;
      detections.push(...r.objects);
      faceBoxes.push(...r.faces.map((x) => ({ ...x, time: f.time })));
      faceCount = Math.max(faceCount, r.faces.length);
      if (r.pose) track.push({ time: f.time, pose: r.pose });
      people.push({ time: f.time, boxes: r.objects.filter((o) => o.object === "person").map((o) => o.bbox) });
    }
    const personMin = opts.personMin ?? PERSON_MIN_CONFIDENCE;
    const persons = people.map((p, i) => detections.filter((d) => d.time === frames[i]!.time && d.object === "person" && d.confidence >= personMin).length);
    if (Math.max(0, ...persons) > 0) {
      const sorted = [...poseFrames].sort((a, b) => a.time - b.time);
      const duration = (sorted.at(-1)?.time ?? 0) - (sorted[0]?.time ?? 0);
      const n = Math.min(opts.maxPoseFrames ?? 16, Math.max(2, Math.ceil(duration * (opts.poseFps ?? 2))));
      // Two people on a keyframe: track their boxes too (for hugging), which costs an object pass.
      const twoPeople = Math.max(0, ...persons) >= 2;
      let boxFrames = 0;
      for (const f of spread(sorted, n)) {
        if (track.some((t) => Math.abs(t.time - f.time) < 0.2)) continue;
        const t0 = performance.now();
        // At most MAX_PEOPLE_FRAMES object passes: each costs ~8 pose estimates.
        const withBoxes = twoPeople && boxFrames++ < MAX_PEOPLE_FRAMES;
        const r = await models.analyseFrame(f, { objects: withBoxes, pose: true });
        work.pose.ms += performance.now() - t0;
        work.pose.frames++;
        if (r.pose) track.push({ time: f.time, pose: r.pose });
        if (withBoxes) people.push({ time: f.time, boxes: r.objects.filter((o) => o.object === "person").map((o) => o.bbox) });
      }
    }
  }
  const onScreenText: OcrLine[] = [];
  if (ocr === null) absent.push({ signal: "on_screen_text", reason: "OCR not requested" });
  else if ("absent" in ocr) absent.push({ signal: "on_screen_text", reason: ocr.absent });
  else {
    const scored = keyframes.map((f) => ({ f, s: textLikelihood(f) })).filter((x) => x.s >= (opts.textMin ?? 0.02));
    const picks = scored.sort((a, b) => b.s - a.s).slice(0, opts.maxOcrFrames ?? 2);
    for (const { f } of picks) {
      const t0 = performance.now();
      const frame = (opts.ocrFrame ? await opts.ocrFrame(f) : null) ?? f;
      onScreenText.push(...(await ocr.readText({ ...frame, time: f.time })));
      work.ocr.ms += performance.now() - t0;
      work.ocr.frames++;
    }
  }
  for (const w of Object.values(work)) w.ms = Math.round(w.ms);
  return {
    detectedObjects: mergeDetections(detections),
    faces: { count: faceCount, boxes: faceBoxes },
    onScreenText: dedupeText(onScreenText),
    detectedActions: detectActions(track, people),
    absent,
    work,
  };
}
