/**
 * The shared rate limit across two real processes on the real Redis: together they never get
 * more grants inside one window than the limit, and each gets all it asked for in the end.
 */
import { afterAll, expect, test } from "bun:test";
import { RedisRateLimiter, sharedRateLimiter } from "./redis-rate-limit.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `reelsmith-test-rl-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
const LIMIT = 5;
const WINDOW = 600;
const EACH = 8;

/** A worker process: `EACH` acquisitions under one key, then their grant times as JSON. */
function spawnWorker() {
  const code = `
    const { RedisRateLimiter } = await import(${JSON.stringify(import.meta.resolve("./redis-rate-limit.ts"))});
    const rl = new RedisRateLimiter({ redisUrl: ${JSON.stringify(REDIS_URL)}, limit: ${LIMIT}, windowMs: ${WINDOW}, prefix: ${JSON.stringify(prefix)} });
    const times = [];
    for (let i = 0; i < ${EACH}; i++) times.push(await rl.acquireAt("llm"));
    await rl.close();
    console.log(JSON.stringify(times));
  `;
  const proc = Bun.spawn([process.execPath, "-e", code], { stdout: "pipe", stderr: "pipe" });
  return (async () => {
    const [out, err, code_] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code_ !== 0) throw new Error(`worker exited ${code_}: ${err}`);
    return JSON.parse(out.trim()) as number[];
  })();
}

afterAll(async () => {
  const rl = new RedisRateLimiter({ redisUrl: REDIS_URL, prefix });
  await (rl as unknown as { redis: { del(k: string): Promise<number> } }).redis.del(`${prefix}:llm`);
  await rl.close();
});

test("two worker processes share one limit: never more than LIMIT grants in any window", async () => {
  const [a, b] = await Promise.all([spawnWorker(), spawnWorker()]);
  expect(a).toHaveLength(EACH);
  expect(b).toHaveLength(EACH);
  const all = [...a, ...b].sort((x, y) => x - y);
  // Grant i and grant i+LIMIT can never fall within one window (Redis clock, so no skew).
  for (let i = 0; i + LIMIT < all.length; i++) expect(all[i + LIMIT]! - all[i]!).toBeGreaterThanOrEqual(WINDOW);
}, 30_000);

test("a waiting acquire rejects when its signal aborts; bad limits are refused", async () => {
  const rl = new RedisRateLimiter({ redisUrl: REDIS_URL, limit: 1, windowMs: 60_000, prefix });
  await rl.acquire("abort");
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("gave up")), 50);
  await expect(rl.acquire("abort", controller.signal)).rejects.toThrow("gave up");
  await (rl as unknown as { redis: { del(k: string): Promise<number> } }).redis.del(`${prefix}:abort`);
  await rl.close();
  expect(() => new RedisRateLimiter({ redisUrl: REDIS_URL, limit: 0 })).toThrow(/limit must be/);
});

test("shared only when Redis is configured: the seed's 100 a minute by default", async () => {
  expect(sharedRateLimiter({})).toBeUndefined();
  const rl = sharedRateLimiter({ redisUrl: REDIS_URL, queuePrefix: prefix })!;
  expect([rl.limit, rl.windowMs]).toEqual([100, 60_000]);
  await rl.close();
});
