/** The single binary: `bun build --compile` output runs `doctor` with no node_modules beside it. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIPS, ROOT, runCommand } from "./support/cli.ts";

let dir: string;
let bin: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "reelsmith-bin-"));
  bin = join(dir, "reelsmith");
  const build = await runCommand([process.execPath, join(ROOT, "scripts", "build.ts"), bin]);
  if (build.code !== 0) throw new Error(`build failed: ${build.stderr}`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the compiled binary runs --version and doctor from a folder without node_modules", async () => {
  expect(statSync(bin).size).toBeGreaterThan(10_000_000);
  const v = await runCommand([bin, "--version"], {}, dir);
  expect(v.stdout).toMatch(/^reelsmith \d+\.\d+\.\d+/);
  const env = { REELSMITH_HOME: join(dir, "home"), REELSMITH_MODELS_DIR: join(dir, "models"), NODE_PATH: undefined };
  const r = await runCommand([bin, "doctor", "--json"], env, dir);
  const doc = JSON.parse(r.stdout);
  expect(r.code).toBe(0);
  expect(doc.ffmpeg.ok).toBe(true);
  // Migrations travel inside the binary.
  expect(doc.database).toMatchObject({ engine: "sqlite", reachable: true, migrated: true });
  expect(doc.database.applied).toBeGreaterThanOrEqual(2);
  // onnxruntime-node is a native addon loaded from node_modules: absent here, with the reason.
  expect(doc.onnxruntime.available).toBe(false);
  expect(doc.onnxruntime.reason).toMatch(/onnxruntime-node/);
});

test("the compiled binary serves the API (bad bodies get the error shape) and the UI with htmx embedded", async () => {
  const env: Record<string, string | undefined> = { REELSMITH_HOME: join(dir, "serve-home"), NODE_PATH: undefined, LOG_LEVEL: "error" };
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  const proc = Bun.spawn([bin, "serve", "--port", "0", "--json"], { cwd: dir, env: merged, stdout: "pipe", stderr: "pipe" });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let buf = "";
      const reader = proc.stdout.getReader();
      const pump = (): void => {
        reader.read().then(({ value, done }) => {
          if (done) return reject(new Error("serve exited"));
          buf += new TextDecoder().decode(value);
          if (buf.includes("\n")) resolve(buf.slice(0, buf.indexOf("\n")));
          else pump();
        }, reject);
      };
      pump();
    });
    const { url } = JSON.parse(line) as { url: string };
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const bad = await fetch(`${url}/api/productions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ target_duration: 60 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toStartWith("theme:");
    expect((await fetch(`${url}/api/openapi.json`)).status).toBe(200);
    // The UI and htmx itself travel inside the binary.
    const htmx = await fetch(`${url}/assets/htmx.min.js`);
    expect(htmx.status).toBe(200);
    expect((await htmx.text()).length).toBeGreaterThan(30_000);
    expect(await (await fetch(`${url}/`)).text()).toContain("<h1>Library</h1>");
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
});

test("the compiled binary indexes a clip with its visual pass on a worker thread (no fallback warning)", async () => {
  const env = { REELSMITH_HOME: join(dir, "index-home"), REELSMITH_MODELS_DIR: join(dir, "models"), NODE_PATH: undefined };
  const r = await runCommand([bin, "index", join(CLIPS, "sports_baseball_play.mp4"), "--json"], env, dir);
  expect(r.code).toBe(0);
  expect(r.stderr).not.toContain("visual worker");
  const doc = JSON.parse(r.stdout);
  expect(doc.indexed).toHaveLength(1);
}, 120_000);
