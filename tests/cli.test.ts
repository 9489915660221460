import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIPS, runCli } from "./support/cli.ts";

let dir: string;
let env: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-cli-"));
  env = { REELSMITH_HOME: join(dir, "home"), REELSMITH_MODELS_DIR: join(dir, "models") };
  writeFileSync(join(dir, "empty.mp4"), "");
  writeFileSync(join(dir, "notes.mp4"), "this is a text file, not a video\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reelsmith CLI", () => {
  test("--help lists every command, --version prints the version", async () => {
    const help = await runCli(["--help"], env);
    expect(help.code).toBe(0);
    for (const c of ["doctor", "index", "search", "clips", "produce", "productions", "serve", "worker", "models", "feedback"]) expect(help.stdout).toContain(`  ${c}`);
    const v = await runCli(["--version"], env);
    expect(v.stdout).toMatch(/^reelsmith \d+\.\d+\.\d+\n$/);
  });

  test("unknown commands and flags are one-line usage errors with exit code 2", async () => {
    const r = await runCli(["frobnicate"], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    const f = await runCli(["clips", "list", "--bogus", "1"], env);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain("--bogus");
  });

  test("probe of a real clip prints one JSON document with the probe fields", async () => {
    const r = await runCli(["probe", join(CLIPS, "sports_baseball_play.mp4"), "--json"], env);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.durationSeconds).toBeCloseTo(5.58, 1);
    expect([doc.width, doc.height, doc.videoCodec, doc.hasAudio]).toEqual([640, 360, "h264", true]);
  });

  const bad: [string, () => string, RegExp][] = [
    ["a missing file", () => join(dir, "nope.mp4"), /file not found/],
    ["a directory", () => dir, /is a directory/],
    ["a zero-byte file", () => join(dir, "empty.mp4"), /empty \(0 bytes\)/],
    ["a text file named .mp4", () => join(dir, "notes.mp4"), /not a readable media file/],
  ];
  for (const [what, path, reason] of bad) {
    test(`probe of ${what}: one line naming the file and the reason, non-zero exit, nothing written`, async () => {
      const r = await runCli(["probe", path()], env);
      expect(r.code).not.toBe(0);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(path());
      expect(lines[0]).toMatch(reason);
      expect(r.stdout).toBe("");
      expect(existsSync(env.REELSMITH_HOME!)).toBe(false);
    });
  }

  test("a bad configuration value fails at once, naming the key and what was expected", async () => {
    const r = await runCli(["clips", "list"], { ...env, LOG_LEVEL: "loud", REDIS_URL: "http://x" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("LOG_LEVEL");
    expect(r.stderr).toContain("REDIS_URL");
    expect(r.stderr).toMatch(/redis:\/\//);
  });

  test("an unreachable DATABASE_URL is named with its password masked, with the reason", async () => {
    const url = "postgres://alice:s3cret@127.0.0.1:1/reelsmith";
    const r = await runCli(["clips", "list"], { ...env, DATABASE_URL: url });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("127.0.0.1:1");
    expect(r.stderr).toContain("alice:***@");
    expect(r.stderr).not.toContain("s3cret");
    expect(r.stderr).toMatch(/refused/);
    const d = await runCli(["doctor", "--json"], { ...env, DATABASE_URL: url });
    expect(d.code).toBe(1);
    const doc = JSON.parse(d.stdout);
    expect(doc.database.reachable).toBe(false);
    expect(doc.database.location).toContain("alice:***@");
    expect(d.stdout).not.toContain("s3cret");
  });

  test("doctor --json reports ffmpeg, encoders, onnxruntime, models, a migrated database and free disk", async () => {
    const r = await runCli(["doctor", "--json"], env);
    const doc = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(doc.ffmpeg.ok).toBe(true);
    expect(doc.ffprobe.version).toMatch(/^\d/);
    const x264 = doc.encoders.find((e: { name: string }) => e.name === "libx264");
    expect(x264.usable).toBe(true);
    const nvenc = doc.encoders.find((e: { name: string }) => e.name === "h264_nvenc");
    expect(typeof nvenc.usable).toBe("boolean");
    if (!nvenc.usable) expect(nvenc.reason.length).toBeGreaterThan(3);
    expect(doc.onnxruntime.available).toBe(true);
    expect(typeof doc.onnxruntime.cuda.reason).toBe("string");
    expect(doc.database).toMatchObject({ engine: "sqlite", reachable: true, migrated: true });
    expect(doc.disk.free_bytes).toBeGreaterThan(0);
    expect(doc.models.length).toBeGreaterThan(3);
  });

  test("feedback validates its figures and names an unknown production", async () => {
    const bad = await runCli(["feedback", "prod_x", "--views", "10", "--retention", "3"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/retention is a share, 0\.\.1/);
    const unknown = await runCli(["feedback", "prod_x", "--views", "10", "--retention", "0.3"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no production "prod_x"/);
  });

  test("serve refuses to listen beyond loopback without API tokens", async () => {
    const r = await runCli(["serve", "--host", "0.0.0.0", "--port", "0"], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without REELSMITH_API_TOKENS/);
  });
});
