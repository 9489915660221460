import { expect, test } from "bun:test";
import { getTableColumns, getTableName, is } from "drizzle-orm";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PgTable } from "drizzle-orm/pg-core";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import { renderEmbeddedMigrations } from "../../../scripts/embed-migrations.ts";
import * as pg from "./pg.ts";
import * as sqlite from "./sqlite.ts";
import { SCORE_COLUMNS } from "../enums.ts";

function shape(mod: Record<string, unknown>, isTable: (v: unknown) => boolean) {
  const out: Record<string, string[]> = {};
  for (const v of Object.values(mod)) {
    if (!isTable(v)) continue;
    const t = v as Parameters<typeof getTableName>[0];
    out[getTableName(t)] = Object.values(getTableColumns(t as never)).map((c) => (c as { name: string }).name).sort();
  }
  return out;
}

test("the SQLite and PostgreSQL schemas have the same tables and columns", () => {
  const a = shape(sqlite, (v) => is(v, SQLiteTable));
  const b = shape(pg, (v) => is(v, PgTable));
  expect(Object.keys(a).sort()).toEqual([
    "clip_frames", "clip_links", "index_tasks", "jobs", "llm_cache", "llm_usage", "production_clips", "production_edits",
    "production_metric_reports", "reference_tracks", "semantic_tags", "thumbnail_variants", "video_clips", "video_productions",
  ]);
  expect(b).toEqual(a);
});

test("every seed score column has a 0..10 CHECK in both generated migrations", () => {
  for (const dialect of ["sqlite", "pg"]) {
    const text = readFileSync(join(import.meta.dir, "..", "migrations", dialect, "0000_init.sql"), "utf8");
    for (const col of SCORE_COLUMNS) expect(text).toContain(`${col} >= 0 AND ${col} <= 10`);
  }
});

test("the embedded migrations module matches the committed migration folders", () => {
  const onDisk = readFileSync(join(import.meta.dir, "..", "migrations", "embedded.ts"), "utf8");
  expect(onDisk).toBe(renderEmbeddedMigrations());
});
