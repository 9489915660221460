/** The parts of the server that live outside src/server/api: the htmx pages and their assets. */
import { assetRoutes } from "../ui/assets.ts";
import { pageRoutes } from "../ui/pages.tsx";
import type { ServerExtras } from "./app.ts";

export function serverExtras(): ServerExtras {
  return { assets: assetRoutes(), pages: pageRoutes() };
}
