/**
 * Serves a file with HTTP range support, so a browser's <video> can seek and download managers
 * can resume. One satisfiable byte range per request (what browsers send); otherwise 416.
 */
import { stat } from "node:fs/promises";
import { extname } from "node:path";
import type { Context } from "hono";
import { ApiError } from "./errors.ts";

const TYPES: Record<string, string> = {
  ".mp4": "video/mp4",
  ".mov": "video/quicktime",
  ".webm": "video/webm",
  ".mkv": "video/x-matroska",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".srt": "application/x-subrip; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".otio": "application/json",
  ".json": "application/json",
  ".edl": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** Parses `bytes=a-b`, `bytes=a-`, `bytes=-n` against a size; null when unsatisfiable. */
export function parseRange(header: string, size: number): { start: number; end: number } | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  let start: number;
  let end: number;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return null;
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? { start, end } : null;
}

export async function sendFile(c: Context, path: string, opts: { download?: string } = {}): Promise<Response> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new ApiError(404, "not_found", "the file is not there (not rendered yet, or removed)");
  const headers: Record<string, string> = {
    "content-type": contentType(path),
    "accept-ranges": "bytes",
    "last-modified": info.mtime.toUTCString(),
    "cache-control": "private, max-age=60",
  };
  if (opts.download) headers["content-disposition"] = `attachment; filename="${opts.download.replace(/["\\\r\n]/g, "_")}"`;
  const file = Bun.file(path);
  const range = c.req.header("range");
  if (range) {
    const r = parseRange(range, info.size);
    if (!r) return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${info.size}` } });
    return new Response(file.slice(r.start, r.end + 1), {
      status: 206,
      headers: { ...headers, "content-range": `bytes ${r.start}-${r.end}/${info.size}`, "content-length": String(r.end - r.start + 1) },
    });
  }
  return new Response(c.req.method === "HEAD" ? null : file, { status: 200, headers: { ...headers, "content-length": String(info.size) } });
}
