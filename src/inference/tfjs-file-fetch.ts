/**
 * tfjs's model and WASM loaders read `file://` URLs through `fetch`, which neither Node's nor
 * Bun's fetch serves for these files (shared/models/README.md). This shim answers `file://`
 * URLs from disk and passes every other URL to the real fetch.
 */
let installed = false;

/** Content type tfjs expects for a model or runtime file (it checks for application/wasm). */
export function contentTypeFor(path: string): string {
  if (path.endsWith(".json")) return "application/json";
  if (path.endsWith(".wasm")) return "application/wasm";
  return "application/octet-stream";
}

/** Answers one file:// URL from disk: 200 with the bytes, or 404 naming the missing path. */
export async function fetchFileUrl(url: string): Promise<Response> {
  const path = decodeURIComponent(new URL(url).pathname);
  const file = Bun.file(path);
  if (!(await file.exists())) return new Response(`not found: ${path}`, { status: 404, statusText: "Not Found" });
  return new Response(file, { headers: { "content-type": contentTypeFor(path) } });
}

/** Installs the shim on globalThis.fetch once per process (idempotent). */
export function installFileFetch(): void {
  if (installed) return;
  installed = true;
  const real = globalThis.fetch;
  const shim = async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return url.startsWith("file://") ? fetchFileUrl(url) : real(input, init);
  };
  globalThis.fetch = Object.assign(shim, { preconnect: real.preconnect }) as typeof fetch;
}
