/**
 * The browser UI end to end in real Chromium (Debian's, driven by playwright-core) against the
 * real server over the indexed corpus: sign in, upload a clip and watch it index, search for it,
 * start a 30-second production and watch its progress bar move, play the result; then a
 * production with review: a removal that would break QA is refused on the page with the reasons,
 * a move is accepted, approval renders the edited order. Screenshots of every page go to
 * test-results/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import type { AppContext } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createJobHandlers } from "../src/jobs/handlers.ts";
import { createJobQueue, startWorkers } from "../src/jobs/index.ts";
import type { JobQueue, JobWorkers } from "../src/jobs/types.ts";
import { runMedia } from "../src/media/exec.ts";
import { createServer } from "../src/server/app.ts";
import { createAuth } from "../src/server/auth.ts";
import { serverExtras } from "../src/server/extras.ts";
import { CLIPS, ROOT } from "./support/cli.ts";
import { indexedCorpus } from "./support/corpus.ts";

const TOKEN = "ui-test-token-0123456789";
const SHOTS = join(ROOT, "test-results", "screenshots");
let app: AppContext;
let jobs: JobQueue;
let workers: JobWorkers;
let server: ReturnType<typeof Bun.serve>;
let browser: Browser;
let page: Page;
let base: string;
let upload: string;

const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const corpus = await indexedCorpus();
  app = corpus.app;
  const library = mkdtempSync(join(tmpdir(), "reelsmith-ui-library-"));
  // New bytes the library has not seen: three seconds of a corpus clip, re-encoded.
  upload = join(mkdtempSync(join(tmpdir(), "reelsmith-ui-upload-")), "zebrafinch-walkabout.mp4");
  await runMedia(["ffmpeg", "-v", "error", "-y", "-t", "3", "-i", join(CLIPS, "intel_people_walking_indoor_139s.mp4"), "-vf", "scale=480:-2", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", upload]);
  const config = loadConfig({ REELSMITH_HOME: corpus.home, REELSMITH_API_TOKENS: `alice:${TOKEN}`, REELSMITH_LIBRARY_ROOTS: library, LOG_LEVEL: "error" });
  jobs = createJobQueue(app);
  workers = startWorkers(app, { queues: ["index", "render", "llm", "maintenance"], concurrency: 1, handlers: createJobHandlers(app, { queue: jobs }) });
  const hono = createServer({ app, jobs, auth: createAuth(config), config, startedAt: new Date() }, serverExtras());
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: hono.fetch, idleTimeout: 120 });
  base = `http://127.0.0.1:${server.port}`;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.stop(true);
  await workers?.stop({ graceful: false, timeoutMs: 5000 });
  await jobs?.close();
});

/** The progress values the page showed while a production ran, until it settled. */
async function watchProgress(): Promise<{ values: number[]; status: string }> {
  const values: number[] = [];
  let status = "";
  for (const end = Date.now() + 300_000; Date.now() < end; await page.waitForTimeout(250)) {
    const v = Number(await page.locator("#progress progress").getAttribute("value"));
    if (values.at(-1) !== v) values.push(v);
    status = (await page.locator("#progress [data-status]").getAttribute("data-status")) ?? "";
    if (["completed", "failed", "awaiting_review", "cancelled"].includes(status)) break;
  }
  return { values, status };
}

describe("the browser UI", () => {
  test("sign in, upload and watch it index, search for it, produce 30 s with a live progress bar, play the result", async () => {
    await page.goto(`${base}/`);
    expect(page.url()).toContain("/login?next=%2F");
    await shot("01-sign-in");
    // Each sign-in waits for the server's answer itself (up to two minutes on a loaded machine), so
    // a slow answer is told apart from a wrong one: once in CI the page showed no alert in 30 s.
    const signIn = async (token: string) => {
      await page.fill("#token", token);
      const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login", { timeout: 120_000 }), page.click("button[type=submit]")]);
      await page.waitForLoadState("domcontentloaded");
      return res.status();
    };
    expect(await signIn("wrong-token")).toBe(401);
    await expect(page.locator("[role=alert]").textContent()).resolves.toContain("not valid");
    expect(await signIn(TOKEN)).toBe(303);
    await page.waitForURL(`${base}/`);
    await expect(page.locator("h1").textContent()).resolves.toBe("Library");
    await shot("02-library");

    await page.click("summary");
    await page.setInputFiles("#file", upload);
    await page.fill("#license", "CC0");
    await page.check("#consent");
    await page.click("text=Upload and index");
    await page.waitForSelector("#task[data-status=completed]", { timeout: 180_000 });
    const link = page.locator("#task a");
    const external = (await link.textContent())!;
    expect(external).toMatch(/^clip_\d+$/);
    await shot("03-uploaded");
    await link.click();
    await page.waitForSelector("video");
    await expect(page.locator("h1").textContent()).resolves.toContain("zebrafinch-walkabout.mp4");
    expect(await page.locator(".strip img").count()).toBeGreaterThan(0);
    await shot("04-clip");
    await page.click("button:has-text('Revoke rights')");
    await page.waitForSelector("#rights .pill.bad");
    expect(await page.locator("#rights").textContent()).toContain("Rights revoked");
    await page.click("button:has-text('Back to the automatic verdict')");
    await page.waitForSelector("#rights .pill.ok");

    await page.goto(`${base}/`);
    await page.fill("#q", "zebrafinch walkabout");
    await page.waitForSelector(`#grid a[data-clip=${external}]`);
    await shot("05-search");

    await page.goto(`${base}/produce`);
    await page.fill("#theme", "people talking");
    await page.fill("#duration", "30");
    await page.selectOption("#resolution", "360p");
    await shot("06-produce-form");
    await page.click("button:has-text('Start production')");
    await page.waitForURL(/\/productions\/prod_/);
    const { values, status } = await watchProgress();
    await shot("07-production-done");
    expect(status).toBe("completed");
    // The bar moved: several distinct values on the way to 100, pushed by SSE.
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values.at(-1)).toBe(100);
    await page.waitForSelector("video#final");
    // Page code as a string: this project's TypeScript has no DOM library.
    const played = (await page.evaluate(`(async () => {
      const v = document.querySelector("video#final");
      v.muted = true;
      await v.play();
      await new Promise((r) => setTimeout(r, 1500));
      return { time: v.currentTime, duration: v.duration };
    })()`)) as { time: number; duration: number };
    expect(played.time).toBeGreaterThan(0.3);
    expect(Math.abs(played.duration - 30)).toBeLessThan(0.7);
    expect(await page.locator("#result table tbody tr").count()).toBeGreaterThan(1);

    await page.goto(`${base}/dashboard`);
    expect(await page.locator(".stat").count()).toBeGreaterThanOrEqual(6);
    await shot("08-dashboard");
  }, 600_000);

  test("review in the browser: a QA-breaking removal is refused with the reasons, a move is kept, approve renders the edited order", async () => {
    await page.goto(`${base}/produce`);
    await page.fill("#theme", "people talking");
    await page.fill("#duration", "24");
    await page.selectOption("#resolution", "360p");
    await page.check("input[name=review]");
    await page.click("button:has-text('Start production')");
    await page.waitForURL(/\/productions\/prod_/);
    const id = page.url().split("/").pop()!;
    const { status } = await watchProgress();
    expect(status).toBe("awaiting_review");
    await page.click("text=Review the cut");
    await page.waitForSelector("#cut-editor");
    await shot("09-review");
    const order = async () => page.locator(".entry").evaluateAll((els) => els.map((e) => e.getAttribute("data-clip")!));
    const before = await order();
    expect(before.length).toBeGreaterThanOrEqual(2);

    // Removing a clip leaves the cut short of its 24 s: the page says why and keeps the cut.
    await page.locator(".entry").first().locator("button:has-text('Remove')").click();
    await page.waitForSelector("#edit-refused");
    expect(await page.locator("#edit-refused").textContent()).toContain("would fail QA");
    expect(await page.locator("#edit-refused li").first().textContent()).toMatch(/duration .* under the 24 s target/);
    expect(await order()).toEqual(before);
    // Nothing was rendered or changed behind the page: still awaiting review, no video, same cut.
    const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
    const held = (await (await fetch(`${base}/api/productions/${id}`, auth)).json()) as { status: string };
    expect(held.status).toBe("awaiting_review");
    expect((await fetch(`${base}/api/productions/${id}/video`, auth)).status).toBe(404);
    await shot("10-review-refused");

    // Moving the last clip up one place keeps the length: accepted.
    const last = before.length - 1;
    await page.locator(".entry").nth(last).locator("button[title^='move'][title$='up']").click();
    const moved = [...before.slice(0, last - 1), before[last]!, before[last - 1]!];
    await page.waitForFunction(`[...document.querySelectorAll(".entry")].map((e) => e.getAttribute("data-clip")).join(",") === ${JSON.stringify(moved.join(","))}`);
    expect(await page.locator("#qa").getAttribute("data-passed")).toBe("true");
    await shot("11-review-moved");

    await page.click("#approve");
    await page.waitForURL(`${base}/productions/${id}`);
    const done = await watchProgress();
    expect(done.status).toBe("completed");
    await shot("12-review-rendered");
    const api = await (await fetch(`${base}/api/productions/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    expect((api as { clips: { external_id: string }[] }).clips.map((c) => c.external_id)).toEqual(moved);
  }, 600_000);
});
