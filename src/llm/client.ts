/**
 * One LLM client over the providers (src/llm/providers.ts) with the operations every call needs:
 * - a rate limit per provider (token bucket in process, or the Redis-shared limit across workers),
 * - retries with exponential back-off and jitter on 429, 5xx, timeouts and dropped connections,
 *   honouring Retry-After (the SDKs' own retries are off so this loop is the only one),
 * - a response cache keyed by the SHA-256 of everything sent (images included), in the database,
 * - token accounting turned into cost per request and per day (llm_usage), and the
 *   llm_request_duration_seconds histogram,
 * - structured replies validated by zod; an invalid reply is retried with the validation error.
 * API keys never reach a log, an error or the database: messages are redacted before they leave.
 */
import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { Histogram } from "prom-client";
import type { z } from "zod";
import type { AppContext } from "../app.ts";
import { metricsRegistry } from "../lib/metrics.ts";
import { costOf, type Prices } from "./prices.ts";
import type { LlmProvider, LlmRequest, LlmTask } from "./types.ts";

export const llmRequestDuration =
  (metricsRegistry.getSingleMetric("llm_request_duration_seconds") as Histogram | undefined) ??
  new Histogram({ name: "llm_request_duration_seconds", help: "LLM request latency", labelNames: ["provider", "task", "status"], buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64], registers: [metricsRegistry] });

export interface RateLimiter {
  acquire(key: string, signal?: AbortSignal): Promise<void>;
}

/** A token bucket: `perMinute` requests a minute, bursts of at most `burst`. FIFO, so no one starves. */
export class TokenBucket implements RateLimiter {
  private tokens: number;
  private last = performance.now();
  private queue: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  constructor(
    private readonly perMinute: number,
    private readonly burst = Math.max(1, Math.min(10, Math.floor(perMinute / 6))),
  ) {
    this.tokens = this.burst;
  }

  private refill() {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
  }

  private drain = () => {
    this.timer = null;
    this.refill();
    while (this.queue.length && this.tokens >= 1) {
      this.tokens -= 1;
      this.queue.shift()!();
    }
    if (this.queue.length) this.timer = setTimeout(this.drain, Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute));
  };

  acquire(_key: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const go = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      const onAbort = () => {
        this.queue = this.queue.filter((f) => f !== go);
        reject(signal!.reason ?? new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(go);
      if (!this.timer) this.drain();
    });
  }
}

export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: "http" | "timeout" | "network" | "invalid_reply" | "refused",
    readonly status?: number,
  ) {
    super(message);
    this.name = "LlmError";
  }
}

export interface LlmClientOptions {
  provider: LlmProvider;
  limiter: RateLimiter;
  prices: Prices;
  maxRetries: number;
  /** Base of the exponential back-off, ms (tests make it small). */
  backoffMs?: number;
  /** Secrets to scrub from anything stored or thrown. */
  secrets?: string[];
  cache?: boolean;
  now?: () => Date;
}

export interface Completion {
  text: string;
  cached: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Seconds or an HTTP date from a Retry-After header, as milliseconds (capped at 2 minutes). */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.min(120_000, Math.max(0, secs * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.min(120_000, Math.max(0, at - now));
}

/** What an SDK error says about retrying. */
function classify(err: unknown): { retry: boolean; status?: number; kind: LlmError["kind"]; waitMs: number | null; message: string } {
  const e = err as { status?: number; headers?: Headers | Record<string, string>; name?: string; message?: string };
  const headers = e.headers;
  const header = (k: string) => (headers instanceof Headers ? headers.get(k) : headers?.[k] ?? null);
  const status = typeof e.status === "number" ? e.status : undefined;
  const msg = e.message ?? String(err);
  if (/timeout|timed out/i.test(`${e.name} ${msg}`)) return { retry: true, kind: "timeout", waitMs: null, message: `timed out: ${msg}` };
  if (status === undefined) return { retry: true, kind: "network", waitMs: null, message: msg };
  if (status === 429 || status === 408 || status === 409 || status >= 500) return { retry: true, status, kind: "http", waitMs: retryAfterMs(header("retry-after")), message: msg };
  return { retry: false, status, kind: "refused", waitMs: null, message: msg };
}

export class LlmClient {
  readonly provider: LlmProvider;
  constructor(
    private readonly app: AppContext,
    private readonly o: LlmClientOptions,
  ) {
    this.provider = o.provider;
  }

  /** Removes API keys from text before it is stored or thrown. */
  redact(text: string): string {
    let out = text;
    for (const s of this.o.secrets ?? []) if (s && s.length >= 6) out = out.split(s).join("***");
    return out.replace(/(sk-[A-Za-z0-9_-]{6})[A-Za-z0-9_-]+/g, "$1***");
  }

  private cacheKey(task: LlmTask, req: LlmRequest): string {
    const h = createHash("sha256");
    h.update(JSON.stringify([this.provider.name, this.provider.model, task, req.system, req.messages.map((m) => [m.role, m.text])]));
    for (const img of req.images ?? []) h.update(img);
    return h.digest("hex");
  }

  private async record(task: LlmTask, row: { inputTokens: number; outputTokens: number; costUsd: number; latencyMs: number; status: string; cached: boolean; error?: string }) {
    const day = (this.o.now?.() ?? new Date()).toISOString().slice(0, 10);
    await this.app.database.db.insert(this.app.database.tables.llmUsage).values({
      provider: this.provider.name,
      model: this.provider.model,
      task,
      day,
      inputTokens: row.inputTokens,
      outputTokens: row.outputTokens,
      costUsd: row.costUsd,
      latencyMs: row.latencyMs,
      status: row.status,
      cached: row.cached,
      error: row.error ? this.redact(row.error).slice(0, 1000) : null,
    });
  }

  /** One completion with rate limit, retries, cache and accounting. */
  async complete(task: LlmTask, req: LlmRequest, signal?: AbortSignal): Promise<Completion> {
    const db = this.app.database.db;
    const t = this.app.database.tables.llmCache;
    const key = this.cacheKey(task, req);
    if (this.o.cache !== false) {
      const [hit] = await db.select().from(t).where(eq(t.key, key)).limit(1);
      if (hit) {
        await this.record(task, { inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: 0, status: "cached", cached: true });
        return { text: String((hit.response as { text: string }).text), cached: true, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      }
    }
    const base = this.o.backoffMs ?? 1000;
    for (let attempt = 0; ; attempt++) {
      await this.o.limiter.acquire(`llm:${this.provider.name}`, signal);
      const started = performance.now();
      try {
        const reply = await this.provider.complete(req, signal);
        const latencyMs = performance.now() - started;
        const costUsd = costOf(this.o.prices, this.provider.model, reply.inputTokens, reply.outputTokens);
        llmRequestDuration.observe({ provider: this.provider.name, task, status: "ok" }, latencyMs / 1000);
        await this.record(task, { inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, costUsd, latencyMs, status: "ok", cached: false });
        return { text: reply.text, cached: false, inputTokens: reply.inputTokens, outputTokens: reply.outputTokens, costUsd };
      } catch (err) {
        if (signal?.aborted) throw err;
        const latencyMs = performance.now() - started;
        const c = classify(err);
        const status = c.status ? String(c.status) : c.kind;
        llmRequestDuration.observe({ provider: this.provider.name, task, status }, latencyMs / 1000);
        await this.record(task, { inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs, status, cached: false, error: c.message });
        if (!c.retry || attempt >= this.o.maxRetries)
          throw new LlmError(this.redact(`${this.provider.name} ${task} request failed${attempt ? ` after ${attempt + 1} attempts` : ""}: ${c.message}`), c.kind, c.status);
        const backoff = base * 2 ** attempt * (0.5 + Math.random() / 2);
        await Bun.sleep(c.waitMs ?? backoff);
      }
    }
  }

  /** Stores a reply in the cache (only replies that passed validation are worth keeping). */
  async remember(task: LlmTask, req: LlmRequest, text: string): Promise<void> {
    if (this.o.cache === false) return;
    const t = this.app.database.tables.llmCache;
    await this.app.database.db
      .insert(t)
      .values({ key: this.cacheKey(task, req), provider: this.provider.name, model: this.provider.model, task, response: { text } })
      .onConflictDoNothing();
  }

  /**
   * A structured reply: JSON validated by `schema`. An invalid reply is sent back with the
   * validation error (up to `repairs` times); after that LlmError("invalid_reply") says why.
   */
  async completeJson<S extends z.ZodType>(task: LlmTask, req: LlmRequest, schema: S, opts: { repairs?: number; signal?: AbortSignal } = {}): Promise<{ value: z.infer<S>; completion: Completion }> {
    const original = req;
    let current = req;
    let lastProblem = "";
    for (let round = 0; round <= (opts.repairs ?? 2); round++) {
      const completion = await this.complete(task, current, opts.signal);
      const problem = validate(schema, completion.text);
      if (problem.ok) {
        if (!completion.cached) await this.remember(task, original, completion.text);
        return { value: problem.value, completion };
      }
      lastProblem = problem.reason;
      current = {
        ...current,
        messages: [
          ...current.messages,
          { role: "assistant", text: completion.text.slice(0, 4000) },
          { role: "user", text: `That reply is not valid: ${problem.reason}. Answer again with only the JSON object, following the schema exactly.` },
        ],
      };
    }
    throw new LlmError(`${this.provider.name} ${task}: the reply did not validate after ${(opts.repairs ?? 2) + 1} tries: ${lastProblem}`, "invalid_reply");
  }

  /** Requests and cost per day (UTC), summed from llm_usage. */
  async costsByDay(): Promise<{ day: string; requests: number; cached: number; cost_usd: number }[]> {
    const u = this.app.database.tables.llmUsage;
    const rows = await this.app.database.db
      .select({ day: u.day, requests: sql<number>`count(*)`, cached: sql<number>`sum(case when ${u.cached} then 1 else 0 end)`, cost: sql<number>`sum(${u.costUsd})` })
      .from(u)
      .where(and(eq(u.provider, this.provider.name)))
      .groupBy(u.day)
      .orderBy(u.day);
    return rows.map((r) => ({ day: r.day, requests: Number(r.requests), cached: Number(r.cached), cost_usd: Math.round(Number(r.cost) * 1e6) / 1e6 }));
  }
}

/** The JSON object in a reply (models wrap it in prose or ``` fences), validated. */
export function validate<S extends z.ZodType>(schema: S, text: string): { ok: true; value: z.infer<S> } | { ok: false; reason: string } {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return { ok: false, reason: "no JSON object in the reply" };
  let raw: unknown;
  try {
    raw = JSON.parse(text.slice(start, end + 1));
  } catch (e) {
    return { ok: false, reason: `the JSON does not parse (${(e as Error).message})` };
  }
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, reason: r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "reply"}: ${i.message}`).join("; ") };
}
