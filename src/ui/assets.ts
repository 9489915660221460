/**
 * The UI's static files, embedded in the program (and so in the compiled binary): htmx and its
 * SSE extension from their npm packages, and the hand-written stylesheet.
 */
import { Hono } from "hono";
import htmx from "htmx.org/dist/htmx.min.js" with { type: "text" };
import sse from "htmx-ext-sse/dist/sse.js" with { type: "text" };
import type { ServerEnv } from "../server/types.ts";
import { CSS } from "./style.ts";

const FILES: Record<string, { body: string; type: string }> = {
  "htmx.min.js": { body: htmx, type: "text/javascript; charset=utf-8" },
  "sse.js": { body: sse, type: "text/javascript; charset=utf-8" },
  "app.css": { body: CSS, type: "text/css; charset=utf-8" },
};

export function assetRoutes(): Hono<ServerEnv> {
  const r = new Hono<ServerEnv>();
  r.get("/:name", (c) => {
    const f = FILES[c.req.param("name")];
    if (!f) return c.text("no such asset", 404);
    return c.body(f.body, 200, { "content-type": f.type, "cache-control": "public, max-age=3600" });
  });
  return r;
}
