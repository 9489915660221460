/**
 * Real databases for tests: an SQLite file in a temp dir, and a fresh PostgreSQL database
 * per test file on the server at 127.0.0.1:5432 (TEST_POSTGRES_URL), dropped afterwards, so
 * concurrent runs never collide.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { openDatabase, type Database } from "../../src/db/client.ts";

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface TestDatabase {
  database: Database;
  url: string;
  dispose(): Promise<void>;
}

/** Opens (and migrates) the database at `url`; `cleanup` runs after it is closed. */
async function openForTest(url: string, cleanup: () => Promise<void> | void): Promise<TestDatabase> {
  const database = await openDatabase(url);
  return {
    database,
    url,
    dispose: async () => {
      await database.close();
      await cleanup();
    },
  };
}

/** Runs one statement on the server's admin database (CREATE/DROP DATABASE). */
async function admin(statement: string): Promise<void> {
  const sql = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(statement);
  } finally {
    await sql.end();
  }
}

/** A migrated SQLite database in a fresh temp folder. */
export async function sqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "reelsmith-db-"));
  return openForTest(join(dir, "test.db"), () => rmSync(dir, { recursive: true, force: true }));
}

/** A migrated PostgreSQL database created for this test file alone. */
export async function postgresTestDatabase(): Promise<TestDatabase> {
  const name = `reelsmith_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(TEST_POSTGRES_URL);
  u.pathname = `/${name}`;
  return openForTest(u.toString(), () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export const ENGINES = [
  { name: "sqlite", open: sqliteTestDatabase },
  { name: "postgres", open: postgresTestDatabase },
] as const;
