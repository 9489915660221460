/**
 * Objects (CenterNet, COCO-80), faces (BlazeFace) and body pose (MoveNet) from
 * @vladmandic/human on the tfjs WASM backend, behind a narrow interface. The models and the
 * WASM binary ship in npm packages; tfjs loads them with fetch("file://…"), which Bun's fetch
 * does not serve, so a small shim answers those URLs from disk.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Detection, RgbFrame } from "../analysis/types.ts";
import { npmPackageDir } from "../models/registry.ts";

export interface Keypoint {
  part: string;
  x: number;
  y: number;
  score: number;
}

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

export interface VisionModels {
  analyseFrame(frame: RgbFrame): Promise<FrameFindings>;
  /** Pose only (objects and faces off): the cheap call for tracking a body over many frames. */
  estimatePose(frame: RgbFrame): Promise<Pose | null>;
  dispose(): Promise<void>;
}

/** BlazeFace scores animal faces around 0.6 (shared/models/README.md): 0.7 keeps people only. */
export const FACE_MIN_CONFIDENCE = 0.7;
/** CenterNet's scores run low; 0.3 keeps the right classes on the corpus without much noise. */
export const OBJECT_MIN_CONFIDENCE = 0.3;

let shimmed = false;
/** Serves file:// URLs from disk for tfjs's model and WASM loaders; other URLs go to the real fetch. */
export function installFileFetch(): void {
  if (shimmed) return;
  shimmed = true;
  const real = globalThis.fetch;
  const shim = async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith("file://")) return real(input, init);
    const file = Bun.file(decodeURIComponent(new URL(url).pathname));
    if (!(await file.exists())) return new Response("not found", { status: 404 });
    const type = url.endsWith(".json") ? "application/json" : url.endsWith(".wasm") ? "application/wasm" : "application/octet-stream";
    return new Response(file, { headers: { "content-type": type } });
  };
  globalThis.fetch = Object.assign(shim, { preconnect: real.preconnect }) as typeof fetch;
}

/** Loads the models; when a package or file is missing, returns the reason instead. */
export async function createHumanModels(): Promise<VisionModels | { absent: string }> {
  const humanDir = npmPackageDir("@vladmandic/human");
  const wasmDir = npmPackageDir("@tensorflow/tfjs-backend-wasm");
  if (!humanDir || !wasmDir) return { absent: "npm packages @vladmandic/human and @tensorflow/tfjs-backend-wasm are not installed" };
  if (!existsSync(join(humanDir, "models", "centernet.json"))) return { absent: `CenterNet model missing from ${humanDir}/models` };
  installFileFetch();
  let human: {
    load(): Promise<void>;
    detect(t: unknown, config?: Record<string, unknown>): Promise<{ object: { label: string; score: number; boxRaw: number[] }[]; face: { score: number; boxRaw: number[] }[]; body: { score: number; boxRaw: number[]; keypoints: { part: string; positionRaw: number[]; score: number }[] }[] }>;
    tf: { tensor4d(d: Float32Array, s: number[], t: string): unknown; dispose(t: unknown): void };
  };
  try {
    const mod = await import(join(humanDir, "dist", "human.node-wasm.js"));
    const Human = mod.Human ?? mod.default?.Human ?? mod.default;
    human = new Human({
      backend: "wasm",
      wasmPath: `file://${wasmDir}/dist/`,
      modelBasePath: `file://${humanDir}/models/`,
      debug: false,
      // Every frame we pass is a different moment: never reuse results from "similar" frames.
      cacheSensitivity: 0,
      skipAllowed: false,
      face: { enabled: true, detector: { rotation: false, maxDetected: 10, minConfidence: FACE_MIN_CONFIDENCE, skipFrames: 0, skipTime: 0 }, mesh: { enabled: false }, iris: { enabled: false }, description: { enabled: false }, emotion: { enabled: false }, antispoof: { enabled: false }, liveness: { enabled: false } },
      body: { enabled: true, modelPath: "movenet-lightning.json", maxDetected: 1, skipFrames: 0, skipTime: 0 },
      object: { enabled: true, modelPath: "centernet.json", minConfidence: OBJECT_MIN_CONFIDENCE, maxDetected: 10, skipFrames: 0, skipTime: 0 },
      hand: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
      filter: { enabled: false },
    });
    await human.load();
  } catch (err) {
    return { absent: `human/tfjs-wasm failed to load: ${(err as Error).message.split("\n")[0]}` };
  }
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const box = (b: number[]): [number, number, number, number] => [round(b[0] ?? 0), round(b[1] ?? 0), round(b[2] ?? 0), round(b[3] ?? 0)];
  type Body = Awaited<ReturnType<typeof human.detect>>["body"][number];
  const toPose = (body: Body | undefined): Pose | null =>
    body && body.score > 0.2 ? { score: round(body.score), bbox: box(body.boxRaw), keypoints: body.keypoints.map((k) => ({ part: k.part, x: k.positionRaw[0] ?? 0, y: k.positionRaw[1] ?? 0, score: k.score })) } : null;
  const run = async (frame: RgbFrame, config?: Record<string, unknown>) => {
    const t = human.tf.tensor4d(Float32Array.from(frame.data), [1, frame.height, frame.width, 3], "float32");
    try {
      return await human.detect(t, config);
    } finally {
      human.tf.dispose(t);
    }
  };
  return {
    async analyseFrame(frame) {
      const r = await run(frame);
      return {
        objects: r.object.map((o) => ({ object: o.label, confidence: round(o.score), bbox: box(o.boxRaw), time: frame.time })),
        faces: r.face.filter((f) => f.score >= FACE_MIN_CONFIDENCE).map((f) => ({ confidence: round(f.score), bbox: box(f.boxRaw) })),
        pose: toPose(r.body[0]),
      };
    },
    async estimatePose(frame) {
      return toPose((await run(frame, { object: { enabled: false }, face: { enabled: false } })).body[0]);
    },
    async dispose() {},
  };
}
