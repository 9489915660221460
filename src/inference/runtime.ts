/**
 * What onnxruntime can run on here. onnxruntime-node is loaded lazily: the compiled binary
 * runs `doctor` without node_modules, and then reports the runtime as absent with the reason.
 */
export interface OnnxRuntimeStatus {
  available: boolean;
  version?: string;
  /** Execution providers compiled into the binding (cpu, cuda, tensorrt, …) and whether bundled. */
  backends: { name: string; bundled: boolean }[];
  cuda: { usable: boolean; reason: string };
  reason?: string;
}

type OrtModule = typeof import("onnxruntime-node");

/** Loads onnxruntime-node, or returns why it cannot be loaded. */
export async function loadOnnxRuntime(): Promise<{ ort: OrtModule } | { reason: string }> {
  try {
    return { ort: await import("onnxruntime-node") };
  } catch (err) {
    return { reason: `onnxruntime-node cannot be loaded: ${(err as Error).message.split("\n")[0]}` };
  }
}

/**
 * Reports the runtime and whether the CUDA execution provider can really start: listing it
 * is not enough, since the npm package ships the CUDA provider only when its install script
 * could download it (skipped here, see .npmrc), and it needs a driver and a GPU.
 */
export async function checkOnnxRuntime(probeModelPath?: string): Promise<OnnxRuntimeStatus> {
  const loaded = await loadOnnxRuntime();
  if ("reason" in loaded) return { available: false, backends: [], cuda: { usable: false, reason: loaded.reason }, reason: loaded.reason };
  const { ort } = loaded;
  const backends = (ort.listSupportedBackends?.() ?? []).map((b) => ({ name: b.name, bundled: b.bundled }));
  const version = ort.env.versions?.node ?? ort.env.versions?.common;
  let cuda: OnnxRuntimeStatus["cuda"];
  if (!backends.some((b) => b.name === "cuda")) {
    cuda = { usable: false, reason: "CUDA execution provider not compiled into this onnxruntime-node build" };
  } else if (!probeModelPath) {
    cuda = { usable: false, reason: "no model to test the CUDA provider with" };
  } else {
    try {
      // "fatal": the native layer otherwise prints the missing-library error itself, before ours.
      ort.env.logLevel = "fatal";
      const session = await ort.InferenceSession.create(probeModelPath, { executionProviders: [{ name: "cuda" }], logSeverityLevel: 4 });
      await session.release();
      cuda = { usable: true, reason: "a session started on the CUDA execution provider" };
    } catch (err) {
      cuda = { usable: false, reason: (err as Error).message.split("\n")[0] ?? "CUDA provider failed to start" };
    }
  }
  return { available: true, version, backends, cuda };
}
