/**
 * The indexing step for everything visual: the one decode pass, then the models on the frames it
 * kept (objects, faces, pose → actions), keyframes and thumbnail written as JPEG at fixed paths
 * keyed by the file's hash (so a re-run after a restore overwrites, never duplicates).
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { AppContext } from "../app.ts";
import { analyseVision, PERSON_MIN_CONFIDENCE } from "../analysis/vision.ts";
import { fingerprintSimilarity, MOTION_STEP } from "../analysis/visual/index.ts";
import { VisualWorkers } from "../analysis/visual/pool.ts";
import { createHumanModels, type VisionModels } from "../inference/human.ts";
import { checkSafety, createNsfwClassifier, type NsfwClassifier } from "../inference/nsfw.ts";
import { createOcr, type OcrReader } from "../inference/ocr.ts";
import { isClipAbsent, loadClip, type ClipAbsent, type ImageTextEncoder } from "../inference/clip/encoder.ts";
import { writeJpeg } from "../media/images.ts";
import type { ProbeResult } from "../media/probe.ts";
import type { VisualSummary } from "./types.ts";

/** Where a clip's keyframes live: REELSMITH_HOME/frames/ab/<sha256>/. */
export function framesDir(home: string, fileHash: string): string {
  return join(home, "frames", fileHash.slice(0, 2), fileHash);
}

export function createVisualPass(app: AppContext) {
  let models: Promise<VisionModels | { absent: string }> | undefined;
  let ocr: Promise<OcrReader | { absent: string }> | undefined;
  let clip: Promise<ImageTextEncoder | ClipAbsent> | undefined;
  let nsfw: Promise<NsfwClassifier | { absent: string }> | undefined;
  // Decode and per-frame features on worker threads (one per core, at most 8, started as clips
  // need them); the models run here (see pool.ts).
  const workers = new VisualWorkers(Math.max(1, Math.min(8, availableParallelism())));
  let fallbackLogged = false;
  return {
    similarity: fingerprintSimilarity,
    async run(path: string, probe: ProbeResult, fileHash: string, signal?: AbortSignal): Promise<VisualSummary> {
      const v = await workers.run(path, probe, { ffmpegPath: app.config.ffmpegPath, signal });
      if (workers.fallbackReason && !fallbackLogged) {
        fallbackLogged = true;
        app.log.warn(workers.fallbackReason);
      }
      const dir = framesDir(app.config.home, fileHash);
      models ??= createHumanModels();
      ocr ??= createOcr();
      // OCR reads the analysis frames themselves (320 px): the slate timecode reads there, and a
      // second decode at 640 px for small UI text would cost more than the whole visual pass.
      // Objects on 3 frames and pose on 10 keep the whole pipeline above 10× realtime on 2 cores
      // (4 and 16 measured 9.4×); the detector's per-class maximum rarely changes with the 4th frame.
      const vision = await analyseVision(
        v.keyframes.map((k) => k.frame),
        v.samples.map((k) => k.frame),
        await models,
        await ocr,
        { maxOcrFrames: 1, maxDetectFrames: 3, maxPoseFrames: 10 },
      );
      clip ??= loadClip(app.config.modelsDir);
      const encoder = await clip;
      const absent: VisualSummary["absent"] = [...vision.absent];
      // Brand safety on the keyframes (one per shot plus motion peaks), at most 8 spread over the clip.
      nsfw ??= createNsfwClassifier();
      const classifier = await nsfw;
      let safety: VisualSummary["safety"];
      if ("absent" in classifier) absent.push({ signal: "nsfw", reason: classifier.absent });
      else {
        // The rule's third condition (src/inference/nsfw.ts): someone is in the picture.
        const person = vision.faces.count > 0 || vision.detectedObjects.some((o) => o.object === "person" && o.confidence >= PERSON_MIN_CONFIDENCE);
        safety = await checkSafety(classifier, v.keyframes.map((k) => k.frame), { max: 8, person });
      }
      let embeddings: Float32Array[] = [];
      if (isClipAbsent(encoder)) absent.push({ signal: "image embeddings", reason: encoder.reason });
      else embeddings = await encoder.encodeImage(v.keyframes.map((k) => k.frame));
      const keyframes = await Promise.all(
        v.keyframes.map(async (k, i) => {
          const imagePath = join(dir, `kf_${k.time.toFixed(3)}.jpg`);
          await writeJpeg(k.frame, imagePath, app.config.ffmpegPath);
          const embedding = embeddings[i] ? Array.from(embeddings[i]!) : undefined;
          return { time: k.time, reason: k.reason, sharpness: Math.round(k.sharpness), imagePath, embedding };
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
        blackSpans: v.blackSpans,
        watermark: v.watermark,
        frozenSpans: v.frozenSpans,
        objects: vision.detectedObjects,
        faces: vision.faces,
        onScreenText: vision.onScreenText,
        actions: vision.detectedActions,
        safety,
        embeddingModel: embeddings.length && !isClipAbsent(encoder) ? encoder.modelDir.split("/").pop() : undefined,
        absent,
      };
    },
    async dispose() {
      await workers.dispose();
      for (const p of [models, ocr]) {
        const m = await p;
        if (m && "dispose" in m) await m.dispose();
      }
      const c = await clip;
      if (c && !isClipAbsent(c)) await c.release();
    },
  };
}
