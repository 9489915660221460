import type { z } from "zod";
import { UsageError } from "./args.ts";

/** Validates parsed flags with a zod schema; the error names the flag and what was expected. */
export function validateFlags<S extends z.ZodType>(schema: S, flags: Record<string, unknown>): z.infer<S> {
  const res = schema.safeParse(flags);
  if (res.success) return res.data;
  const issue = res.error.issues[0]!;
  if (issue.code === "unrecognized_keys") throw new UsageError(`unknown option ${issue.keys.map((k) => `--${k}`).join(", ")}`);
  const key = issue.path.map(String).join(".");
  throw new UsageError(`--${key}: ${issue.message}`);
}

/** Prints exactly one JSON document on stdout (the --json contract). */
export function printJson(doc: unknown): void {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Formats rows as an aligned text table. */
export function formatTable(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? "" : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells.map((r) => r.map((c, i) => (c ?? "").padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

/** Seconds as "1m05s" / "12s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

export interface ProgressBar {
  update(done: number, label?: string, extra?: string): void;
  finish(): void;
}

/**
 * A terminal progress bar on stderr: done/total, label (current stage), rate and ETA. On a
 * non-TTY stderr it prints a plain line at most every few seconds, so logs stay readable.
 */
export function createProgressBar(total: number, unit = "items", stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const started = performance.now();
  let lastPlain = 0;
  let lastLine = "";
  const tty = Boolean(stream.isTTY);
  const render = (done: number, label = "", extra = "") => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 && total > done ? (total - done) / rate : 0;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
    return `${bar} ${done}/${total} ${unit} ${(frac * 100).toFixed(0)}% | ${rate.toFixed(2)}/s | ETA ${formatDuration(eta)}${extra ? ` | ${extra}` : ""}${label ? ` | ${label}` : ""}`;
  };
  return {
    update(done, label, extra) {
      const line = render(done, label, extra);
      if (tty) {
        const cols = stream.columns || 120;
        stream.write(`\r\x1b[2K${line.slice(0, cols - 1)}`);
      } else if (performance.now() - lastPlain > 3000 || done === total) {
        if (line !== lastLine) stream.write(`${line}\n`);
        lastPlain = performance.now();
      }
      lastLine = line;
    },
    finish() {
      if (tty) stream.write("\n");
    },
  };
}
