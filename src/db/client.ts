import { Database as BunDatabase } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { drizzle as drizzleSqlite, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { drizzle as drizzlePg } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { maskUrl } from "../config.ts";
import { pgMigrations, sqliteMigrations, type EmbeddedMigration } from "./migrations/embedded.ts";
import * as pgSchema from "./schema/pg.ts";
import * as sqliteSchema from "./schema/sqlite.ts";

/**
 * The repositories are written once, against the SQLite-typed drizzle API. drizzle's query
 * builders behave the same on both dialects for what we use (select/insert/update/delete,
 * onConflict, returning); values map the same way (JSON, booleans and timestamps become JS
 * values on both). The table objects, though, carry their dialect's value mappers, so each
 * connection hands out its own engine's tables as `tables` (typed as the SQLite ones). Engine-specific SQL (full-text search, JSON containment) lives behind
 * `engine` checks in the repositories that need it.
 */
export type Db = BunSQLiteDatabase<typeof sqliteSchema>;
export type Tables = typeof sqliteSchema;

export interface Database {
  engine: "sqlite" | "postgres";
  db: Db;
  /** This engine's table objects: repositories must build queries from these. */
  tables: Tables;
  /** The raw driver, for engine-specific statements. */
  sqlite?: BunDatabase;
  pg?: postgres.Sql;
  /** Where it points (password masked), for messages. */
  location: string;
  close(): Promise<void>;
}

/** A database that cannot be opened: names the masked location and the reason. */
export class DatabaseError extends Error {
  constructor(
    readonly location: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`database ${location}: ${reason}`, options);
    this.name = "DatabaseError";
  }
}

/** Opens (and creates, for SQLite) the database, then applies the committed migrations. */
export async function openDatabase(url: string, opts: { migrate?: boolean } = {}): Promise<Database> {
  const database = /^postgres(ql)?:/.test(url) ? await openPostgres(url) : openSqlite(url);
  if (opts.migrate !== false) {
    try {
      await applyMigrations(database);
    } catch (err) {
      await database.close();
      throw new DatabaseError(database.location, `migration failed: ${(err as Error).message}`, { cause: err });
    }
  }
  return database;
}

function openSqlite(path: string): Database {
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const sqlite = new BunDatabase(path, { create: true, strict: true });
    // WAL lets readers (the UI, search) run while an indexer writes; NORMAL sync is safe under WAL.
    sqlite.exec("PRAGMA journal_mode = WAL;");
    sqlite.exec("PRAGMA synchronous = NORMAL;");
    sqlite.exec("PRAGMA foreign_keys = ON;");
    // Several processes (CLI, server, workers) may share the file: wait instead of failing at once.
    sqlite.exec("PRAGMA busy_timeout = 5000;");
    const db = drizzleSqlite(sqlite, { schema: sqliteSchema });
    return {
      engine: "sqlite",
      db,
      tables: sqliteSchema,
      sqlite,
      location: path,
      close: async () => sqlite.close(),
    };
  } catch (err) {
    throw new DatabaseError(path, (err as Error).message, { cause: err });
  }
}

async function openPostgres(url: string): Promise<Database> {
  const location = maskUrl(url);
  const pg = postgres(url, { max: 10, onnotice: () => {}, connect_timeout: 5 });
  try {
    await pg`select 1`;
  } catch (err) {
    await pg.end({ timeout: 1 }).catch(() => {});
    const e = err as NodeJS.ErrnoException;
    const reason = e.code === "ECONNREFUSED" ? "connection refused (is PostgreSQL running?)" : e.message;
    throw new DatabaseError(location, reason, { cause: err });
  }
  const db = drizzlePg(pg, { schema: pgSchema }) as unknown as Db;
  const tables = pgSchema as unknown as Tables;
  return { engine: "postgres", db, tables, pg, location, close: () => pg.end({ timeout: 5 }) };
}

function toMigrationMeta(list: EmbeddedMigration[]) {
  return list.map((m) => ({
    sql: m.sql.split("--> statement-breakpoint"),
    bps: m.breakpoints,
    folderMillis: m.when,
    hash: new Bun.CryptoHasher("sha256").update(m.sql).digest("hex"),
  }));
}

/**
 * Applies the embedded migrations with drizzle's own migrator logic (same bookkeeping table,
 * same hashes as `migrate()` from a folder), so a compiled binary needs no migrations folder.
 */
export async function applyMigrations(database: Database): Promise<void> {
  // drizzle's dialect.migrate is the function its folder-based migrate() calls; we feed it the
  // embedded files instead of reading a folder.
  const internal = database.db as unknown as {
    dialect: { migrate(m: unknown, session: unknown, cfg: unknown): unknown };
    session: unknown;
  };
  const migrations = toMigrationMeta(database.engine === "sqlite" ? sqliteMigrations : pgMigrations);
  await internal.dialect.migrate(migrations, internal.session, { migrationsFolder: "(embedded)" });
}

/** The migrations applied so far, and how many are embedded: doctor reports both. */
export async function migrationStatus(database: Database): Promise<{ applied: number; expected: number }> {
  const expected = (database.engine === "sqlite" ? sqliteMigrations : pgMigrations).length;
  try {
    if (database.engine === "sqlite") {
      const row = database.sqlite!.query("SELECT count(*) AS n FROM __drizzle_migrations").get() as { n: number };
      return { applied: row.n, expected };
    }
    const rows = await database.pg!`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`;
    return { applied: Number(rows[0]?.n ?? 0), expected };
  } catch {
    return { applied: 0, expected };
  }
}
