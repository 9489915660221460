/**
 * Indexing end to end through the real CLI: good clips, broken files, re-runs, and a kill -9 in
 * the middle of a batch followed by a resume.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runMedia } from "../src/media/exec.ts";
import { CLIPS, ROOT, runCli } from "./support/cli.ts";

let dir: string;
let lib: string;
let env: Record<string, string>;
const clip = (name: string) => join(CLIPS, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-index-"));
  lib = join(dir, "library");
  mkdirSync(lib);
  env = { REELSMITH_HOME: join(dir, "home"), REELSMITH_MODELS_DIR: join(dir, "models"), LOG_LEVEL: "warn" };
  writeFileSync(join(lib, "empty.mp4"), "");
  writeFileSync(join(lib, "notes.mp4"), "not a video at all\n");
  // A real clip cut off after 30% of its bytes: a corrupt file as downloads leave them.
  const bytes = readFileSync(clip("sports_basketball_game.mp4"));
  writeFileSync(join(lib, "truncated.mp4"), bytes.subarray(0, Math.floor(bytes.length * 0.3)));
  // Audio only: the soundtrack of a corpus clip in an .mp4 container.
  await runMedia(["ffmpeg", "-v", "error", "-y", "-i", clip("grid_speaker_bbaf2n.mpg"), "-vn", "-c:a", "aac", join(lib, "audio_only.mp4")]);
  copyFileSync(clip("kinetics_arm_wrestling.mp4"), join(lib, "no_audio.mp4"));
  copyFileSync(clip("grid_speaker_brbk7n.mpg"), join(lib, "speaker.mpg"));
  copyFileSync(clip("grid_speaker_brbk7n.mpg"), join(lib, "speaker_copy.mpg"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const db = () => new Database(join(env.REELSMITH_HOME!, "reelsmith.db"), { readonly: true });

describe("reelsmith index", () => {
  test("good clips index; broken ones fail with readable reasons; the batch goes on", async () => {
    const r = await runCli(["index", lib, "--license", "CC0", "--consent", "--json"], env);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    const byFile = (list: { file: string }[], name: string) => list.find((x) => x.file.endsWith(`/${name}`));
    expect(s.total).toBe(7);
    expect(byFile(s.indexed, "no_audio.mp4")).toBeDefined();
    // Two copies of the same bytes indexed at the same time: whichever is hashed first is indexed, the other skipped.
    const speakers = ["speaker.mpg", "speaker_copy.mpg"];
    expect(speakers.filter((f) => byFile(s.indexed, f))).toHaveLength(1);
    expect(s.skipped).toHaveLength(1);
    expect(speakers.some((f) => s.skipped[0].file.endsWith(`/${f}`))).toBe(true);
    expect(s.skipped[0].reason).toMatch(/exact duplicate of .*speaker(_copy)?\.mpg/);
    const reasons = Object.fromEntries(s.failed.map((f: { file: string; reason: string }) => [f.file.split("/").pop(), f.reason]));
    expect(reasons["empty.mp4"]).toMatch(/empty \(0 bytes\)/);
    expect(reasons["notes.mp4"]).toMatch(/not a readable media file/);
    expect(reasons["truncated.mp4"]).toBeDefined();
    expect(reasons["audio_only.mp4"]).toMatch(/no video stream/);
    // Failed files are listed as failed clips with their reason, as people will look for them.
    const list = await runCli(["clips", "list", "--status", "failed", "--json"], env);
    const failed = JSON.parse(list.stdout).clips;
    expect(failed.length).toBe(4);
    for (const c of failed) expect(c.status_reason.length).toBeGreaterThan(8);
  });

  test("the clip without audio is analysed, with the absent signal named", async () => {
    const all = JSON.parse((await runCli(["clips", "list", "--status", "analyzed", "--json"], env)).stdout).clips;
    const listed = all.find((x: { file_path: string }) => x.file_path.endsWith("no_audio.mp4"));
    const r = await runCli(["clips", "show", listed.external_id, "--json"], env);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c.keyframes.length).toBeGreaterThan(0);
    expect(c.has_speech).toBe(false);
    expect(c.absent_signals.some((a: { signal: string }) => a.signal === "audio")).toBe(true);
    expect(c.shots.length).toBeGreaterThan(0);
    expect(c.perceptual_hash.length).toBeGreaterThan(0);
    expect(c.rights_cleared).toBe(true);
    expect(c.rights_reason).toContain("command line");
  });

  test("running again does no new work", async () => {
    const before = db().query("SELECT id, updated_at FROM video_clips ORDER BY id").all();
    const r = await runCli(["index", lib, "--license", "CC0", "--consent", "--json"], env);
    const s = JSON.parse(r.stdout);
    expect(s.indexed).toHaveLength(0);
    expect(s.unchanged.length).toBe(6);
    expect(db().query("SELECT id, updated_at FROM video_clips ORDER BY id").all()).toEqual(before);
  });
});

describe("kill -9 in the middle of a batch, then the same command again", () => {
  test("it resumes: every clip analysed once, no duplicate rows, no half-written clip", async () => {
    const home = join(dir, "home-kill");
    const kenv = { ...env, REELSMITH_HOME: home };
    const files = ["sports_baseball_play.mp4", "mdn_stream_of_water.mp4", "nasa_rocket_launch_oa4.webm", "blender_bbb_bunny_5s.mp4", "kivy_city_skyscrapers_night_cut.mpg"].map(clip);
    const args = [process.execPath, join(ROOT, "src", "cli.ts"), "index", ...files, "--concurrency", "1", "--manifest", join(CLIPS, "MANIFEST.tsv")];
    const proc = Bun.spawn(args, { env: { ...process.env, ...kenv }, stdout: "ignore", stderr: "ignore" });
    // Wait until at least one clip is stored and another is under way, then kill without warning.
    const deadline = Date.now() + 120_000;
    let state = { done: 0, running: 0 };
    while (Date.now() < deadline) {
      await Bun.sleep(100);
      try {
        const d = new Database(join(home, "reelsmith.db"), { readonly: true });
        state = d.query("SELECT sum(status = 'done') AS done, sum(status = 'running' AND stage IN ('visual','audio','analysing')) AS running FROM index_tasks").get() as typeof state;
        d.close();
      } catch {
        continue;
      }
      if ((state.done ?? 0) >= 1 && (state.running ?? 0) >= 1) break;
    }
    proc.kill(9);
    await proc.exited;
    expect(state.done).toBeGreaterThanOrEqual(1);
    const mid = new Database(join(home, "reelsmith.db"), { readonly: true });
    const analysedBefore = (mid.query("SELECT count(*) AS n FROM video_clips WHERE status = 'analyzed'").get() as { n: number }).n;
    mid.close();
    expect(analysedBefore).toBeLessThan(files.length);

    const again = await runCli(["index", ...files, "--concurrency", "1", "--manifest", join(CLIPS, "MANIFEST.tsv"), "--json"], kenv);
    const s = JSON.parse(again.stdout);
    expect(s.resumed).toBeGreaterThanOrEqual(1);
    expect(s.failed).toEqual([]);
    const d = new Database(join(home, "reelsmith.db"), { readonly: true });
    const rows = d.query("SELECT file_hash, count(*) AS n, max(status) AS status FROM video_clips GROUP BY file_hash").all() as { n: number; status: string }[];
    expect(rows).toHaveLength(files.length);
    for (const r of rows) expect([r.n, r.status]).toEqual([1, "analyzed"]);
    const open = d.query("SELECT count(*) AS n FROM index_tasks WHERE status IN ('queued','running')").get() as { n: number };
    expect(open.n).toBe(0);
    d.close();
  });
});
