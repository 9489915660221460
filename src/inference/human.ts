/**
 * Objects (CenterNet, COCO-80), faces (BlazeFace) and body pose (MoveNet lightning): the models of
 * @vladmandic/human on the tfjs WASM backend, behind a narrow interface. Faces and pose go through
 * Human; objects through our own runner of its CenterNet graph (loadCenterNet). The models and the
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
  face: { score: number; boxRaw: number[] }[];
  body: { score: number; boxRaw: number[]; keypoints: { part: string; positionRaw: number[]; score: number }[] }[];
}
interface HumanInstance {
  load(): Promise<void>;
  warmup?(): Promise<unknown>;
  detect(t: unknown, config?: Record<string, unknown>): Promise<HumanResult>;
  tf: Tf;
}

const round = (v: number) => Math.round(v * 1000) / 1000;
const box = (b: number[]): [number, number, number, number] => [round(b[0] ?? 0), round(b[1] ?? 0), round(b[2] ?? 0), round(b[3] ?? 0)];

/** COCO's 80 classes in CenterNet's output order (the labels Human gives them). */
const COCO_LABELS = "person,bicycle,car,motorcycle,airplane,bus,train,truck,boat,traffic light,fire hydrant,stop sign,parking meter,bench,bird,cat,dog,horse,sheep,cow,elephant,bear,zebra,giraffe,backpack,umbrella,handbag,tie,suitcase,frisbee,skis,snowboard,sports ball,kite,baseball bat,baseball glove,skateboard,surfboard,tennis racket,bottle,wine glass,cup,fork,knife,spoon,bowl,banana,apple,sandwich,orange,broccoli,carrot,hot dog,pizza,donut,cake,chair,couch,potted plant,bed,dining table,toilet,tv,laptop,mouse,remote,keyboard,cell phone,microwave,oven,toaster,sink,refrigerator,book,clock,vase,scissors,teddy bear,hair drier,toothbrush".split(",");
/** The detector's long side, as trained (the graph ships for 512×512). */
const CENTERNET_SIDE = 512;
/** Overlap above which two boxes of any class are one detection (Human's setting for CenterNet). */
const CENTERNET_IOU = 0.4;

/** The slice of tfjs this file uses (Human's own instance: one WASM backend per process). */
interface Tf {
  tensor(values: number[], shape: number[], dtype: string): TfTensor;
  tensor4d(d: Float32Array, s: number[], t: string): TfTensor;
  dispose(t: unknown): void;
  loadGraphModel(url: string): Promise<GraphModel>;
  image: {
    resizeBilinear(t: TfTensor, size: [number, number]): TfTensor;
    nonMaxSuppressionAsync(boxes: TfTensor, scores: TfTensor, max: number, iou: number, minScore: number): Promise<TfTensor>;
  };
}
interface TfTensor {
  array(): Promise<unknown>;
  data(): Promise<ArrayLike<number>>;
}
interface GraphModel {
  execute(input: TfTensor, outputs: string[]): TfTensor;
  executor: { weightMap: Record<string, TfTensor[]>; graph: { inputs: { attrParams: Record<string, { value: unknown }> }[] } };
}

/** A frame as the float NHWC batch of one that every model here takes (0..255, not normalised). */
const frameTensor = (tf: Tf, frame: RgbFrame): TfTensor => tf.tensor4d(new Float32Array(frame.data), [1, frame.height, frame.width, 3], "float32");

/** Network input for a frame: the long side at 512, the short side its share rounded to the stride (32). */
export function centerNetSize(width: number, height: number): { width: number; height: number } {
  const short = (s: number, l: number) => Math.max(32, Math.round((CENTERNET_SIDE * s) / l / 32) * 32);
  return width >= height ? { width: CENTERNET_SIDE, height: short(height, width) } : { width: short(width, height), height: CENTERNET_SIDE };
}

/**
 * CenterNet (MobileNetV3, COCO-80) run at the frame's own aspect. The published graph is fixed at
 * 512×512. Human squashes every frame to that square, which hid the dog of
 * moviepy_dog_fireplace_indoor; padding a 16:9 frame to the square keeps its shape but spends 44%
 * of the network on grey. The network is convolutional: only five constants carry the 512 (the
 * head's three upsampling sizes, the heatmap's row length that turns a peak's index into x and y,
 * the length of the box table). They are set for each input size, so a 320×180 frame runs as
 * 512×288: the content at the scale the padded square gave it, in 63% of the time (202 → 127 ms
 * a frame over 156 corpus frames). Against the padded square on those frames: 231 classes found
 * by both, 69 only by the square, 18 only at the aspect, nearly all under 0.3 and mostly wrong
 * (a sheep in a stream, a cow for the bunny, a car on the cockatoo). The people, dog, airplane and
 * bird of vision.test.ts are found as before.
 */
async function loadCenterNet(tf: Tf, modelUrl: string, minConfidence: number, maxDetected: number) {
  const model = await tf.loadGraphModel(modelUrl);
  const { weightMap, graph } = model.executor;
  graph.inputs[0]!.attrParams.shape!.value = [1, -1, -1, 3];
  const head = "tower_0/CenternetHead";
  let current = "";
  const sizeFor = (w: number, h: number) => {
    if (current === `${w}x${h}`) return;
    current = `${w}x${h}`;
    const set = (name: string, values: number[]) => {
      if (!weightMap[name]) throw new Error(`CenterNet graph has no constant ${name}: not the model this code was written for`);
      tf.dispose(weightMap[name]);
      weightMap[name] = [tf.tensor(values, values.length > 1 ? [values.length] : [], "int32")];
    };
    set(`${head}/c5_upsample/up_sampling2d/mul`, [h / 16, w / 16]);
    set(`${head}/c4_upsample/up_sampling2d_1/mul`, [h / 8, w / 8]);
    set(`${head}/c3_upsample/up_sampling2d_2/mul`, [h / 4, w / 4]);
    set("tower_0/strided_slice_6", [w / 4]);
    set("tower_0/BatchGather/concat", [(w / 4) * (h / 4), 4]);
  };
  return async (frame: RgbFrame): Promise<Detection[]> => {
    const size = centerNetSize(frame.width, frame.height);
    const input = frameTensor(tf, frame);
    const resized = tf.image.resizeBilinear(input, [size.height, size.width]);
    let out: TfTensor;
    try {
      sizeFor(size.width, size.height);
      // execute() is synchronous: no other frame can change the constants while it runs.
      out = model.execute(resized, ["tower_0/detections"]);
    } finally {
      tf.dispose([input, resized]);
    }
    // Rows of [x0, y0, x1, y1, score, class] in network pixels, best first.
    const rows = ((await out.array()) as number[][][])[0]!;
    const boxes = tf.tensor(rows.flatMap((r) => [r[1]!, r[0]!, r[3]!, r[2]!]), [rows.length, 4], "float32");
    const scores = tf.tensor(rows.map((r) => r[4]!), [rows.length], "float32");
    const keep = await tf.image.nonMaxSuppressionAsync(boxes, scores, maxDetected, CENTERNET_IOU, minConfidence);
    const kept = Array.from(await keep.data());
    tf.dispose([out, boxes, scores, keep]);
    const clamp = (v: number) => Math.max(0, Math.min(1, v));
    return kept.flatMap((i) => {
      const [x0, y0, x1, y1, score, cls] = rows[i]!;
      const label = COCO_LABELS[cls!];
      if (!label) return [];
      const bx = clamp(x0! / size.width);
      const by = clamp(y0! / size.height);
      const bbox = box([bx, by, clamp(x1! / size.width) - bx, clamp(y1! / size.height) - by]);
      return bbox[2] > 0 && bbox[3] > 0 ? [{ object: label, confidence: Math.trunc(score! * 100) / 100, bbox, time: frame.time }] : [];
    });
  };
}

/** Loads the models; when a package or file is missing or tfjs fails, returns the reason instead. */
export async function createHumanModels(opts: HumanOptions = {}): Promise<VisionModels | { absent: string }> {
  const humanDir = opts.humanDir ?? npmPackageDir("@vladmandic/human");
  const wasmDir = opts.wasmDir ?? npmPackageDir("@tensorflow/tfjs-backend-wasm");
  const missing = missingHumanFiles(humanDir, wasmDir);
  if (missing) return { absent: missing };
  const minFace = opts.minFaceConfidence ?? FACE_MIN_CONFIDENCE;
  installFileFetch();
  let human: HumanInstance;
  let detectObjects: (frame: RgbFrame) => Promise<Detection[]>;
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
      // Objects run outside Human, at the frame's aspect (loadCenterNet).
      object: { enabled: false },
      hand: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
      filter: { enabled: false },
    }) as HumanInstance;
    await human.load();
    // maxDetected 40, not 10: on a bookshelf the ten slots went to books and hid the dog.
    detectObjects = await loadCenterNet(human.tf, `file://${humanDir}/models/centernet.json`, opts.minObjectConfidence ?? OBJECT_MIN_CONFIDENCE, 40);
  } catch (err) {
    return { absent: `human/tfjs-wasm failed to load: ${(err as Error).message.split("\n")[0]}` };
  }
  const toPose = (body: HumanResult["body"][number] | undefined): Pose | null =>
    body && body.score > POSE_MIN_SCORE
      ? { score: round(body.score), bbox: box(body.boxRaw), keypoints: body.keypoints.map((k) => ({ part: k.part, x: round(k.positionRaw[0] ?? 0), y: round(k.positionRaw[1] ?? 0), score: round(k.score) })) }
      : null;
  // Human merges a per-call config into its own for good (detect() keeps it), so every call
  // states both switches: a pose-only call must not leave faces off for the next frame.
  const run = async (frame: RgbFrame, what: { faces?: boolean; pose?: boolean }) => {
    const t = frameTensor(human.tf, frame);
    try {
      return await human.detect(t, { face: { enabled: !!what.faces }, body: { enabled: !!what.pose } });
    } finally {
      human.tf.dispose(t);
    }
  };
  const faces = (r: HumanResult): Face[] => r.face.filter((f) => f.score >= minFace).map((f) => ({ confidence: round(f.score), bbox: box(f.boxRaw) }));
  let disposed = false;
  const guard = () => {
    if (disposed) throw new Error("vision models used after dispose()");
  };
  return {
    async detectObjects(frame) {
      guard();
      return detectObjects(frame);
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
      // Faces and pose share one pass of Human's.
      const objects = what.objects ? await detectObjects(frame) : [];
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
