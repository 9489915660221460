/**
 * `bun scripts/bench-http.ts [--home DIR] [--clips N] [--seconds S] [--connections C]`
 * Load on the HTTP API over loopback with autocannon, from a second process: the server runs as
 * `reelsmith serve --no-workers` (so no background job competes for the two cores), the load
 * generator here. Measures GET /api/clips/search (real FTS + WordNet expansion over the library)
 * and GET /api/productions/{id} (the status a UI polls), and /healthz as the floor of the stack.
 * Without --home it indexes the first N corpus clips (default 12) into a temporary home first.
 */
import autocannon from "autocannon";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatTable } from "../src/cli/output.ts";

const ROOT = join(import.meta.dir, "..");
const CLIPS = join(ROOT, "..", "shared", "corpus", "clips");
const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const seconds = Number(arg("seconds", "10"));
const connections = Number(arg("connections", "16"));
const TOKEN = "bench-token-0123456789";

async function cli(args: string[], env: Record<string, string>): Promise<string> {
  const p = Bun.spawn(["bun", join(ROOT, "src", "cli.ts"), ...args], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "inherit" });
  const out = await new Response(p.stdout).text();
  if ((await p.exited) !== 0) throw new Error(`reelsmith ${args.join(" ")} failed`);
  return out;
}

let home = arg("home");
if (!home) {
  home = mkdtempSync(join(tmpdir(), "reelsmith-bench-http-"));
  const n = Number(arg("clips", "12"));
  const files = [...new Bun.Glob("*.{mp4,mkv,mov,webm}").scanSync(CLIPS)].sort().slice(0, n).map((f) => join(CLIPS, f));
  process.stderr.write(`indexing ${files.length} corpus clips into ${home}…\n`);
  await cli(["index", ...files, "--manifest", join(CLIPS, "MANIFEST.tsv"), "--json"], { REELSMITH_HOME: home, LOG_LEVEL: "error" });
}

const env = { REELSMITH_HOME: home, REELSMITH_API_TOKENS: TOKEN, LOG_LEVEL: "error" };
const server = Bun.spawn(["bun", join(ROOT, "src", "cli.ts"), "serve", "--port", "0", "--no-workers", "--json"], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "inherit" });
const reader = server.stdout.getReader();
let buf = "";
while (!buf.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("the server exited before it listened");
  buf += new TextDecoder().decode(value);
}
const url = JSON.parse(buf.trim()).url as string;
const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
const created = (await (await fetch(`${url}/api/productions`, { method: "POST", headers, body: JSON.stringify({ theme: "people talking", target_duration: 30 }) })).json()) as { production_id: string };

async function load(path: string) {
  const r = await autocannon({ url: `${url}${path}`, connections, duration: seconds, headers });
  if (r.non2xx) throw new Error(`${path}: ${r.non2xx} non-2xx answers`);
  return [path.replace(/\?.*/, "?…").replace(/prod_\w+/, "{id}"), Math.round(r.requests.average), r.latency.p50, r.latency.p99, r.errors];
}

try {
  const rows = [await load("/healthz"), await load("/api/clips/search?query=dog%20running&limit=10"), await load(`/api/productions/${created.production_id}`)];
  process.stdout.write(`HTTP on loopback (${connections} connections, ${seconds} s each, server and load generator on this machine)\n`);
  process.stdout.write(`${formatTable(["endpoint", "requests/s", "p50 ms", "p99 ms", "errors"], rows)}\n`);
} finally {
  server.kill("SIGTERM");
  await server.exited;
}
