import { resolve } from "node:path";
import { z } from "zod";

/** Log levels, quietest last. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export const LLM_PROVIDERS = ["local", "anthropic", "openai"] as const;

/** Licences approved by default (the seed's list plus public domain); spellings are normalised in src/rights. */
export const DEFAULT_APPROVED_LICENSES = ["CC0", "CC-BY", "proprietary-cleared", "public-domain"] as const;

const optionalUrl = (protocols: string[]) =>
  z
    .string()
    .trim()
    .min(1)
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
    )
    .optional();

const commaList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );

const boolish = z
  .enum(["1", "0", "true", "false", "yes", "no", ""])
  .optional()
  .transform((v) => v === "1" || v === "true" || v === "yes");

/** The one schema over the environment. Every key Reelsmith reads is here. */
export const envSchema = z
  .object({
    REELSMITH_HOME: z.string().min(1).default("./data"),
    DATABASE_URL: z
      .string()
      .trim()
      .refine((v) => v === "" || /^(postgres|postgresql|sqlite|file):/.test(v) || !v.includes("://"), {
        message: "expected postgres://…, postgresql://…, sqlite:PATH or a file path",
      })
      .optional(),
    REELSMITH_MODELS_DIR: z.string().min(1).default("./models"),
    FFMPEG_PATH: z.string().min(1).default("ffmpeg"),
    FFPROBE_PATH: z.string().min(1).default("ffprobe"),
    LLM_PROVIDER: z.enum(LLM_PROVIDERS).default("local"),
    /** Model name for the provider (defaults: claude-3-5-sonnet-latest, gpt-4o). */
    LLM_MODEL: z.string().trim().min(1).optional(),
    /** Which tasks go to the LLM when a provider is set (default all): analysis, expansion, rerank, metadata. */
    LLM_TASKS: commaList.pipe(z.array(z.enum(["analysis", "expansion", "rerank", "metadata"]))),
    LLM_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(100),
    LLM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000),
    LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    /** JSON {"model prefix": [input $/Mtok, output $/Mtok]} merged over the built-in list. */
    LLM_PRICES: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (!v) return {};
        try {
          return JSON.parse(v) as unknown;
        } catch {
          ctx.addIssue({ code: "custom", message: 'expected JSON like {"gpt-4o": [2.5, 10]}' });
          return z.NEVER;
        }
      })
      .pipe(z.record(z.string().min(1), z.tuple([z.number().min(0), z.number().min(0)]))),
    ANTHROPIC_API_KEY: z.string().min(1).optional(),
    ANTHROPIC_BASE_URL: optionalUrl(["http:", "https:"]),
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_BASE_URL: optionalUrl(["http:", "https:"]),
    REDIS_URL: optionalUrl(["redis:", "rediss:"]),
    /** Redis key prefix of the BullMQ queues (several installations can share one Redis). */
    REELSMITH_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only").default("reelsmith"),
    /** How long a worker's claim on a job holds without renewal; a dead worker's job is taken over after it. */
    REELSMITH_JOB_LEASE_SECONDS: z.coerce.number().min(1).max(3600).optional(),
    QDRANT_URL: optionalUrl(["http:", "https:"]),
    QDRANT_API_KEY: z.string().min(1).optional(),
    S3_BUCKET: z.string().min(1).optional(),
    S3_ENDPOINT: optionalUrl(["http:", "https:"]),
    S3_REGION: z.string().min(1).optional(),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    REELSMITH_API_TOKENS: commaList,
    /** Folders local paths given to the index API must lie under (uploads go to the first). */
    REELSMITH_LIBRARY_ROOTS: commaList,
    /** A folder of music the library must not reuse (audio or video files); clips playing any of it are not cleared. */
    REELSMITH_REFERENCE_TRACKS: z.string().trim().min(1).optional(),
    /** Split each production's render into this many slices worked by several workers (scale-out). */
    REELSMITH_RENDER_SPLIT: z.coerce.number().int().min(1).max(64).default(1),
    REELSMITH_UPLOAD_MAX_MB: z.coerce.number().positive().max(1_000_000).default(2048),
    /** Signs session cookies; a random one is kept under REELSMITH_HOME when unset. */
    REELSMITH_SESSION_SECRET: z.string().min(16, "use at least 16 characters").optional(),
    REELSMITH_APPROVED_LICENSES: commaList,
    HF_ENDPOINT: optionalUrl(["http:", "https:"]),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    NO_COLOR: boolish,
  })
  .superRefine((env, ctx) => {
    if (env.LLM_PROVIDER === "anthropic" && !env.ANTHROPIC_API_KEY)
      ctx.addIssue({ code: "custom", path: ["ANTHROPIC_API_KEY"], message: "required when LLM_PROVIDER=anthropic" });
    if (env.LLM_PROVIDER === "openai" && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL)
      ctx.addIssue({
        code: "custom",
        path: ["OPENAI_API_KEY"],
        message: "required when LLM_PROVIDER=openai (or set OPENAI_BASE_URL for a local server)",
      });
    const s3 = [env.S3_BUCKET, env.S3_ACCESS_KEY_ID, env.S3_SECRET_ACCESS_KEY];
    if (s3.some(Boolean) && !s3.every(Boolean))
      ctx.addIssue({
        code: "custom",
        path: ["S3_BUCKET"],
        message: "S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together",
      });
  });

export type Env = z.infer<typeof envSchema>;

/** Resolved configuration: paths absolute, engines picked. */
export interface Config {
  home: string;
  databaseUrl: string;
  dbEngine: "sqlite" | "postgres";
  modelsDir: string;
  ffmpegPath: string;
  ffprobePath: string;
  llmProvider: Env["LLM_PROVIDER"];
  approvedLicenses: string[];
  apiTokens: string[];
  libraryRoots: string[];
  uploadMaxBytes: number;
  renderSplit: number;
  redisUrl?: string;
  queuePrefix: string;
  /** Job lease / BullMQ lock duration when set (defaults differ per engine, see src/jobs). */
  jobLeaseMs?: number;
  qdrantUrl?: string;
  s3Bucket?: string;
  hfEndpoint: string;
  logLevel: Env["LOG_LEVEL"];
  env: Env;
}

/** A configuration error lists every bad key with what was expected. */
export class ConfigError extends Error {
  constructor(readonly problems: { key: string; message: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.key}: ${p.message}`).join("; ")}`);
    this.name = "ConfigError";
  }
}

/** Validates the environment once; throws ConfigError naming the bad keys. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" for optional keys, as shells export them that way.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ key: String(i.path[0] ?? "environment"), message: i.message })),
    );
  }
  const env = parsed.data;
  const home = resolve(env.REELSMITH_HOME);
  const rawDb = env.DATABASE_URL ?? "";
  const dbEngine = /^postgres(ql)?:/.test(rawDb) ? "postgres" : "sqlite";
  const databaseUrl =
    dbEngine === "postgres"
      ? rawDb
      : rawDb === ":memory:"
        ? ":memory:"
        : resolve(rawDb ? rawDb.replace(/^(sqlite|file):(\/\/)?/, "") : `${home}/reelsmith.db`);
  return {
    home,
    databaseUrl,
    dbEngine,
    modelsDir: resolve(env.REELSMITH_MODELS_DIR),
    ffmpegPath: env.FFMPEG_PATH,
    ffprobePath: env.FFPROBE_PATH,
    llmProvider: env.LLM_PROVIDER,
    approvedLicenses: env.REELSMITH_APPROVED_LICENSES.length
      ? env.REELSMITH_APPROVED_LICENSES
      : [...DEFAULT_APPROVED_LICENSES],
    apiTokens: env.REELSMITH_API_TOKENS,
    libraryRoots: (env.REELSMITH_LIBRARY_ROOTS.length ? env.REELSMITH_LIBRARY_ROOTS : [`${home}/library`]).map((r) => resolve(r)),
    uploadMaxBytes: Math.round(env.REELSMITH_UPLOAD_MAX_MB * 1024 * 1024),
    renderSplit: env.REELSMITH_RENDER_SPLIT,
    redisUrl: env.REDIS_URL,
    queuePrefix: env.REELSMITH_QUEUE_PREFIX,
    jobLeaseMs: env.REELSMITH_JOB_LEASE_SECONDS === undefined ? undefined : Math.round(env.REELSMITH_JOB_LEASE_SECONDS * 1000),
    qdrantUrl: env.QDRANT_URL,
    s3Bucket: env.S3_BUCKET,
    hfEndpoint: env.HF_ENDPOINT ?? "https://huggingface.co",
    logLevel: env.LOG_LEVEL,
    env,
  };
}

/** Hides the password of a connection URL for messages and logs. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
  }
}
