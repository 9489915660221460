/** The single binary: `bun build --compile` output runs `doctor` with no node_modules beside it. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runCommand } from "./support/cli.ts";

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
