/**
 * Opens CLIP's vision and text sessions on CUDA when asked for and possible, otherwise on the CPU,
 * always saying why. The CUDA provider is only in onnxruntime-node when its install script could
 * download it (skipped here, see .npmrc), and even then needs a driver and a GPU: so it is tried
 * for real, and its failure reason is kept instead of aborting.
 */
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { InferenceSession } from "onnxruntime-node";

type Ort = typeof import("onnxruntime-node");

export type ClipDevice = "auto" | "cpu" | "cuda";

export interface ClipSessions {
  vision: InferenceSession;
  text: InferenceSession;
  provider: { name: "cpu" | "cuda"; reason: string };
}

/** Whether this onnxruntime-node build lists a CUDA execution provider. */
export function cudaCompiledIn(ort: Ort): boolean {
  return (ort.listSupportedBackends?.() ?? []).some((b) => b.name === "cuda");
}

/**
 * Where onnxruntime-node keeps the CUDA provider library when its install step fetched it
 * (bin/napi-vN/PLATFORM/ARCH), or null when it is not there. The binding lists "cuda" with
 * bundled: false either way, so the file is what tells.
 */
export function cudaProviderLibrary(): string | null {
  try {
    const pkg = dirname(createRequire(import.meta.url).resolve("onnxruntime-node/package.json"));
    const bin = join(pkg, "bin");
    for (const napi of existsSync(bin) ? readdirSync(bin) : []) {
      const lib = join(bin, napi, process.platform, process.arch, "libonnxruntime_providers_cuda.so");
      if (existsSync(lib)) return lib;
    }
  } catch {
    // A compiled binary has no node_modules to look in: treat as not installed.
  }
  return null;
}

/** Checks the input names of Xenova's export, so a wrong file fails with a clear reason. */
export function checkInputs(vision: InferenceSession, text: InferenceSession): string | null {
  if (!vision.inputNames.includes("pixel_values")) return `vision model inputs are [${vision.inputNames.join(", ")}], expected pixel_values`;
  if (!text.inputNames.includes("input_ids")) return `text model inputs are [${text.inputNames.join(", ")}], expected input_ids (+ attention_mask)`;
  const extra = text.inputNames.filter((n) => n !== "input_ids" && n !== "attention_mask");
  if (extra.length) return `text model wants inputs this code does not feed: ${extra.join(", ")}`;
  if (!vision.outputNames.includes("image_embeds")) return `vision model outputs are [${vision.outputNames.join(", ")}], expected image_embeds`;
  if (!text.outputNames.includes("text_embeds")) return `text model outputs are [${text.outputNames.join(", ")}], expected text_embeds`;
  return null;
}

async function open(ort: Ort, visionPath: string, textPath: string, provider: "cpu" | "cuda"): Promise<{ vision: InferenceSession; text: InferenceSession }> {
  const options: InferenceSession.SessionOptions = { executionProviders: [provider], graphOptimizationLevel: "all", logSeverityLevel: provider === "cuda" ? 4 : 3 };
  const vision = await ort.InferenceSession.create(visionPath, options);
  try {
    return { vision, text: await ort.InferenceSession.create(textPath, options) };
  } catch (err) {
    await vision.release();
    throw err;
  }
}

/** Opens both sessions, CUDA first when wanted and available, CPU otherwise. */
export async function openSessions(ort: Ort, visionPath: string, textPath: string, device: ClipDevice): Promise<ClipSessions | { reason: string }> {
  let cpuReason = "CPU requested";
  if (device !== "cpu") {
    if (!cudaCompiledIn(ort)) {
      cpuReason = "CUDA execution provider not compiled into this onnxruntime-node build";
    } else if (device === "auto" && !cudaProviderLibrary()) {
      cpuReason = "CUDA provider library (libonnxruntime_providers_cuda.so) not installed with onnxruntime-node: its install step, which downloads it, was skipped";
    } else {
      // "fatal": the native layer otherwise prints its own load error to stderr before ours.
      ort.env.logLevel = "fatal";
      try {
        const pair = await open(ort, visionPath, textPath, "cuda");
        const bad = checkInputs(pair.vision, pair.text);
        if (bad) {
          await Promise.all([pair.vision.release(), pair.text.release()]);
          return { reason: bad };
        }
        return { ...pair, provider: { name: "cuda", reason: "sessions started on the CUDA execution provider" } };
      } catch (err) {
        cpuReason = `CUDA execution provider failed to start: ${(err as Error).message.split("\n")[0]}`;
      }
    }
  }
  try {
    const pair = await open(ort, visionPath, textPath, "cpu");
    const bad = checkInputs(pair.vision, pair.text);
    if (bad) {
      await Promise.all([pair.vision.release(), pair.text.release()]);
      return { reason: bad };
    }
    return { ...pair, provider: { name: "cpu", reason: cpuReason } };
  } catch (err) {
    return { reason: `CLIP ONNX files cannot be opened: ${(err as Error).message.split("\n")[0]}` };
  }
}
