/**
 * A rate limit shared by every process through Redis (the seed's "llm: 100 requests/min",
 * across all workers, not per process). A sliding-window log in one Lua script: each grant is
 * a member of a sorted set scored by Redis's own clock, so workers on machines with skewed
 * clocks still agree, and the check-and-add is atomic.
 */
import IORedis from "ioredis";

/** The shape the LLM client calls before each request (src/llm/rate-limit.ts's RateLimiter). */
export interface SharedRateLimiter {
  acquire(key: string, signal?: AbortSignal): Promise<void>;
}

/**
 * KEYS[1] the window's sorted set; ARGV[1] limit, ARGV[2] window ms, ARGV[3] a unique member.
 * Returns {granted 1|0, wait ms until the oldest grant leaves the window, now ms}.
 */
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return {1, 0, now}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(oldest[2]) + window - now), now}
`;

export interface RedisRateLimitOptions {
  redisUrl: string;
  /** Requests allowed per window (default 100). */
  limit?: number;
  /** Window length (default 60 s). */
  windowMs?: number;
  /** Redis key prefix (default "reelsmith:ratelimit"). */
  prefix?: string;
}

export class RedisRateLimiter implements SharedRateLimiter {
  private readonly redis: IORedis;
  readonly limit: number;
  readonly windowMs: number;
  private readonly prefix: string;

  constructor(opts: RedisRateLimitOptions) {
    if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) throw new Error(`rate limit: limit must be a whole number ≥ 1, got ${opts.limit}`);
    this.redis = new IORedis(opts.redisUrl, { maxRetriesPerRequest: 2, connectTimeout: 5000 });
    this.redis.defineCommand("slidingWindow", { numberOfKeys: 1, lua: SLIDING_WINDOW });
    this.limit = opts.limit ?? 100;
    this.windowMs = opts.windowMs ?? 60_000;
    this.prefix = opts.prefix ?? "reelsmith:ratelimit";
  }

  /** One attempt: granted now, or how long to wait. `now` is Redis's clock (ms). */
  async tryAcquire(key: string): Promise<{ granted: boolean; waitMs: number; now: number }> {
    const run = (this.redis as unknown as { slidingWindow(k: string, ...a: (string | number)[]): Promise<[number, number, number]> }).slidingWindow;
    const [granted, waitMs, now] = await run.call(this.redis, `${this.prefix}:${key}`, this.limit, this.windowMs, `${Date.now()}:${crypto.randomUUID()}`);
    return { granted: granted === 1, waitMs: Number(waitMs), now: Number(now) };
  }

  /** Waits until a request under `key` is allowed (rejects if `signal` aborts first). */
  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    await this.acquireAt(key, signal);
  }

  /** `acquire`, resolving with the grant's time on Redis's clock (ms). */
  async acquireAt(key: string, signal?: AbortSignal): Promise<number> {
    for (;;) {
      signal?.throwIfAborted();
      const r = await this.tryAcquire(key);
      if (r.granted) return r.now;
      // A little jitter so waiting workers do not all retry in the same millisecond.
      await sleep(r.waitMs + Math.floor(Math.random() * 25), signal);
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/**
 * The seed's LLM limit (100 requests a minute) shared by every process through Redis when
 * REDIS_URL is set; undefined otherwise (one process: an in-process limiter is enough).
 */
export function sharedRateLimiter(config: { redisUrl?: string; queuePrefix?: string }, opts: { limit?: number; windowMs?: number } = {}): RedisRateLimiter | undefined {
  if (!config.redisUrl) return undefined;
  return new RedisRateLimiter({ redisUrl: config.redisUrl, limit: opts.limit ?? 100, windowMs: opts.windowMs ?? 60_000, prefix: `${config.queuePrefix ?? "reelsmith"}:ratelimit` });
}
