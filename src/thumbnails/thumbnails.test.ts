/**
 * Thumbnails: the right sizes, the title's pixels inside the frame (found by diffing the same
 * frame rendered with and without it), and the A/B rule applied as written in ab.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type AppContext } from "../app.ts";
import { loadConfig } from "../config.ts";
import { runMedia } from "../media/exec.ts";
import { probe } from "../media/probe.ts";
import { MIN_IMPRESSIONS, recordThumbnailEvents, recordVariants, ThumbnailError, thumbnailResults } from "./ab.ts";
import { layoutTitle, renderThumbnail } from "./render.ts";

const CLIP = join(import.meta.dir, "..", "..", "..", "shared", "corpus", "clips", "sports_basketball_game.mp4");
const TITLE = "Epic Fails Of The Week: Ten Minutes of Non-Stop Chaos in the Gym";
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-thumbs-"));
});

async function gray(path: string, w: number, h: number): Promise<Uint8Array> {
  const { stdout } = await runMedia(["ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "gray", "-s", `${w}x${h}`, "-"]);
  return new Uint8Array(stdout);
}

describe("thumbnail images", () => {
  for (const [w, h] of [[1280, 720], [1080, 1920]] as const) {
    test(`${w}×${h}: the size is right and the title is drawn wholly inside the frame`, async () => {
      const withTitle = join(dir, `t-${w}.jpg`);
      const bare = join(dir, `b-${w}.jpg`);
      await renderThumbnail({ ffmpegPath: "ffmpeg", clipPath: CLIP, sourceTime: 2, title: TITLE, width: w, height: h, out: withTitle });
      await renderThumbnail({ ffmpegPath: "ffmpeg", clipPath: CLIP, sourceTime: 2, title: null, width: w, height: h, out: bare });
      const p = await probe(withTitle);
      expect([p.width, p.height]).toEqual([w, h]);
      const [a, b] = [await gray(withTitle, w, h), await gray(bare, w, h)];
      let [x0, y0, x1, y1, changed]: [number, number, number, number, number] = [w, h, -1, -1, 0];
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          if (Math.abs(a[y * w + x]! - b[y * w + x]!) > 60) {
            changed++;
            x0 = Math.min(x0, x);
            x1 = Math.max(x1, x);
            y0 = Math.min(y0, y);
            y1 = Math.max(y1, y);
          }
      // The text changed a good part of the picture, all of it at least 2% in from every edge.
      expect(changed).toBeGreaterThan(w * h * 0.01);
      expect(x0).toBeGreaterThan(w * 0.02);
      expect(x1).toBeLessThan(w * 0.98);
      expect(y0).toBeGreaterThan(h * 0.02);
      expect(y1).toBeLessThan(h * 0.98);
      expect(x1 - x0).toBeGreaterThan(w * 0.4);
    }, 60_000);
  }

  test("long titles wrap to at most three lines that fit the width", () => {
    const { lines, fontSize } = layoutTitle(TITLE, 1280, 720);
    expect(lines.length).toBeLessThanOrEqual(3);
    expect(lines.join(" ")).toBe(TITLE);
    for (const l of lines) expect(l.length * fontSize * 0.62).toBeLessThanOrEqual(1280 * 0.9);
  });
});

describe("A/B test", () => {
  let app: AppContext;
  beforeAll(async () => {
    app = await createApp(loadConfig({ REELSMITH_HOME: join(dir, "home"), LOG_LEVEL: "error" }));
    const p = await app.productions.create({ productionId: "prod_ab", theme: "gym", targetDuration: 60, status: "completed", progress: 100 });
    await recordVariants(app, p.id, [1, 2, 3].map((v) => ({ variant: v, strategy: `rule ${v}`, size: "1280x720", imagePath: join(dir, `thumbnail_${v}.jpg`), clipId: null, timeSeconds: 1 })));
  });
  afterAll(async () => app?.close());

  test("no winner until every variant has the minimum impressions; then the highest click-through rate wins", async () => {
    await recordThumbnailEvents(app, "prod_ab", 1, { impressions: 120, clicks: 6 });
    await recordThumbnailEvents(app, "prod_ab", 2, { impressions: 150, clicks: 15 });
    const waiting = await recordThumbnailEvents(app, "prod_ab", 3, { impressions: MIN_IMPRESSIONS - 10, clicks: 9 });
    expect(waiting.winner).toBeNull();
    expect(waiting.reason).toContain(`3: ${MIN_IMPRESSIONS - 10}`);
    const done = await recordThumbnailEvents(app, "prod_ab", 3, { impressions: 20 });
    expect(done.winner).toBe(2);
    expect(done.variants.map((v) => v.ctr)).toEqual([0.05, 0.1, 0.0818]);
    const t = app.database.tables.thumbnailVariants;
    const chosen = (await app.database.db.select().from(t)).filter((r) => r.chosen).map((r) => r.variant);
    expect(chosen).toEqual([2]);
    expect((await thumbnailResults(app, "prod_ab")).winner).toBe(2);
  });

  test("more clicks than impressions, an unknown variant or production are refused", async () => {
    await expect(recordThumbnailEvents(app, "prod_ab", 1, { clicks: 500 })).rejects.toThrow(/more clicks/);
    await expect(recordThumbnailEvents(app, "prod_ab", 1, {})).rejects.toThrow(/impressions, clicks or both/);
    await expect(recordThumbnailEvents(app, "prod_ab", 3, { impressions: -1 })).rejects.toThrow();
    await expect(recordThumbnailEvents(app, "prod_nope", 1, { impressions: 1 })).rejects.toBeInstanceOf(ThumbnailError);
  });
});
