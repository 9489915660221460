import { rm } from "node:fs/promises";

/** Progress reported by ffmpeg's `-progress pipe:` key=value blocks. */
export interface FfmpegProgress {
  /** Seconds of output written so far. */
  outTimeSeconds: number;
  /** 0–100 when the expected output duration is known, else undefined. */
  percent?: number;
  speed?: number;
  frame?: number;
  done: boolean;
}

export interface RunOptions {
  /** Expected output duration in seconds, to turn out_time into a percentage. */
  durationSeconds?: number;
  onProgress?: (p: FfmpegProgress) => void;
  signal?: AbortSignal;
  /** Files or folders removed when the run ends, whatever the outcome. */
  tempPaths?: string[];
  /** Receives stdout as raw chunks (for rawvideo/PCM pipes); otherwise stdout is collected. */
  onStdout?: (chunk: Uint8Array) => void | Promise<void>;
  /** Keep at most this many bytes of stderr (the tail) for error messages. */
  stderrLimit?: number;
  /** Receives stderr text as it arrives (to react to a log line before the run ends). */
  onStderr?: (text: string) => void;
}

export interface RunResult {
  stdout: Uint8Array;
  stderr: string;
  exitCode: number;
}

/** A failed ffmpeg/ffprobe run: carries the command and the tail of stderr. */
export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly command: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = "FfmpegError";
  }

  /** The last meaningful stderr line: what a person needs to read first. */
  get reason(): string {
    const lines = this.stderr
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    return lines.at(-1) ?? this.message;
  }
}

/** Renders an argument array the way a person would type it, for logs only (never executed). */
export function formatCommand(cmd: string[]): string {
  return cmd.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** Parses one chunk of `-progress` output; keeps partial lines in `state.buffer`. */
export function parseProgressChunk(
  state: { buffer: string; fields: Record<string, string> },
  text: string,
  durationSeconds?: number,
): FfmpegProgress[] {
  state.buffer += text;
  const lines = state.buffer.split("\n");
  state.buffer = lines.pop() ?? "";
  const out: FfmpegProgress[] = [];
  for (const line of lines) {
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    state.fields[key] = value;
    if (key !== "progress") continue;
    // out_time_us is microseconds despite ffmpeg's older out_time_ms name (same value, misnamed upstream).
    const us = Number(state.fields.out_time_us ?? state.fields.out_time_ms ?? "0");
    const outTimeSeconds = Number.isFinite(us) && us > 0 ? us / 1e6 : 0;
    const speed = Number.parseFloat(state.fields.speed ?? "");
    const frame = Number.parseInt(state.fields.frame ?? "", 10);
    const done = value === "end";
    const percent =
      durationSeconds && durationSeconds > 0
        ? done
          ? 100
          : Math.max(0, Math.min(100, (outTimeSeconds / durationSeconds) * 100))
        : undefined;
    out.push({
      outTimeSeconds,
      percent,
      speed: Number.isFinite(speed) ? speed : undefined,
      frame: Number.isFinite(frame) ? frame : undefined,
      done,
    });
  }
  return out;
}

/**
 * The one executor for ffmpeg and ffprobe: an argument array (never a shell), progress parsed
 * from `-progress pipe:2`-style output, stderr kept for the error, kill on abort, temp files
 * removed in `finally`.
 */
export async function runMedia(cmd: string[], opts: RunOptions = {}): Promise<RunResult> {
  if (cmd.length === 0) throw new Error("runMedia: empty command");
  if (opts.signal?.aborted) throw new FfmpegError("aborted before start", cmd, "", null);
  const stderrLimit = opts.stderrLimit ?? 64 * 1024;
  let proc: ReturnType<typeof Bun.spawn>;
  const t0 = performance.now();
  try {
    proc = Bun.spawn(cmd, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  } catch (err) {
    await removeAll(opts.tempPaths);
    throw new FfmpegError(`cannot start ${cmd[0]}: ${(err as Error).message}`, cmd, "", null);
  }
  const onAbort = () => proc.kill("SIGKILL");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const progressState = { buffer: "", fields: {} as Record<string, string> };
  let stderr = "";
  const decoder = new TextDecoder();
  const readStderr = (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      stderr += text;
      opts.onStderr?.(text);
      if (stderr.length > stderrLimit * 2) stderr = stderr.slice(-stderrLimit);
      if (opts.onProgress) {
        for (const p of parseProgressChunk(progressState, text, opts.durationSeconds)) opts.onProgress(p);
      }
    }
  })();
  const chunks: Uint8Array[] = [];
  const readStdout = (async () => {
    for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
      if (opts.onStdout) await opts.onStdout(chunk);
      else chunks.push(chunk);
    }
  })();
  try {
    const [exitCode] = await Promise.all([proc.exited, readStderr, readStdout]);
    if (stderr.length > stderrLimit) stderr = stderr.slice(-stderrLimit);
    if (TRACE) traceRun(cmd, t0, proc);
    if (opts.signal?.aborted) throw new FfmpegError("aborted", cmd, stderr, exitCode);
    if (exitCode !== 0) {
      const err = new FfmpegError(`${cmd[0]} exited with code ${exitCode}`, cmd, stderr, exitCode);
      err.message = `${cmd[0]} failed (exit ${exitCode}): ${err.reason}\n  command: ${formatCommand(cmd)}`;
      throw err;
    }
    return { stdout: Buffer.concat(chunks), stderr, exitCode };
  } catch (err) {
    if (!proc.killed && proc.exitCode === null) proc.kill("SIGKILL");
    throw err;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    await removeAll(opts.tempPaths);
  }
}

/** REELSMITH_TRACE_MEDIA=1: one stderr line per finished run (wall and CPU seconds, the command), for profiling. */
const TRACE = !!process.env.REELSMITH_TRACE_MEDIA;

function traceRun(cmd: string[], t0: number, proc: ReturnType<typeof Bun.spawn>): void {
  const u = proc.resourceUsage();
  const cpu = u ? (Number(u.cpuTime.user) + Number(u.cpuTime.system)) / 1e6 : Number.NaN;
  const wall = (performance.now() - t0) / 1000;
  process.stderr.write(`[media] +${(t0 / 1000).toFixed(2)}s wall ${wall.toFixed(2)}s cpu ${cpu.toFixed(2)}s ${(process.env.REELSMITH_TRACE_MEDIA === "full" ? formatCommand(cmd) : formatCommand(cmd).slice(0, 160))}\n`);
}

async function removeAll(paths: string[] | undefined): Promise<void> {
  if (!paths?.length) return;
  await Promise.all(paths.map((p) => rm(p, { recursive: true, force: true })));
}
