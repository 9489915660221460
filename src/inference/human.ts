/**
 * Objects (CenterNet, COCO-80), faces (BlazeFace) and body pose (MoveNet lightning) from
 * @vladmandic/human on the tfjs WASM backend, behind a narrow interface. The models and the
 * WASM binary ship in npm packages; tfjs loads them with fetch("file://…"), which Bun's fetch
 * does not serve, so src/inference/tfjs-file-fetch.ts answers those URLs from disk.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Detection, RgbFrame } from "../analysis/types.ts";
import { npmPackageDir } from "../models/registry.ts";
import { installFileFetch } from "./tfjs-file-fetch.ts";

export { installFileFetch } from "./tfjs-file-fetch.ts";

export interface Keypoint {
  part: string;
  x: number;
  y: number;
  score: number;
}

/** One body: keypoints and box relative to the frame (0..1, y down). */
export interface Pose {
  score: number;
  keypoints: Keypoint[];
  bbox: [number, number, number, number];
}

export interface Face {
  confidence: number;
  bbox: [number, number, number, number];
}

/** What one frame holds: objects, faces and the main body's pose, with relative coordinates. */
export interface FrameFindings {
  objects: Detection[];
  faces: Face[];
  pose: Pose | null;
}

/** The narrow interface the analysis code sees; an in-process model or a remote worker can sit behind it. */
export interface VisionModels {
  detectObjects(frame: RgbFrame): Promise<Detection[]>;
  detectFaces(frame: RgbFrame): Promise<Face[]>;
  /** Pose only: the cheap call for tracking a body over many frames. */
  estimatePose(frame: RgbFrame): Promise<Pose | null>;
  /** Any subset of the three in one model pass (one input conversion). */
  analyseFrame(frame: RgbFrame, what?: { objects?: boolean; faces?: boolean; pose?: boolean }): Promise<FrameFindings>;
  dispose(): Promise<void>;
}

export interface HumanOptions {
  /** Folder of the @vladmandic/human package (default: found under node_modules). */
  humanDir?: string;
  /** Folder of the @tensorflow/tfjs-backend-wasm package. */
  wasmDir?: string;
  minObjectConfidence?: number;
  minFaceConfidence?: number;
}

/** BlazeFace scores animal faces around 0.6 (shared/models/README.md): 0.7 keeps people only. */
export const FACE_MIN_CONFIDENCE = 0.7;
/**
 * CenterNet's scores run low on 320-px frames: the dog in moviepy_dog_fireplace_indoor scores
 * 0.25–0.28, while most wrong classes stay under 0.2. Callers can ask for a stricter floor.
 */
export const OBJECT_MIN_CONFIDENCE = 0.22;
/** MoveNet's body score under which keypoints are mostly guesses (checked on empty rooms). */
export const POSE_MIN_SCORE = 0.2;
const MODEL_FILES = ["centernet.json", "centernet.bin", "blazeface.json", "blazeface.bin", "movenet-lightning.json", "movenet-lightning.bin"];
const WASM_FILES = ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm"];

/** Why the models cannot load from these folders, or null when every file is there. */
export function missingHumanFiles(humanDir: string | null, wasmDir: string | null): string | null {
  if (!humanDir) return "npm package @vladmandic/human is not installed (node_modules not found)";
  if (!wasmDir) return "npm package @tensorflow/tfjs-backend-wasm is not installed (node_modules not found)";
  const missing = [
    ...(existsSync(join(humanDir, "dist", "human.node-wasm.js")) ? [] : [join(humanDir, "dist", "human.node-wasm.js")]),
    ...MODEL_FILES.map((f) => join(humanDir, "models", f)).filter((p) => !existsSync(p)),
    ...WASM_FILES.map((f) => join(wasmDir, "dist", f)).filter((p) => !existsSync(p)),
  ];
  return missing.length ? `model files missing: ${missing.join(", ")}` : null;
}

interface HumanResult {
  object: { label: string; score: number; boxRaw: number[] }[];
  face: { score: number; boxRaw: number[] }[];
  body: { score: number; boxRaw: number[]; keypoints: { part: string; positionRaw: number[]; score: number }[] }[];
}
interface HumanInstance {
  load(): Promise<void>;
  warmup?(): Promise<unknown>;
  detect(t: unknown, config?: Record<string, unknown>): Promise<HumanResult>;
  tf: { tensor4d(d: Float32Array, s: number[], t: string): unknown; dispose(t: unknown): void; engine(): { reset(): void } };
}

const round = (v: number) => Math.round(v * 1000) / 1000;
/** Grey of the padding (YOLO's letterbox value): neutral for the detector, unlike black bars. */
const LETTERBOX_FILL = 114;

/**
 * Pads a frame to a square, centred. CenterNet resizes its input to 512×512 without keeping the
 * aspect, which squashes 16:9 frames; on the corpus the padded frame found the dog and the car
 * the squashed one missed (moviepy_dog_fireplace_indoor, intel_parking_lot_cars_topdown).
 * Returns the padded frame and the offsets (relative to the square) to map boxes back.
 */
export function letterbox(frame: RgbFrame): { frame: RgbFrame; map: (b: number[]) => [number, number, number, number] } {
  const s = Math.max(frame.width, frame.height);
  const ox = Math.floor((s - frame.width) / 2);
  const oy = Math.floor((s - frame.height) / 2);
  const data = new Uint8Array(s * s * 3).fill(LETTERBOX_FILL);
  const row = frame.width * 3;
  for (let y = 0; y < frame.height; y++) data.set(frame.data.subarray(y * row, (y + 1) * row), ((y + oy) * s + ox) * 3);
  const clamp = (v: number) => Math.max(0, Math.min(1, v));
  const map = (b: number[]): [number, number, number, number] => {
    const x0 = clamp(((b[0] ?? 0) * s - ox) / frame.width);
    const y0 = clamp(((b[1] ?? 0) * s - oy) / frame.height);
    const x1 = clamp((((b[0] ?? 0) + (b[2] ?? 0)) * s - ox) / frame.width);
    const y1 = clamp((((b[1] ?? 0) + (b[3] ?? 0)) * s - oy) / frame.height);
    return [round(x0), round(y0), round(x1 - x0), round(y1 - y0)];
  };
  return { frame: { ...frame, width: s, height: s, data }, map };
}
const box = (b: number[]): [number, number, number, number] => [round(b[0] ?? 0), round(b[1] ?? 0), round(b[2] ?? 0), round(b[3] ?? 0)];

/** Loads the models; when a package or file is missing or tfjs fails, returns the reason instead. */
export async function createHumanModels(opts: HumanOptions = {}): Promise<VisionModels | { absent: string }> {
  const humanDir = opts.humanDir ?? npmPackageDir("@vladmandic/human");
  const wasmDir = opts.wasmDir ?? npmPackageDir("@tensorflow/tfjs-backend-wasm");
  const missing = missingHumanFiles(humanDir, wasmDir);
  if (missing) return { absent: missing };
  const minFace = opts.minFaceConfidence ?? FACE_MIN_CONFIDENCE;
  installFileFetch();
  let human: HumanInstance;
  try {
    const mod = await import(join(humanDir!, "dist", "human.node-wasm.js"));
    const Human = mod.Human ?? mod.default?.Human ?? mod.default;
    human = new Human({
      backend: "wasm",
      wasmPath: `file://${wasmDir}/dist/`,
      modelBasePath: `file://${humanDir}/models/`,
      debug: false,
      // Every frame we pass is a different moment: never reuse results from "similar" frames.
      cacheSensitivity: 0,
      skipAllowed: false,
      face: { enabled: true, detector: { rotation: false, maxDetected: 10, minConfidence: minFace, skipFrames: 0, skipTime: 0 }, mesh: { enabled: false }, iris: { enabled: false }, description: { enabled: false }, emotion: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false } },
      body: { enabled: true, modelPath: "movenet-lightning.json", maxDetected: 1, skipFrames: 0, skipTime: 0 },
      // maxDetected 40, not 10: on a bookshelf the ten slots went to books and hid the dog.
      object: { enabled: true, modelPath: "centernet.json", minConfidence: opts.minObjectConfidence ?? OBJECT_MIN_CONFIDENCE, maxDetected: 40, skipFrames: 0, skipTime: 0 },
      hand: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
      filter: { enabled: false },
    }) as HumanInstance;
    await human.load();
  } catch (err) {
    return { absent: `human/tfjs-wasm failed to load: ${(err as Error).message.split("\n")[0]}` };
  }
  const toPose = (body: HumanResult["body"][number] | undefined): Pose | null =>
    body && body.score > POSE_MIN_SCORE
      ? { score: round(body.score), bbox: box(body.boxRaw), keypoints: body.keypoints.map((k) => ({ part: k.part, x: round(k.positionRaw[0] ?? 0), y: round(k.positionRaw[1] ?? 0), score: round(k.score) })) }
      : null;
  // Human merges a per-call config into its own for good (detect() keeps it), so every call
  // states all three switches: a pose-only call must not leave objects off for the next frame.
  const run = async (frame: RgbFrame, what: { objects?: boolean; faces?: boolean; pose?: boolean }) => {
    const t = human.tf.tensor4d(Float32Array.from(frame.data), [1, frame.height, frame.width, 3], "float32");
    try {
      return await human.detect(t, { object: { enabled: !!what.objects }, face: { enabled: !!what.faces }, body: { enabled: !!what.pose } });
    } finally {
      human.tf.dispose(t);
    }
  };
  const objectsIn = async (frame: RgbFrame): Promise<Detection[]> => {
    const lb = letterbox(frame);
    const r = await run(lb.frame, { objects: true });
    return r.object.map((o) => ({ object: o.label, confidence: round(o.score), bbox: lb.map(o.boxRaw), time: frame.time })).filter((d) => d.bbox[2] > 0 && d.bbox[3] > 0);
  };
  const faces = (r: HumanResult): Face[] => r.face.filter((f) => f.score >= minFace).map((f) => ({ confidence: round(f.score), bbox: box(f.boxRaw) }));
  let disposed = false;
  const guard = () => {
    if (disposed) throw new Error("vision models used after dispose()");
  };
  return {
    async detectObjects(frame) {
      guard();
      return objectsIn(frame);
    },
    async detectFaces(frame) {
      guard();
      return faces(await run(frame, { faces: true }));
    },
    async estimatePose(frame) {
      guard();
      return toPose((await run(frame, { pose: true })).body[0]);
    },
    async analyseFrame(frame, what = { objects: true, faces: true, pose: true }) {
      guard();
      // Objects see the letterboxed frame; faces and pose share one pass on the frame itself.
      const objects = what.objects ? await objectsIn(frame) : [];
      const r = what.faces || what.pose ? await run(frame, { faces: what.faces, pose: what.pose }) : null;
      return { objects, faces: r ? faces(r) : [], pose: r ? toPose(r.body[0]) : null };
    },
    async dispose() {
      disposed = true;
    },
  };
}

let shared: Promise<VisionModels | { absent: string }> | undefined;

/** The one process-wide instance, created on first use (model load takes about a second). */
export function sharedHumanModels(): Promise<VisionModels | { absent: string }> {
  shared ??= createHumanModels();
  return shared;
}
