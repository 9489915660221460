/**
 * The LLM client the pipelines use, built from the configuration; null when the provider is
 * `local` (the default: no network at all) or the task is not handed to the LLM.
 */
import type { AppContext } from "../app.ts";
import { sharedRateLimiter } from "../jobs/redis-rate-limit.ts";
import { LlmClient, TokenBucket, type RateLimiter } from "./client.ts";
import { DEFAULT_PRICES } from "./prices.ts";
import { anthropicProvider, openaiProvider } from "./providers.ts";
import { LLM_TASKS, type LlmTask } from "./types.ts";

export const DEFAULT_MODELS = { anthropic: "claude-3-5-sonnet-latest", openai: "gpt-4o" } as const;

const limiters = new Map<string, RateLimiter>();

export interface Llm {
  client: LlmClient;
  /** Whether `task` is handed to the LLM (LLM_TASKS; all by default). */
  handles(task: LlmTask): boolean;
}

export function createLlm(app: AppContext): Llm | null {
  const env = app.config.env;
  if (env.LLM_PROVIDER === "local") return null;
  const model = env.LLM_MODEL ?? DEFAULT_MODELS[env.LLM_PROVIDER];
  const provider =
    env.LLM_PROVIDER === "anthropic"
      ? anthropicProvider({ apiKey: env.ANTHROPIC_API_KEY!, baseURL: env.ANTHROPIC_BASE_URL, model, timeoutMs: env.LLM_TIMEOUT_MS })
      : openaiProvider({ apiKey: env.OPENAI_API_KEY ?? "not-needed", baseURL: env.OPENAI_BASE_URL, model, timeoutMs: env.LLM_TIMEOUT_MS });
  // With Redis the limit is shared by every worker on every machine; otherwise per process.
  const key = `${env.LLM_PROVIDER}:${env.LLM_RATE_LIMIT_PER_MINUTE}:${app.config.redisUrl ?? ""}`;
  let limiter = limiters.get(key);
  if (!limiter) {
    limiter = sharedRateLimiter(app.config, { limit: env.LLM_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }) ?? new TokenBucket(env.LLM_RATE_LIMIT_PER_MINUTE);
    limiters.set(key, limiter);
  }
  const tasks = new Set<LlmTask>(env.LLM_TASKS.length ? env.LLM_TASKS : LLM_TASKS);
  const client = new LlmClient(app, {
    provider,
    limiter,
    prices: { ...DEFAULT_PRICES, ...env.LLM_PRICES },
    maxRetries: env.LLM_MAX_RETRIES,
    secrets: [env.ANTHROPIC_API_KEY ?? "", env.OPENAI_API_KEY ?? ""],
  });
  return { client, handles: (t) => tasks.has(t) };
}
