/**
 * The indexing step for everything visual: the one decode pass, then the models on the frames it
 * kept (objects, faces, pose → actions), keyframes and thumbnail written as JPEG at fixed paths
 * keyed by the file's hash (so a re-run after a restore overwrites, never duplicates).
 */
import { join } from "node:path";
import type { AppContext } from "../app.ts";
import { detectActions, type PoseSample } from "../analysis/actions.ts";
import type { Detection } from "../analysis/types.ts";
import { analyseVisual, fingerprintSimilarity, MOTION_STEP } from "../analysis/visual/index.ts";
import { createHumanModels, type VisionModels } from "../inference/human.ts";
import { writeJpeg } from "../media/images.ts";
import type { ProbeResult } from "../media/probe.ts";
import type { VisualSummary } from "./types.ts";

/** Objects+faces run on at most this many keyframes per clip (≈0.2 s each on 2 cores). */
const MAX_DETECT_FRAMES = 4;
/** Pose is tracked at about 2 frames/s, at most this many frames, only when a person was seen. */
const MAX_POSE_FRAMES = 12;

/** Where a clip's keyframes live: REELSMITH_HOME/frames/ab/<sha256>/. */
export function framesDir(home: string, fileHash: string): string {
  return join(home, "frames", fileHash.slice(0, 2), fileHash);
}

/** Merges detections across frames: per class the highest confidence, with its box and time. */
export function mergeDetections(all: Detection[]): Detection[] {
  const best = new Map<string, Detection>();
  for (const d of all) if ((best.get(d.object)?.confidence ?? -1) < d.confidence) best.set(d.object, d);
  return [...best.values()].sort((a, b) => b.confidence - a.confidence);
}

export function createVisualPass(app: AppContext) {
  let models: Promise<VisionModels | { absent: string }> | undefined;
  const vision = () => (models ??= createHumanModels());
  return {
    similarity: fingerprintSimilarity,
    async run(path: string, probe: ProbeResult, fileHash: string, signal?: AbortSignal): Promise<VisualSummary> {
      const v = await analyseVisual(path, probe, { ffmpegPath: app.config.ffmpegPath, signal });
      const dir = framesDir(app.config.home, fileHash);
      const absent: VisualSummary["absent"] = [];
      const m = await vision();
      const detections: Detection[] = [];
      const faceBoxes: VisualSummary["faces"]["boxes"] = [];
      let faceCount = 0;
      const track: PoseSample[] = [];
      if ("absent" in m) absent.push({ signal: "detected_objects, faces, detected_actions", reason: m.absent });
      else {
        // Shot keyframes first (they cover the clip), then motion peaks.
        const frames = [...v.keyframes].sort((a, b) => (a.reason === b.reason ? a.time - b.time : a.reason === "shot" ? -1 : 1)).slice(0, MAX_DETECT_FRAMES);
        let person = 0;
        for (const k of frames) {
          const r = await m.analyseFrame(k.frame);
          detections.push(...r.objects);
          faceBoxes.push(...r.faces.map((f) => ({ ...f, time: k.time })));
          faceCount = Math.max(faceCount, r.faces.length);
          if (r.pose) track.push({ time: k.time, pose: r.pose });
          person = Math.max(person, ...r.objects.filter((o) => o.object === "person").map((o) => o.confidence), 0);
        }
        if (person >= 0.4) {
          const step = Math.max(1, Math.round(v.samples.length / MAX_POSE_FRAMES));
          for (const s of v.samples.filter((_, i) => i % step === 0).slice(0, MAX_POSE_FRAMES)) {
            if (track.some((t) => Math.abs(t.time - s.time) < 0.2)) continue;
            const pose = await m.estimatePose(s.frame);
            if (pose) track.push({ time: s.time, pose });
          }
        }
      }
      track.sort((a, b) => a.time - b.time);
      absent.push({ signal: "on_screen_text", reason: "OCR not run in this build of the visual pass" });
      absent.push({ signal: "image embeddings", reason: "no CLIP-family model in the models dir (reelsmith models pull clip-vit-b32)" });
      const keyframes = await Promise.all(
        v.keyframes.map(async (k) => {
          const imagePath = join(dir, `kf_${k.time.toFixed(3)}.jpg`);
          await writeJpeg(k.frame, imagePath, app.config.ffmpegPath);
          return { time: k.time, reason: k.reason, sharpness: Math.round(k.sharpness), imagePath };
        }),
      );
      const thumbPath = join(dir, "thumbnail.jpg");
      await writeJpeg(v.thumbnail.frame, thumbPath, app.config.ffmpegPath);
      return {
        durationSeconds: v.durationSeconds,
        framesDecoded: v.framesDecoded,
        cuts: v.cuts,
        shots: v.shots,
        motionCurve: v.motionCurve.map((p) => p.value),
        motionStep: MOTION_STEP,
        keyframes,
        thumbnail: { time: v.thumbnail.time, imagePath: thumbPath },
        fingerprint: v.fingerprint,
        meanLuma: v.meanLuma,
        blackRatio: v.blackRatio,
        objects: mergeDetections(detections),
        faces: { count: faceCount, boxes: faceBoxes },
        onScreenText: [],
        actions: detectActions(track),
        absent,
      };
    },
    async dispose() {
      const m = await models;
      if (m && "dispose" in m) await m.dispose();
    },
  };
}
