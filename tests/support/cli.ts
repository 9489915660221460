import { join } from "node:path";

export const ROOT = join(import.meta.dir, "..", "..");
export const CORPUS = join(ROOT, "..", "shared", "corpus");
export const CLIPS = join(CORPUS, "clips");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI (`bun src/cli.ts …`) as a child process with the given environment. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Promise<CliResult> {
  return runCommand([process.execPath, join(ROOT, "src", "cli.ts"), ...args], env, cwd);
}

/** Runs any command with the current environment plus `env` (undefined removes a key). */
export async function runCommand(cmd: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Promise<CliResult> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  const proc = Bun.spawn(cmd, { cwd, env: merged, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

export interface ServeProcess {
  url: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** SIGTERM (graceful) or SIGKILL, then wait for the exit. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<number>;
}

/** Starts `reelsmith serve --port 0 --json` and resolves once it prints the URL it listens on. */
export async function startServe(env: Record<string, string | undefined>, args: string[] = []): Promise<ServeProcess> {
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) merged[k] = v;
  const proc = Bun.spawn([process.execPath, join(ROOT, "src", "cli.ts"), "serve", "--port", "0", "--json", ...args], { cwd: ROOT, env: merged, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve exited before listening: ${await new Response(proc.stderr as ReadableStream).text()}`);
    buf += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const url = (JSON.parse(buf.trim()) as { url: string }).url;
  return {
    url,
    proc,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      return proc.exited;
    },
  };
}
