/** The parts of the server that live outside src/server/api: the htmx pages and their assets. */
import type { ServerExtras } from "./app.ts";

export function serverExtras(): ServerExtras {
  return {};
}
