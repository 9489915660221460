import { statfs } from "node:fs/promises";
import { mkdirSync } from "node:fs";
import { maskUrl, type Config } from "../../config.ts";
import { migrationStatus, openDatabase } from "../../db/client.ts";
import { checkOnnxRuntime, type OnnxRuntimeStatus } from "../../inference/runtime.ts";
import { checkRedis } from "../../jobs/bullmq.ts";
import { QdrantVectorIndex } from "../../search/vector/qdrant.ts";
import { createMediaStore } from "../../storage/index.ts";
import { checkEncoders, toolVersion, type EncoderSupport } from "../../media/capabilities.ts";
import { listModels, type ModelStatus } from "../../models/registry.ts";
import { formatTable, printJson } from "../output.ts";

/** Encoders a render may use: software H.264/AAC, and the NVENC family where a GPU exists. */
const ENCODERS = ["libx264", "aac", "h264_nvenc", "hevc_nvenc"];

export interface DoctorReport {
  ok: boolean;
  ffmpeg: { path: string; ok: boolean; version?: string; reason?: string };
  ffprobe: { path: string; ok: boolean; version?: string; reason?: string };
  encoders: EncoderSupport[];
  onnxruntime: OnnxRuntimeStatus;
  models: ModelStatus[];
  database: { engine: string; location: string; reachable: boolean; migrated: boolean; applied?: number; expected?: number; reason?: string };
  disk: { path: string; free_bytes: number | null; free_gib: number | null; reason?: string };
  scale_out: { redis: EngineCheck; qdrant: EngineCheck; s3: EngineCheck; llm_provider: string };
}

/** One scale-out engine: set or not, and when set, reachable or not with the reason. */
export interface EngineCheck {
  configured: boolean;
  /** What is used: the engine's address, or the embedded default when not configured. */
  using: string;
  /** null when not configured (nothing to reach). */
  reachable: boolean | null;
  detail?: string;
  reason?: string;
}

/** Checks REDIS_URL, QDRANT_URL and S3 each on its own, in parallel. */
async function checkScaleOut(config: Config): Promise<Omit<DoctorReport["scale_out"], "llm_provider">> {
  const redis = async (): Promise<EngineCheck> => {
    if (!config.redisUrl) return { configured: false, using: "in-process job table (REDIS_URL not set)", reachable: null };
    const r = await checkRedis(config.redisUrl);
    return { configured: true, using: `BullMQ on ${maskUrl(config.redisUrl)}`, reachable: r.ok, ...(r.ok ? { detail: `Redis ${r.version ?? "?"}` } : { reason: r.reason }) };
  };
  const qdrant = async (): Promise<EngineCheck> => {
    if (!config.qdrantUrl) return { configured: false, using: "in-process vector index (QDRANT_URL not set)", reachable: null };
    const r = await QdrantVectorIndex.check(config.qdrantUrl, config.env.QDRANT_API_KEY);
    return { configured: true, using: `Qdrant at ${maskUrl(config.qdrantUrl)}`, reachable: r.ok, ...(r.ok ? { detail: `${r.collections} collection(s)` } : { reason: r.reason }) };
  };
  const s3 = async (): Promise<EngineCheck> => {
    const store = createMediaStore(config);
    if (store.kind !== "s3") return { configured: false, using: `local media store under ${store.location}`, reachable: null };
    const r = await store.check();
    return { configured: true, using: store.location, reachable: r.ok, ...(r.ok ? { detail: "read and write" } : { reason: r.reason }) };
  };
  const [r, q, s] = await Promise.all([redis(), qdrant(), s3()]);
  return { redis: r, qdrant: q, s3: s };
}

/** Runs every check; never throws — each failure is reported with its reason. */
export async function runDoctor(config: Config): Promise<DoctorReport> {
  const [ffv, fpv] = await Promise.all([toolVersion(config.ffmpegPath), toolVersion(config.ffprobePath)]);
  const encoders = ffv.ok ? await checkEncoders(config.ffmpegPath, ENCODERS).catch(() => []) : [];
  const models = await listModels(config);
  const vad = models.find((m) => m.name === "silero-vad" && m.present);
  const onnxruntime = await checkOnnxRuntime(vad?.path);
  const database = await checkDatabase(config);
  const disk = await checkDisk(config.home);
  const scaleOut = await checkScaleOut(config);
  // A configured engine that cannot be reached breaks the commands that use it.
  const enginesOk = Object.values(scaleOut).every((e) => e.reachable !== false);
  const ok = ffv.ok && fpv.ok && database.reachable && database.migrated && enginesOk;
  return {
    ok,
    ffmpeg: { path: config.ffmpegPath, ...(ffv.ok ? { ok: true, version: ffv.version } : { ok: false, reason: ffv.reason }) },
    ffprobe: { path: config.ffprobePath, ...(fpv.ok ? { ok: true, version: fpv.version } : { ok: false, reason: fpv.reason }) },
    encoders,
    onnxruntime,
    models,
    database,
    disk,
    scale_out: { ...scaleOut, llm_provider: config.llmProvider },
  };
}

async function checkDatabase(config: Config): Promise<DoctorReport["database"]> {
  const location = config.dbEngine === "postgres" ? maskUrl(config.databaseUrl) : config.databaseUrl;
  try {
    if (config.dbEngine === "sqlite") mkdirSync(config.home, { recursive: true });
    const db = await openDatabase(config.databaseUrl);
    try {
      const s = await migrationStatus(db);
      return { engine: config.dbEngine, location, reachable: true, migrated: s.applied >= s.expected, ...s };
    } finally {
      await db.close();
    }
  } catch (err) {
    const reason = (err as Error).message.replace(`database ${location}: `, "");
    return { engine: config.dbEngine, location, reachable: false, migrated: false, reason };
  }
}

async function checkDisk(path: string): Promise<DoctorReport["disk"]> {
  try {
    mkdirSync(path, { recursive: true });
    const s = await statfs(path);
    const free = s.bavail * s.bsize;
    return { path, free_bytes: free, free_gib: Math.round((free / 2 ** 30) * 10) / 10 };
  } catch (err) {
    return { path, free_bytes: null, free_gib: null, reason: (err as Error).message };
  }
}

/** `reelsmith doctor [--json]`. Exit code 1 when a required part (ffmpeg, database) is broken. */
export async function doctorCommand(config: Config, json: boolean): Promise<number> {
  const r = await runDoctor(config);
  if (json) {
    printJson(r);
    return r.ok ? 0 : 1;
  }
  const mark = (b: boolean) => (b ? "ok " : "-- ");
  const lines = [
    `${mark(r.ffmpeg.ok)} ffmpeg   ${r.ffmpeg.version ?? r.ffmpeg.reason} (${r.ffmpeg.path})`,
    `${mark(r.ffprobe.ok)} ffprobe  ${r.ffprobe.version ?? r.ffprobe.reason} (${r.ffprobe.path})`,
    ...r.encoders.map((e) => `${mark(e.usable)} encoder  ${e.name}${e.usable ? "" : `: ${e.reason}`}`),
    `${mark(r.onnxruntime.available)} onnxruntime ${r.onnxruntime.version ?? r.onnxruntime.reason} [${r.onnxruntime.backends.map((b) => b.name).join(", ")}]`,
    `${mark(r.onnxruntime.cuda.usable)} onnxruntime CUDA: ${r.onnxruntime.cuda.reason}`,
    `${mark(r.database.reachable && r.database.migrated)} database ${r.database.engine} ${r.database.location}${r.database.reason ? `: ${r.database.reason}` : ` (migrations ${r.database.applied}/${r.database.expected})`}`,
    `${mark(r.disk.free_bytes !== null)} disk     ${r.disk.free_gib ?? "?"} GiB free in ${r.disk.path}`,
    "",
    "models:",
    formatTable(
      ["", "name", "task", "source", "where / why missing"],
      r.models.map((m) => [m.present ? "ok" : "--", m.name, m.task, m.source, m.present ? m.path : m.missing_reason]),
    ),
    "",
    "scale-out:",
    ...(["redis", "qdrant", "s3"] as const).map((k) => {
      const e = r.scale_out[k];
      return `${e.reachable === false ? "-- " : "ok "} ${k.padEnd(6)} ${e.using}${e.reachable === null ? "" : e.reachable ? ` (${e.detail})` : `: ${e.reason}`}`;
    }),
    `    llm    ${r.scale_out.llm_provider}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return r.ok ? 0 : 1;
}
