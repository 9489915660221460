/**
 * The REST API in-process (app.request), over the indexed corpus with the real job queue and
 * in-process workers: every endpoint, bad bodies (400 naming the field), unknown ids (404),
 * traversal (403), missing token (401), CSRF, range requests, SSE, and review before render.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import type { AppContext } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createJobHandlers } from "../src/jobs/handlers.ts";
import { createJobQueue, startWorkers } from "../src/jobs/index.ts";
import type { JobQueue, JobWorkers } from "../src/jobs/types.ts";
import { reviewOverrides } from "../src/production/review.ts";
import { createServer } from "../src/server/app.ts";
import { createAuth, SESSION_COOKIE } from "../src/server/auth.ts";
import type { ServerDeps, ServerEnv } from "../src/server/types.ts";
import { CLIPS } from "./support/cli.ts";
import { indexedCorpus } from "./support/corpus.ts";

const TOKEN = "test-token-0123456789";
let app: AppContext;
let server: Hono<ServerEnv>;
let deps: ServerDeps;
let jobs: JobQueue;
let workers: JobWorkers;
let library: string;
const auth = { authorization: `Bearer ${TOKEN}` };

const req = (path: string, init: RequestInit = {}) =>
  server.request(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
const json = (path: string, method: string, payload: unknown) =>
  req(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
/** A response's JSON (checked field by field in each test). */
const body = async (r: Response | Promise<Response>): Promise<any> => (await r).json();

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 240_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 400)}`);
    await Bun.sleep(300);
  }
}

beforeAll(async () => {
  const corpus = await indexedCorpus();
  app = corpus.app;
  library = mkdtempSync(join(tmpdir(), "reelsmith-library-"));
  const config = loadConfig({
    REELSMITH_HOME: corpus.home,
    REELSMITH_API_TOKENS: `alice:${TOKEN}`,
    REELSMITH_LIBRARY_ROOTS: `${library},${CLIPS}`,
    REELSMITH_UPLOAD_MAX_MB: "4",
    LOG_LEVEL: "error",
  });
  jobs = createJobQueue(app);
  workers = startWorkers(app, { queues: ["index", "render", "llm", "maintenance"], concurrency: 1, handlers: createJobHandlers(app, { queue: jobs }) });
  deps = { app, jobs, auth: createAuth(config), config, startedAt: new Date() };
  server = createServer(deps);
}, 600_000);

afterAll(async () => {
  await workers?.stop({ graceful: false, timeoutMs: 5000 });
  await jobs?.close();
});

describe("system routes", () => {
  test("healthz and readyz answer; readyz checks the database and the job queue", async () => {
    expect((await server.request("/healthz")).status).toBe(200);
    const ready = await server.request("/readyz");
    expect(ready.status).toBe(200);
    const doc = await body(ready);
    expect(doc.status).toBe("ready");
    expect(doc.checks.database.ok).toBe(true);
    expect(doc.checks.jobs.ok).toBe(true);
  });

  test("the API refuses a missing or wrong token with 401 in the error shape", async () => {
    const none = await server.request("/api/clips");
    expect(none.status).toBe(401);
    expect((await body(none)).error.code).toBe("unauthorized");
    const wrong = await server.request("/api/clips", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect((await body(wrong)).error.message).toMatch(/not valid/);
    expect((await server.request("/metrics")).status).toBe(401);
  });

  test("the OpenAPI document lists every API route, and the docs page renders it", async () => {
    const spec = await body(server.request("/api/openapi.json"));
    expect(spec.openapi).toBe("3.1.0");
    for (const [path, method] of [
      ["/api/productions", "post"],
      ["/api/productions/{id}", "get"],
      ["/api/productions/{id}/events", "get"],
      ["/api/productions/{id}/timeline", "put"],
      ["/api/productions/{id}/approve", "post"],
      ["/api/clips/index", "post"],
      ["/api/clips/upload", "post"],
      ["/api/clips/search", "get"],
      ["/api/clips/{id}", "patch"],
    ] as const)
      expect(spec.paths[path]?.[method]).toBeDefined();
    expect(spec.paths["/api/clips/search"].get.parameters.find((p: { name: string }) => p.name === "query").required).toBe(true);
    const docs = await server.request("/api/docs");
    expect(await docs.text()).toContain("/api/productions/{id}/timeline");
  });

  test("metrics expose the seed's gauges and HTTP histograms; stats gives the dashboard figures", async () => {
    const m = await (await req("/metrics")).text();
    for (const name of ["clips_in_database", "queue_size", "active_workers", "http_request_duration_seconds", "productions_created_total"]) expect(m).toContain(name);
    expect(m).toMatch(/clips_in_database \d+/);
    const stats = await body(req("/api/stats"));
    expect(stats.clips_total).toBeGreaterThan(40);
    expect(stats.queues.index).toBeDefined();
  });

  test("an unknown API route is a 404 in the error shape", async () => {
    const r = await req("/api/nothing-here");
    expect(r.status).toBe(404);
    expect((await body(r)).error.code).toBe("not_found");
  });
});

describe("clips", () => {
  test("list with paging and filters; a bad query names the field", async () => {
    const page = await body(req("/api/clips?limit=5&offset=0&status=analyzed"));
    expect(page.clips).toHaveLength(5);
    expect(page.total).toBeGreaterThan(40);
    const bad = await req("/api/clips?limit=0");
    expect(bad.status).toBe(400);
    const err = (await body(bad)).error;
    expect(err.code).toBe("invalid_request");
    expect(err.message).toStartWith("limit:");
    expect((await req("/api/clips?status=bogus")).status).toBe(400);
  });

  test("detail by external id with frames and links; unknown id is 404", async () => {
    const first = (await body(req("/api/clips?limit=1&order=external_id&status=analyzed"))).clips[0];
    const r = await req(`/api/clips/${first.external_id}`);
    expect(r.status).toBe(200);
    const c = await body(r);
    expect(c.id).toBe(first.clip_id);
    expect(c.frames.length).toBeGreaterThan(0);
    expect(c.video_url).toBe(`/api/clips/${c.id}/video`);
    const missing = await req("/api/clips/clip_9999");
    expect(missing.status).toBe(404);
    expect((await body(missing)).error.message).toContain("clip_9999");
  });

  test("search answers with moments and reasons; a missing query is a 400 naming it; filters are validated", async () => {
    const r = await body(req("/api/clips/search?query=dog&limit=5"));
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.results[0].why.length).toBeGreaterThan(0);
    expect(r.results[0].end).toBeGreaterThan(r.results[0].start);
    const none = await req("/api/clips/search?limit=3");
    expect(none.status).toBe(400);
    expect((await body(none)).error.message).toStartWith("query:");
    expect((await req("/api/clips/search?query=dog&min_intensity=11")).status).toBe(400);
    const nothing = await body(req("/api/clips/search?query=xylophone%20quasar%20zeppelin"));
    expect(nothing.results).toEqual([]);
  });

  test("more like this excludes the clip itself", async () => {
    const first = (await body(req("/api/clips?limit=1&status=analyzed"))).clips[0];
    const r = await body(req(`/api/clips/${first.clip_id}/similar?limit=5`));
    expect(r.results.length).toBeGreaterThan(0);
    expect(r.results.map((x: { clip_id: string }) => x.clip_id)).not.toContain(first.clip_id);
  });

  test("video is served with range requests; thumbnails are JPEG", async () => {
    const first = (await body(req("/api/clips?limit=1&status=analyzed"))).clips[0];
    const part = await req(`/api/clips/${first.clip_id}/video`, { headers: { range: "bytes=0-99" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toMatch(/^bytes 0-99\/\d+$/);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const whole = await req(`/api/clips/${first.clip_id}/video`);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    const size = Number(whole.headers.get("content-length"));
    expect((await req(`/api/clips/${first.clip_id}/video`, { headers: { range: `bytes=${size + 10}-` } })).status).toBe(416);
    const thumb = await req(first.thumbnail_url);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/jpeg");
    const bytes = new Uint8Array(await thumb.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
  });

  test("PATCH overrides rights with the person's name, null hands it back; bad bodies name the field", async () => {
    const first = (await body(req("/api/clips?limit=1&rights_cleared=true"))).clips[0];
    const revoked = await body(json(`/api/clips/${first.clip_id}`, "PATCH", { rights_cleared: false, notes: "logo in corner", tags: ["Needs Check"] }));
    expect(revoked.rights_cleared).toBe(false);
    expect(revoked.rights_override).toBe(false);
    expect(revoked.rights_reason).toMatch(/revoked by alice/);
    expect(revoked.notes).toBe("logo in corner");
    const detail = await body(req(`/api/clips/${first.clip_id}`));
    expect(detail.tags).toContainEqual({ tag: "needs check", confidence: 1, source: "manual" });
    const restored = await body(json(`/api/clips/${first.clip_id}`, "PATCH", { rights_cleared: null }));
    expect(restored.rights_override).toBeNull();
    expect(restored.rights_cleared).toBe(true);
    const bad = await json(`/api/clips/${first.clip_id}`, "PATCH", { rights_cleared: "yes" });
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.message).toStartWith("rights_cleared:");
    expect((await json(`/api/clips/${first.clip_id}`, "PATCH", {})).status).toBe(400);
    expect((await json(`/api/clips/${first.clip_id}`, "PATCH", { owner: "me" })).status).toBe(400);
    const notJson = await req(`/api/clips/${first.clip_id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: "{nope" });
    expect((await body(notJson)).error.code).toBe("invalid_json");
    expect((await json("/api/clips/clip_9999", "PATCH", { notes: "x" })).status).toBe(404);
  });

  test("index refuses paths outside the library roots (absolute, ../, symlink out) with 403", async () => {
    mkdirSync(join(library, "sub"), { recursive: true });
    symlinkSync("/etc", join(library, "sub", "escape"));
    for (const p of ["/etc/passwd", `${library}/../../etc/passwd`, join(library, "sub", "escape", "passwd"), "/etc/nonexistent.mp4"]) {
      const r = await json("/api/clips/index", "POST", { video_url: p });
      expect(r.status).toBe(403);
      expect((await body(r)).error.code).toBe("forbidden_path");
    }
    const missing = await json("/api/clips/index", "POST", { video_url: join(library, "nothing.mp4") });
    expect(missing.status).toBe(404);
    const bad = await json("/api/clips/index", "POST", {});
    expect(bad.status).toBe(400);
    expect((await body(bad)).error.message).toStartWith("video_url:");
  });

  test("upload: multipart and raw bodies are stored and indexed; too large is 413, not a video is 415; delete", async () => {
    const name = "blender_sintel_snow_2s.mp4";
    const src = join(CLIPS, name);
    const form = new FormData();
    form.append("file", new File([await Bun.file(src).arrayBuffer()], "my upload.mp4", { type: "video/mp4" }));
    form.append("license", "CC0");
    const up = await req("/api/clips/upload", { method: "POST", body: form });
    expect(up.status).toBe(202);
    const queued = await body(up);
    expect(queued.status).toBe("indexing");
    expect(queued.file_name).toBe("my upload.mp4");
    const task = await until(() => body(req(`/api/tasks/${queued.task_id}`)), (t) => t.status === "completed" || t.status === "failed", "the upload to index");
    expect(task.status).toBe("completed");
    // The same bytes as a corpus clip: an exact duplicate, skipped with the reason.
    expect(task.result.outcome).toBe("skipped");
    expect(task.result.reason).toMatch(/duplicate/);
    const raw = await req(`/api/clips/upload?filename=${encodeURIComponent("second.mov")}`, { method: "POST", headers: { "content-type": "video/quicktime" }, body: Bun.file(src) });
    expect(raw.status).toBe(202);
    const big = await req("/api/clips/upload?filename=big.mp4", { method: "POST", headers: { "content-type": "video/mp4" }, body: new Uint8Array(5 * 1024 * 1024) });
    expect(big.status).toBe(413);
    const text = await req("/api/clips/upload?filename=notes.txt", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    expect(text.status).toBe(415);
    const noFile = new FormData();
    noFile.append("license", "CC0");
    expect((await req("/api/clips/upload", { method: "POST", body: noFile })).status).toBe(400);
    expect((await req("/api/clips/clip_9999", { method: "DELETE" })).status).toBe(404);
  });

  test("a cookie session needs the CSRF token on writes; bearer requests do not", async () => {
    const first = (await body(req("/api/clips?limit=1"))).clips[0];
    const session = `alice.${Date.now() + 3600_000}`;
    const cookie = `${SESSION_COOKIE}=${session}.${deps.auth.sign(session)}`;
    const read = await server.request(`/api/clips/${first.clip_id}`, { headers: { cookie } });
    expect(read.status).toBe(200);
    const patch = (headers: Record<string, string>) =>
      server.request(`/api/clips/${first.clip_id}`, { method: "PATCH", headers: { cookie, "content-type": "application/json", ...headers }, body: JSON.stringify({ notes: "via the UI" }) });
    const refused = await patch({});
    expect(refused.status).toBe(403);
    expect((await body(refused)).error.code).toBe("csrf");
    expect((await patch({ "x-csrf-token": "forged" })).status).toBe(403);
    expect((await patch({ "x-csrf-token": deps.auth.sign(`csrf:${session}`) })).status).toBe(200);
    // Even with the token, a write a browser says comes from another site is refused.
    expect((await patch({ "x-csrf-token": deps.auth.sign(`csrf:${session}`), origin: "http://elsewhere.example" })).status).toBe(403);
    expect((await patch({ "x-csrf-token": deps.auth.sign(`csrf:${session}`), "sec-fetch-site": "cross-site" })).status).toBe(403);
    const forged = `${SESSION_COOKIE}=${session}.${deps.auth.sign("someone-else")}`;
    expect((await server.request(`/api/clips/${first.clip_id}`, { headers: { cookie: forged } })).status).toBe(401);
  });
});

describe("productions", () => {
  test("bad bodies name the field; unknown ids are 404", async () => {
    const r = await json("/api/productions", "POST", { target_duration: 30 });
    expect(r.status).toBe(400);
    expect((await body(r)).error.message).toStartWith("theme:");
    expect((await json("/api/productions", "POST", { theme: "dogs", style: "grumpy" })).status).toBe(400);
    expect((await json("/api/productions", "POST", { theme: "dogs", target_duration: 5 })).status).toBe(400);
    for (const p of ["/api/productions/prod_nope", "/api/productions/prod_nope/timeline", "/api/productions/prod_nope/video", "/api/productions/prod_nope/events"])
      expect((await req(p)).status).toBe(404);
    expect((await json("/api/productions/prod_nope/approve", "POST", {})).status).toBe(404);
  });

  test("review before render: pause, refuse a cut that breaks QA, accept a reorder, approve, render the edited order", async () => {
    const start = await json("/api/productions", "POST", { theme: "people talking", target_duration: 30, resolution: "360p", review: true });
    expect(start.status).toBe(202);
    const { production_id: id, status } = await body(start);
    expect(status).toBe("queued");
    const paused = await until(() => body(req(`/api/productions/${id}`)), (p) => p.status === "awaiting_review" || p.status === "failed", "the production to pause for review");
    expect(paused.error).toBeNull();
    expect(paused.status).toBe("awaiting_review");
    expect(paused.video_url).toBeNull();

    const review = await body(req(`/api/productions/${id}/timeline`));
    const entries = review.timeline.entries as { externalId: string; clipId: string }[];
    expect(entries.length).toBeGreaterThanOrEqual(2);
    expect(review.qa.passed).toBe(true);
    expect(review.preview_url).toMatch(/-proxy\.mp4$/);
    const preview = await req(review.preview_url, { headers: { range: "bytes=0-15" } });
    expect(preview.status).toBe(206);

    // Removing clips until the cut is far short of the target is refused with QA's reasons.
    const removeAll = entries.slice(1).map(() => ({ op: "remove", position: 0 }));
    const broken = await json(`/api/productions/${id}/timeline`, "PUT", { edits: removeAll });
    expect(broken.status).toBe(422);
    const err = (await body(broken)).error;
    expect(err.code).toBe("qa_failed");
    expect(err.details.qa.issues.some((i: { check: string }) => i.check === "duration")).toBe(true);
    const unchanged = await body(req(`/api/productions/${id}/timeline`));
    expect(unchanged.timeline.entries.map((e: { clipId: string }) => e.clipId)).toEqual(entries.map((e) => e.clipId));

    expect((await json(`/api/productions/${id}/timeline`, "PUT", { edits: [{ op: "move", from: 99, to: 0 }] })).status).toBe(400);

    // Moving the last clip first keeps the duration: accepted, and recorded with who did it.
    const moved = await json(`/api/productions/${id}/timeline`, "PUT", { edits: [{ op: "move", from: entries.length - 1, to: 0 }], title: "Edited in review" });
    expect(moved.status).toBe(200);
    const m = await body(moved);
    expect(m.qa.passed).toBe(true);
    const order = [entries[entries.length - 1]!.clipId, ...entries.slice(0, -1).map((e) => e.clipId)];
    expect(m.timeline.entries.map((e: { clipId: string }) => e.clipId)).toEqual(order);

    const approved = await json(`/api/productions/${id}/approve`, "POST", {});
    expect(approved.status).toBe(202);
    const done = await until(() => body(req(`/api/productions/${id}`)), (p) => p.status === "completed" || p.status === "failed", "the approved cut to render");
    expect(done.error).toBeNull();
    expect(done.status).toBe("completed");
    expect(done.title).toBe("Edited in review");
    expect(done.clips.map((c: { clip_id: string }) => c.clip_id)).toEqual(order);
    expect(Math.abs(done.final_duration - 30) / 30).toBeLessThanOrEqual(0.02);

    const history = (await body(req(`/api/productions/${id}/timeline`))).edits;
    expect(history.map((e: { kind: string }) => e.kind)).toEqual(["timeline", "approve"]);
    expect(history[0].author).toBe("alice");

    const video = await req(done.video_url, { headers: { range: "bytes=0-1023" } });
    expect(video.status).toBe(206);
    const files = await body(req(`/api/productions/${id}/files`));
    expect(files.files.map((f: { name: string }) => f.name)).toContain("captions.srt");
    expect((await req(`/api/productions/${id}/files/..%2Fsecret`)).status).toBe(403);

    // The event stream of a settled production sends its state and ends.
    const sse = await (await req(`/api/productions/${id}/events`)).text();
    expect(sse).toContain("event: progress");
    expect(sse).toContain("event: done");
    expect(sse).toContain('"status":"completed"');

    // Thumbnail variants at the platform's size, with their A/B figures.
    const thumbs = await body(req(`/api/productions/${id}/thumbnails`));
    expect(thumbs.variants.length).toBeGreaterThanOrEqual(1);
    expect(thumbs.variants[0].images[0].size).toBe("1280x720");
    const ev = await json(`/api/productions/${id}/thumbnails/1/events`, "POST", { impressions: 10, clicks: 1 });
    expect((await body(ev)).variants[0].ctr).toBe(0.1);
    expect((await json(`/api/productions/${id}/thumbnails/7/events`, "POST", { impressions: 1 })).status).toBe(400);

    // Post-publication figures: applied once, named in the error when wrong.
    const fb = await json(`/api/productions/${id}/metrics`, "POST", { views: 1200, likes: 30, retention: 0.45, report_id: "r1" });
    expect(fb.status).toBe(200);
    expect((await body(fb)).applied).toBe(true);
    expect((await body(json(`/api/productions/${id}/metrics`, "POST", { views: 1200, likes: 30, retention: 0.45, report_id: "r1" }))).applied).toBe(false);
    const badFb = await json(`/api/productions/${id}/metrics`, "POST", { views: 1200, retention: 2 });
    expect(badFb.status).toBe(400);
    expect((await body(badFb)).error.message).toStartWith("retention:");
    expect((await json("/api/productions/prod_nope/metrics", "POST", { views: 1, retention: 0.5 })).status).toBe(404);

    expect((await json(`/api/productions/${id}/cancel`, "POST", {})).status).toBe(409);
    expect((await json(`/api/productions/${id}/approve`, "POST", {})).status).toBe(409);
    const list = await body(req("/api/productions?limit=5"));
    expect(list.productions.map((p: { production_id: string }) => p.production_id)).toContain(id);
  }, 600_000);

  test("a rejected cut fails with the reason and renders nothing", async () => {
    const { production_id: id } = await body(json("/api/productions", "POST", { theme: "people talking", target_duration: 20, resolution: "360p", review: true }));
    await until(() => body(req(`/api/productions/${id}`)), (p) => p.status === "awaiting_review" || p.status === "failed", "the production to pause");
    // Replace the first clip with a usable library clip long enough for its slot: accepted, and
    // curation will rank the clip the person took out lower from now on.
    const rv = await body(req(`/api/productions/${id}/timeline`));
    const first = rv.timeline.entries[0];
    const inCut = new Set(rv.timeline.entries.map((e: { clipId: string }) => e.clipId));
    const pool = (await body(req("/api/clips?status=analyzed&rights_cleared=true&limit=200&order=external_id"))).clips as { clip_id: string; duration_seconds: number }[];
    const runner = pool.find((c) => !inCut.has(c.clip_id) && c.duration_seconds >= first.sourceEnd - first.sourceStart + 1)?.clip_id;
    expect(runner).toBeDefined();
    const replaced = await json(`/api/productions/${id}/timeline`, "PUT", { edits: [{ op: "replace", position: 0, clip_id: runner }] });
    expect(replaced.status).toBe(200);
    expect((await body(replaced)).timeline.entries[0].clipId).toBe(runner);
    expect((await reviewOverrides(app)).get(first.clipId)).toBeGreaterThanOrEqual(1);
    expect((await json(`/api/productions/${id}/reject`, "POST", {})).status).toBe(400);
    const r = await body(json(`/api/productions/${id}/reject`, "POST", { reason: "too repetitive" }));
    expect(r.status).toBe("failed");
    expect(r.error).toContain("too repetitive");
    const after = await body(req(`/api/productions/${id}`));
    expect(after.video_url).toBeNull();
  }, 300_000);
});

