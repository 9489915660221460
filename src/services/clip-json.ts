import { getTableColumns } from "drizzle-orm";
import type { ClipRow } from "../db/repositories/clips.ts";
import { videoClips } from "../db/schema/sqlite.ts";

const COLUMN_NAMES: Record<string, string> = Object.fromEntries(
  Object.entries(getTableColumns(videoClips)).map(([prop, col]) => [prop, col.name]),
);

/** A clip row with the seed's snake_case field names (dates as ISO strings), for JSON output. */
export function clipToJson(row: ClipRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[COLUMN_NAMES[k] ?? k] = v instanceof Date ? v.toISOString() : v;
  return out;
}
