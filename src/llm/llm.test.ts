/**
 * The LLM layer against a loopback server speaking the Anthropic Messages and OpenAI Chat
 * Completions APIs, with the REAL SDKs pointed at it: analysis stored with its source through the
 * real indexing pipeline on corpus clips, invalid replies repaired or falling back with the reason,
 * 429 + Retry-After, 5xx, timeouts, the rate limit under 300 concurrent requests, the cache, costs
 * per day, and API keys kept out of errors and the database. Nothing leaves 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { createApp, type AppContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { indexFiles } from "../indexing/service.ts";
import { createIndexSteps } from "../indexing/steps.ts";
import { LlmClient, LlmError, TokenBucket, retryAfterMs } from "./client.ts";
import { createLlm } from "./index.ts";
import { DEFAULT_PRICES, costOf } from "./prices.ts";
import { anthropicProvider, openaiProvider } from "./providers.ts";
import { expandWithLlm, metadataWithLlm, rerankWithLlm, thumbnailWithLlm } from "./search.ts";
import { startFakeLlmServer, type FakeLlmServer } from "./testing/fake-server.ts";
import { buildLexicalQuery } from "../search/lexical.ts";
import { searchClips } from "../search/service.ts";

const CLIPS = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips");
const SECRET = "sk-ant-test-secret-key-0123456789";
const OPENAI_SECRET = "sk-proj-openai-secret-key-0123456789";

const VALID = JSON.stringify({
  scene_description: "Snow drifts across a dark mountain scene in a short animated shot.",
  visual_elements: ["snow", "mountain"],
  key_moments: [{ timestamp: 1, event: "action" }],
  emotional_tone: "calm",
  intensity: 3.5,
  surprise_factor: 2,
  viral_potential: 4.5,
  narrative_arc: "quiet establishing shot",
  standalone: true,
  pacing: "slow",
  themes: { wholesome: 6 },
  tags: ["snow", "winter"],
});

let fake: FakeLlmServer;
let home: string;
let app: AppContext;

beforeAll(async () => {
  fake = startFakeLlmServer();
  home = mkdtempSync(join(tmpdir(), "reelsmith-llm-"));
  app = await createApp(loadConfig({ REELSMITH_HOME: home, LOG_LEVEL: "error" }));
});
afterAll(async () => {
  fake.stop();
  await app.close();
});

function client(kind: "anthropic" | "openai", opts: { timeoutMs?: number; maxRetries?: number; perMinute?: number; burst?: number; now?: () => Date; cache?: boolean } = {}) {
  const provider =
    kind === "anthropic"
      ? anthropicProvider({ apiKey: SECRET, baseURL: fake.url, model: "claude-3-5-sonnet-latest", timeoutMs: opts.timeoutMs ?? 5000 })
      : openaiProvider({ apiKey: OPENAI_SECRET, baseURL: `${fake.url}/v1`, model: "gpt-4o", timeoutMs: opts.timeoutMs ?? 5000 });
  return new LlmClient(app, {
    provider,
    limiter: new TokenBucket(opts.perMinute ?? 60_000, opts.burst ?? 100),
    prices: DEFAULT_PRICES,
    maxRetries: opts.maxRetries ?? 3,
    backoffMs: 20,
    secrets: [SECRET, OPENAI_SECRET],
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.cache === false ? { cache: false } : {}),
  });
}

const ask = (text: string) => ({ system: "Reply in JSON.", messages: [{ role: "user" as const, text }] });

describe("clip analysis through the real indexing pipeline", () => {
  test("Anthropic: keyframes go as images, a valid reply is stored with source llm; OpenAI: invalid replies are retried, then the local analysis stands with the reason", async () => {
    const envA = { REELSMITH_HOME: home, LOG_LEVEL: "error", LLM_PROVIDER: "anthropic", ANTHROPIC_API_KEY: SECRET, ANTHROPIC_BASE_URL: fake.url, LLM_TASKS: "analysis" };
    const appA = await createApp(loadConfig(envA));
    const stepsA = await createIndexSteps(appA);
    fake.seen.length = 0;
    fake.script = [{ reply: `Here is the analysis:\n${VALID}` }];
    const a = await indexFiles(appA, [join(CLIPS, "blender_sintel_snow_2s.mp4")], stepsA.actors, { license: "CC-BY" });
    await stepsA.dispose();
    expect(a.indexed).toHaveLength(1);
    const sent = fake.seen.find((s) => s.path === "/v1/messages")!;
    // This SDK version sends the key as a bearer token (older ones used x-api-key).
    expect(sent.headers["x-api-key"] ?? sent.headers.authorization).toContain(SECRET);
    const content = (sent.body.messages as { content: { type: string; source?: { data: string; media_type: string } }[] }[])[0]!.content;
    const images = content.filter((b) => b.type === "image");
    expect(images.length).toBeGreaterThan(0);
    expect(images[0]!.source!.media_type).toBe("image/jpeg");
    expect(Buffer.from(images[0]!.source!.data, "base64").subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const clipA = (await appA.clips.get(a.indexed[0]!.clip_id))!;
    expect(clipA.sceneDescription).toBe("Snow drifts across a dark mountain scene in a short animated shot.");
    expect(clipA.viralPotential).toBe(4.5);
    expect(clipA.themeWholesome).toBe(6);
    expect(clipA.scoreSources.viral_potential).toBe("llm:anthropic:claude-3-5-sonnet-latest");
    expect((await appA.clips.tags(clipA.id)).some((t) => t.tag === "winter" && t.source === "llm_analysis")).toBe(true);
    await appA.close();

    const envB = { REELSMITH_HOME: home, LOG_LEVEL: "error", LLM_PROVIDER: "openai", OPENAI_API_KEY: OPENAI_SECRET, OPENAI_BASE_URL: `${fake.url}/v1`, LLM_TASKS: "analysis" };
    const appB = await createApp(loadConfig(envB));
    const stepsB = await createIndexSteps(appB);
    fake.seen.length = 0;
    fake.script = [{ reply: "I think it is a meadow." }, { reply: '{"scene_description": "short"}' }, { reply: JSON.stringify({ ...JSON.parse(VALID), intensity: 42 }) }];
    const b = await indexFiles(appB, [join(CLIPS, "blender_bbb_meadow_2s.mp4")], stepsB.actors, { license: "CC-BY" });
    await stepsB.dispose();
    expect(b.indexed).toHaveLength(1);
    expect(fake.seen.filter((s) => s.path === "/v1/chat/completions")).toHaveLength(3);
    // The second and third requests carry the previous reply and what was wrong with it.
    const repair = fake.seen[2]!.body.messages as { role: string; content: unknown }[];
    expect(JSON.stringify(repair.at(-1))).toContain("not valid");
    const userContent = (fake.seen[0]!.body.messages as { role: string; content: { type: string; image_url?: { url: string } }[] }[])[1]!.content;
    expect(userContent.some((p) => p.type === "image_url" && p.image_url!.url.startsWith("data:image/jpeg;base64,"))).toBe(true);
    const clipB = (await appB.clips.get(b.indexed[0]!.clip_id))!;
    expect(clipB.scoreSources.viral_potential).toStartWith("local:");
    const why = clipB.absentSignals.find((s) => s.signal === "llm_analysis");
    expect(why?.reason).toMatch(/did not validate after 3 tries: intensity/);
    expect(JSON.stringify(clipB)).not.toContain(OPENAI_SECRET);
    await appB.close();
  }, 300_000);
});

describe("operations", () => {
  test("429 with Retry-After is honoured, then the request succeeds", async () => {
    fake.seen.length = 0;
    fake.script = [{ status: 429, headers: { "retry-after": "1" } }, { reply: '{"ok": true}' }];
    const r = await client("anthropic", { cache: false }).complete("expansion", ask("429 please"));
    expect(r.text).toBe('{"ok": true}');
    expect(fake.seen).toHaveLength(2);
    expect(fake.seen[1]!.at - fake.seen[0]!.at).toBeGreaterThanOrEqual(950);
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThan(1000);
  });

  test("500s are retried with back-off; a 400 is not; errors never carry the key", async () => {
    fake.seen.length = 0;
    fake.script = [{ status: 500 }, { status: 503 }, { reply: '{"ok": 1}' }];
    expect((await client("openai", { cache: false }).complete("expansion", ask("5xx"))).text).toBe('{"ok": 1}');
    expect(fake.seen).toHaveLength(3);
    fake.seen.length = 0;
    fake.script = [{ status: 400, body: { error: { message: `bad request for key ${OPENAI_SECRET}` } } }];
    const err = await client("openai", { cache: false }).complete("expansion", ask("400")).catch((e) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(fake.seen).toHaveLength(1);
    expect(err.message).not.toContain(OPENAI_SECRET);
    const rows = await app.database.db.select().from(app.database.tables.llmUsage);
    expect(JSON.stringify(rows)).not.toContain(OPENAI_SECRET);
  });

  test("a timeout is retried and then reported as a timeout", async () => {
    fake.seen.length = 0;
    fake.script = [{ delayMs: 1500, then: { reply: "{}" } }, { delayMs: 1500, then: { reply: "{}" } }];
    const err = await client("anthropic", { timeoutMs: 300, maxRetries: 1, cache: false }).complete("rerank", ask("slow")).catch((e) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect(err.kind).toBe("timeout");
    expect(fake.seen).toHaveLength(2);
  });

  test("the rate limit holds under 300 concurrent requests", async () => {
    fake.seen.length = 0;
    fake.script = [];
    fake.fallback = { reply: '{"ok": true}' };
    // 3000 a minute = 50 a second, bursts of 5: 300 requests take about 6 s.
    const c = client("openai", { perMinute: 3000, burst: 5, cache: false });
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 300 }, (_, i) => c.complete("expansion", ask(`q${i}`))));
    expect(fake.seen).toHaveLength(300);
    const times = fake.seen.map((s) => s.at - t0).sort((a, b) => a - b);
    // In every one-second window: at most the rate plus the burst.
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(50 + 5 + 1);
    }
    expect(times.at(-1)! - times[0]!).toBeGreaterThan(5000);
  }, 60_000);

  test("the cache answers a repeated request without asking the server; costs are summed per day", async () => {
    let day = new Date("2026-11-20T10:00:00Z");
    const c = client("anthropic", { now: () => day });
    fake.seen.length = 0;
    fake.script = [{ reply: '{"title": "Dogs"}', inputTokens: 2000, outputTokens: 500 }];
    const schema = z.object({ title: z.string() });
    const first = await c.completeJson("metadata", ask("a title for dogs"), schema);
    const again = await c.completeJson("metadata", ask("a title for dogs"), schema);
    expect(first.value.title).toBe("Dogs");
    expect(again.completion.cached).toBe(true);
    expect(fake.seen).toHaveLength(1);
    day = new Date("2026-11-21T10:00:00Z");
    fake.script = [{ reply: '{"title": "Cats"}', inputTokens: 1000, outputTokens: 1000 }];
    await c.completeJson("metadata", ask("a title for cats"), schema);
    const days = (await c.costsByDay()).filter((d) => d.day === "2026-11-20" || d.day === "2026-11-21");
    const one = costOf(DEFAULT_PRICES, "claude-3-5-sonnet-latest", 2000, 500);
    expect(days).toEqual([
      { day: "2026-11-20", requests: 2, cached: 1, cost_usd: Math.round(one * 1e6) / 1e6 },
      { day: "2026-11-21", requests: 1, cached: 0, cost_usd: Math.round(costOf(DEFAULT_PRICES, "claude-3-5-sonnet-latest", 1000, 1000) * 1e6) / 1e6 },
    ]);
    expect(one).toBeCloseTo((2000 * 3 + 500 * 15) / 1e6, 9);
  });

  test("the configured client: local means no client at all; a provider gets the task list", async () => {
    expect(createLlm(app)).toBeNull();
    const a = await createApp(loadConfig({ REELSMITH_HOME: home, LOG_LEVEL: "error", LLM_PROVIDER: "openai", OPENAI_BASE_URL: `${fake.url}/v1`, LLM_TASKS: "expansion" }));
    const llm = createLlm(a)!;
    expect(llm.handles("expansion")).toBe(true);
    expect(llm.handles("analysis")).toBe(false);
    await a.close();
  });
});

describe("expansion, re-ranking and metadata", () => {
  test("query expansion adds the LLM's words to each concept; a useless reply changes nothing", async () => {
    const c = client("openai");
    fake.script = [{ reply: JSON.stringify({ concepts: [{ term: "pup", alternatives: ["Dog", "puppy", "canine"] }] }) }];
    const plan = await buildLexicalQuery("pup", false, (concepts) => expandWithLlm(c, "pup", concepts));
    expect(plan.groups[0]!.alternatives.map((a) => a.term)).toEqual(["pup", "dog", "puppy", "canine"]);
    expect(plan.ftsMatch).toContain('"dog"');
    fake.script = [{ reply: "no idea" }, { reply: "still no idea" }];
    const plain = await buildLexicalQuery("kitten", false, (concepts) => expandWithLlm(c, "kitten", concepts));
    expect(plain.groups[0]!.alternatives.map((a) => a.term)).toEqual(["kitten"]);
  });

  test("search re-ranks its head with the LLM's judgement and says so", async () => {
    const a = await createApp(loadConfig({ REELSMITH_HOME: home, LOG_LEVEL: "error", LLM_PROVIDER: "anthropic", ANTHROPIC_API_KEY: SECRET, ANTHROPIC_BASE_URL: fake.url, LLM_TASKS: "rerank" }));
    const clips = await a.clips.list({ status: "analyzed" });
    expect(clips.length).toBe(2);
    // The LLM prefers the second clip strongly: it comes first, with its judgement in why.
    const [first, second] = (await searchClips(a, "blender", { limit: 5, llm: false })).map((r) => r.external_id);
    expect(second).toBeDefined();
    fake.script = [{ reply: JSON.stringify({ scores: [{ id: first, score: 0 }, { id: second, score: 10 }] }) }];
    const reranked = await searchClips(a, "blender", { limit: 5 });
    expect(reranked[0]!.external_id).toBe(second!);
    expect(reranked[0]!.why.at(-1)).toBe("llm:1.00");
    await a.close();
    expect(await rerankWithLlm(client("openai"), "x", [{ id: "a", text: "only one" }])).toBeNull();
  });

  test("production metadata from the LLM keeps every chapter and credit line, or the draft stands", async () => {
    const draft = { title: "Dogs: 1 Minute", description: "Dogs.\n\nChapters:\n00:00 Dog\n00:20 Park\n\nCredits:\n- clip_0001: someone (CC-BY)", tags: ["dogs"] };
    fake.script = [{ reply: JSON.stringify({ title: "Dogs Being Dogs", description: `Good dogs.\n00:00 Dog\n00:20 Park\n- clip_0001: someone (CC-BY)`, tags: ["dogs", "pets", "funny"] }) }];
    const ok = await metadataWithLlm(client("anthropic", { cache: false }), "dogs", draft, ["a dog"]);
    expect(ok?.title).toBe("Dogs Being Dogs");
    expect(ok?.description).toContain("Good dogs.");
    fake.script = [{ reply: JSON.stringify({ title: "Dogs Being Dogs", description: "Good dogs, no chapters here at all.", tags: ["dogs", "pets", "funny"] }) }];
    const lost = await metadataWithLlm(client("anthropic", { cache: false }), "dogs", draft, ["a dog"]);
    expect(lost?.title).toBe("Dogs Being Dogs");
    expect(lost?.description).toBe(draft.description);
  });

  test("the third thumbnail: the LLM's pick counts only for a clip in the cut at a time inside it", async () => {
    const cut = [
      { externalId: "clip_0001", durationSeconds: 8, description: "a dog leaps into a pool", keyMoments: [{ timestamp: 4, event: "action" }] },
      { externalId: "clip_0002", durationSeconds: 5, description: "a cat watches", keyMoments: [] },
    ];
    const c = client("openai", { cache: false });
    fake.script = [{ reply: JSON.stringify({ clip: "clip_0001", time: 4.2, reason: "mid-air splash" }) }];
    expect(await thumbnailWithLlm(c, "pets", cut)).toEqual({ externalId: "clip_0001", time: 4.2, reason: "mid-air splash" });
    fake.script = [{ reply: JSON.stringify({ clip: "clip_0099", time: 1, reason: "not in the cut" }) }];
    expect(await thumbnailWithLlm(c, "pets", cut)).toBeNull();
    fake.script = [{ reply: JSON.stringify({ clip: "clip_0002", time: 30, reason: "past its end" }) }];
    expect(await thumbnailWithLlm(c, "pets", cut)).toBeNull();
  });
});
