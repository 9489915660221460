/**
 * Brand safety with nsfwjs (MobileNet models trained on five classes: Drawing, Hentai, Neutral,
 * Porn, Sexy). The model ships inside the npm package as base64 bundles, so nothing is downloaded; it
 * runs on tfjs's WASM backend (the same 4.22 build @vladmandic/human uses, which shares tfjs's
 * process-wide engine, so both load side by side). The WASM binary is read through the
 * `file://` fetch shim, as for human.
 */
import type { RgbFrame } from "../analysis/types.ts";
import { spread } from "../analysis/vision.ts";
import { npmPackageDir } from "../models/registry.ts";
import { installFileFetch } from "./tfjs-file-fetch.ts";

export const NSFW_CLASSES = ["Drawing", "Hentai", "Neutral", "Porn", "Sexy"] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];
export type NsfwScores = Record<NsfwClass, number>;

/**
 * The flag rule, written down. Explicit = P(Porn) + P(Hentai) (photographed or drawn);
 * suggestive = P(Sexy), held to a higher bar because the class also takes swimwear and gym
 * clothes. A frame is confirmed unsafe when
 *   1. the screening model (MobileNetV2) puts it at explicit ≥ 0.6 or suggestive ≥ 0.8, and
 *   2. the confirming model (MobileNetV2Mid, trained apart) puts it at explicit ≥ 0.8 or
 *      suggestive ≥ 0.9.
 * The clip is flagged when it shows a person (detected, or a face) and either two of its
 * keyframes are confirmed or one is confirmed at ≥ 0.9.
 *
 * Why so many conditions: both models mistake skin tones and pink surfaces for nudity. On the
 * corpus's 53 harmless clips, MobileNetV2 alone put 11 over its bar (a cockatoo close-up 0.97,
 * hands holding a jar 0.86, arm wrestling 0.81, a blooming flower 0.76). MobileNetV2Mid
 * disagreed on all but three: the cockatoo (0.95 on three frames: no person), the jar (0.87 on
 * one frame of five) and a cup in a hand (0.63). The rule leaves all 53 cleared. Its cost: a
 * borderline single frame is missed rather than a harmless clip blocked; recall could not be
 * measured here (no unsafe footage). Safe footage costs one small model per keyframe; only
 * screened frames see the second.
 */
export const NSFW_SCREEN = { explicit: 0.6, suggestive: 0.8 };
export const NSFW_CONFIRM = { explicit: 0.8, suggestive: 0.9 };
/** One confirmed frame at or above this flags the clip on its own. */
export const NSFW_SINGLE_FRAME = 0.9;

export interface UnsafeFrame {
  time: number;
  /** Which rule fired: "explicit" (porn + hentai) or "suggestive" (sexy). */
  label: "explicit" | "suggestive";
  score: number;
}

/** Applies one bar to one frame's scores; null when the frame stays under it. */
export function unsafeVerdict(s: NsfwScores, time: number, bar: { explicit: number; suggestive: number } = NSFW_SCREEN): UnsafeFrame | null {
  const explicit = s.Porn + s.Hentai;
  if (explicit >= bar.explicit) return { time, label: "explicit", score: round(explicit) };
  if (s.Sexy >= bar.suggestive) return { time, label: "suggestive", score: round(s.Sexy) };
  return null;
}

const round = (v: number) => Math.round(v * 1000) / 1000;

export interface NsfwClassifier {
  /** The five class probabilities of one frame from MobileNetV2, the screening model (they sum to 1). */
  screen(frame: RgbFrame): Promise<NsfwScores>;
  /** The same from MobileNetV2Mid, the confirming model. */
  confirm(frame: RgbFrame): Promise<NsfwScores>;
}

interface TfLike {
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  tensor3d(data: Uint8Array, shape: number[], dtype: string): { dispose(): void };
}
interface NsfwModel {
  classify(img: unknown, topk?: number): Promise<{ className: string; probability: number }[]>;
}

/** Loads the two bundled models; when a package is missing or tfjs fails, returns the reason instead. */
export async function createNsfwClassifier(): Promise<NsfwClassifier | { absent: string }> {
  const wasmDir = npmPackageDir("@tensorflow/tfjs-backend-wasm");
  if (!npmPackageDir("nsfwjs")) return { absent: "npm package nsfwjs is not installed (node_modules not found)" };
  if (!wasmDir) return { absent: "npm package @tensorflow/tfjs-backend-wasm is not installed (node_modules not found)" };
  installFileFetch();
  try {
    const tf = (await import("@tensorflow/tfjs")) as unknown as TfLike;
    const { setWasmPaths } = await import("@tensorflow/tfjs-backend-wasm");
    const { load } = await import("nsfwjs/core");
    const { MobileNetV2Model } = await import("nsfwjs/models/mobilenet_v2");
    const { MobileNetV2MidModel } = await import("nsfwjs/models/mobilenet_v2_mid");
    if (tf.getBackend() !== "wasm") {
      setWasmPaths(`file://${wasmDir}/dist/`);
      if (!(await tf.setBackend("wasm"))) return { absent: "tfjs could not start its WASM backend for nsfwjs" };
    }
    // nsfwjs announces the bundled model on console.info each load; it says nothing we need.
    const info = console.info;
    console.info = () => {};
    let screening: NsfwModel;
    let confirming: NsfwModel;
    try {
      screening = (await load("MobileNetV2", { modelDefinitions: [MobileNetV2Model] })) as unknown as NsfwModel;
      confirming = (await load("MobileNetV2Mid", { modelDefinitions: [MobileNetV2MidModel] })) as unknown as NsfwModel;
    } finally {
      console.info = info;
    }
    const classify = async (model: NsfwModel, frame: RgbFrame): Promise<NsfwScores> => {
      const t = tf.tensor3d(frame.data, [frame.height, frame.width, 3], "int32");
      try {
        const out = await model.classify(t, NSFW_CLASSES.length);
        const scores = Object.fromEntries(NSFW_CLASSES.map((c) => [c, 0])) as NsfwScores;
        for (const o of out) if ((NSFW_CLASSES as readonly string[]).includes(o.className)) scores[o.className as NsfwClass] = round(o.probability);
        return scores;
      } finally {
        t.dispose();
      }
    };
    return { screen: (f) => classify(screening, f), confirm: (f) => classify(confirming, f) };
  } catch (err) {
    return { absent: `nsfwjs/tfjs-wasm failed to load: ${(err as Error).message.split("\n")[0]}` };
  }
}

export interface SafetyReport {
  /** Frames looked at (keyframes, evenly spread, at most `max`; none without a person). */
  frames: number;
  /** Frames the screening model flagged and the confirming model was asked about. */
  confirmed: number;
  /** Why the clip was not screened (no person in it). */
  gate?: string;
  /** Frames both models put over their bars. */
  unsafe: UnsafeFrame[];
  /** The clip's verdict: a person in it, and two unsafe frames or one at NSFW_SINGLE_FRAME. */
  flagged: boolean;
  /** The highest explicit (porn + hentai) and suggestive (sexy) scores the screening model saw. */
  maxExplicit: number;
  maxSuggestive: number;
}

/** Why a clip without a person is not screened: the rule cannot flag it, whatever the models say. */
export const NO_PERSON_GATE = "no person in the clip: not screened (the rule flags only clips that show a person)";

/**
 * Screens up to `max` frames spread over the list; a flagged frame is unsafe only when the rule's
 * other two conditions hold. A clip without a person is not screened at all: its verdict could
 * not change (the models' false alarms, a cockatoo at 0.97, are on such clips), and the two
 * MobileNets were about a tenth of indexing's model time.
 */
export async function checkSafety(classifier: NsfwClassifier, frames: RgbFrame[], opts: { max?: number; person: boolean }): Promise<SafetyReport> {
  const max = opts.max ?? 8;
  if (!opts.person) return { frames: 0, confirmed: 0, gate: NO_PERSON_GATE, unsafe: [], flagged: false, maxExplicit: 0, maxSuggestive: 0 };
  const picks = spread([...frames].sort((a, b) => a.time - b.time), max);
  const report: SafetyReport = { frames: picks.length, confirmed: 0, unsafe: [], flagged: false, maxExplicit: 0, maxSuggestive: 0 };
  for (const f of picks) {
    const s = await classifier.screen(f);
    report.maxExplicit = Math.max(report.maxExplicit, round(s.Porn + s.Hentai));
    report.maxSuggestive = Math.max(report.maxSuggestive, s.Sexy);
    if (!unsafeVerdict(s, f.time, NSFW_SCREEN)) continue;
    report.confirmed++;
    const confirmed = unsafeVerdict(await classifier.confirm(f), f.time, NSFW_CONFIRM);
    if (confirmed) report.unsafe.push(confirmed);
  }
  report.flagged = report.unsafe.length >= 2 || report.unsafe.some((u) => u.score >= NSFW_SINGLE_FRAME);
  return report;
}
