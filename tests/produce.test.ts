/** Produce on the indexed corpus, through the real CLI: a finished MP4 that ffprobe and ebur128 check. */
import { beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runMedia } from "../src/media/exec.ts";
import { probe } from "../src/media/probe.ts";
import { indexedCorpus } from "./support/corpus.ts";
import { ROOT, runCli } from "./support/cli.ts";

let env: Record<string, string>;
beforeAll(async () => {
  const { home } = await indexedCorpus();
  env = { REELSMITH_HOME: home, LOG_LEVEL: "warn" };
}, 600_000);

async function integratedLoudness(path: string): Promise<number> {
  const { stderr } = await runMedia(["ffmpeg", "-hide_banner", "-nostdin", "-v", "info", "-i", path, "-vn", "-af", "ebur128", "-f", "null", "-"], { stderrLimit: 1 << 22 });
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  return Number(summary.match(/I:\s*(-?[\d.]+) LUFS/)![1]);
}

async function chapterCount(path: string): Promise<number> {
  const { stdout } = await runMedia(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", path]);
  return (JSON.parse(new TextDecoder().decode(stdout)).chapters as unknown[]).length;
}

describe("reelsmith produce", () => {
  test("a 60 s compilation: duration ±2%, audio at −14 ± 1 LUFS, chapters, no clip twice, files named in the JSON", async () => {
    const r = await runCli(["produce", "--theme", "people talking", "--duration", "60", "--resolution", "720p", "--json"], env);
    const doc = JSON.parse(r.stdout);
    expect(doc.error).toBeNull();
    expect(r.code).toBe(0);
    expect(doc.status).toBe("completed");
    const p = await probe(doc.video_path);
    expect(Math.abs(p.durationSeconds - 60) / 60).toBeLessThanOrEqual(0.02);
    expect([p.hasAudio, p.videoCodec, p.audioCodec, p.width, p.height]).toEqual([true, "h264", "aac", 1280, 720]);
    expect(Math.abs((await integratedLoudness(doc.video_path)) + 14)).toBeLessThanOrEqual(1);
    expect(await chapterCount(doc.video_path)).toBe(doc.clips.length);
    const ids = doc.clips.map((c: { clip_id: string }) => c.clip_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of doc.clips) expect(c.reason.length).toBeGreaterThan(10);
    expect(doc.title.length).toBeGreaterThan(5);
    expect(doc.description).toContain("00:00");
    expect(doc.thumbnails).toHaveLength(3);
    for (const f of [doc.captions_path, doc.otio_path, doc.edl_path, doc.timeline_path, ...doc.thumbnails.map((t: { path: string }) => t.path)]) expect(existsSync(f)).toBe(true);
    const otio = JSON.parse(readFileSync(doc.otio_path, "utf8"));
    expect(otio.OTIO_SCHEMA).toBe("Timeline.1");
    expect(readFileSync(doc.edl_path, "utf8")).toStartWith("TITLE: ");
    const db = new Database(join(env.REELSMITH_HOME!, "reelsmith.db"), { readonly: true });
    const used = db.query("SELECT count(*) AS n FROM video_clips WHERE times_used > 0 AND last_used_at IS NOT NULL").get() as { n: number };
    db.close();
    expect(used.n).toBeGreaterThanOrEqual(ids.length);
  });

  test("9:16 output at 1080×1920", async () => {
    const r = await runCli(["produce", "--theme", "people talking", "--duration", "12", "--aspect", "9:16", "--json"], env);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("completed");
    const p = await probe(doc.video_path);
    expect([p.width, p.height]).toEqual([1080, 1920]);
  });

  test("a theme with nothing usable fails with a clear reason and no video", async () => {
    const r = await runCli(["produce", "--theme", "underwater volcano eruption", "--duration", "30", "--json"], env);
    const doc = JSON.parse(r.stdout);
    expect(r.code).toBe(1);
    expect(doc.status).toBe("failed");
    expect(doc.error).toMatch(/no (usable )?clip/);
    expect(doc.video_path).toBeNull();
  });

  test("kill -9 during rendering, then productions resume: the same production finishes, reusing finished segments", async () => {
    const proc = Bun.spawn([process.execPath, join(ROOT, "src", "cli.ts"), "produce", "--theme", "people talking", "--duration", "40", "--resolution", "720p", "--style", "chill"], {
      env: { ...process.env, ...env },
      stdout: "ignore",
      stderr: "ignore",
    });
    const dbPath = join(env.REELSMITH_HOME!, "reelsmith.db");
    let id = "";
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      await Bun.sleep(100);
      const db = new Database(dbPath, { readonly: true });
      const row = db.query("SELECT production_id FROM video_productions WHERE status = 'rendering' AND style = 'chill' ORDER BY created_at DESC LIMIT 1").get() as { production_id: string } | null;
      db.close();
      if (!row) continue;
      id = row.production_id;
      // Finished segments are moved into place from the run's folder as each closes: two of them
      // means a kill now interrupts a render half done.
      const segs = join(env.REELSMITH_HOME!, "productions", id, "work");
      if (existsSync(segs) && readdirSync(segs, { recursive: true }).filter((f) => /(^|\/)[^/]+-\d{3}-[0-9a-f]{16}\.mov$/.test(String(f))).length >= 2) break;
    }
    proc.kill(9);
    await proc.exited;
    expect(id).not.toBe("");
    const before = JSON.parse((await runCli(["productions", "show", id, "--json"], env)).stdout);
    expect(before.status).toBe("rendering");
    const r = await runCli(["productions", "resume", id, "--json"], env);
    const doc = JSON.parse(r.stdout);
    expect(doc.status).toBe("completed");
    expect(doc.production_id).toBe(id);
    const db = new Database(dbPath, { readonly: true });
    const art = JSON.parse((db.query("SELECT artifacts FROM video_productions WHERE production_id = ?").get(id) as { artifacts: string }).artifacts);
    db.close();
    expect(art.segments_reused).toBeGreaterThanOrEqual(2);
    expect(Math.abs((await probe(doc.video_path)).durationSeconds - 40) / 40).toBeLessThanOrEqual(0.02);
  });
});
