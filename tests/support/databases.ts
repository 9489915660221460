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

/** A migrated SQLite database in a fresh temp folder. */
export async function sqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "reelsmith-db-"));
  const url = join(dir, "test.db");
  const database = await openDatabase(url);
  return {
    database,
    url,
    dispose: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A migrated PostgreSQL database created for this test file alone. */
export async function postgresTestDatabase(): Promise<TestDatabase> {
  const name = `reelsmith_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(TEST_POSTGRES_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const database = await openDatabase(url);
  return {
    database,
    url,
    dispose: async () => {
      await database.close();
      const a = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export const ENGINES = [
  { name: "sqlite", open: sqliteTestDatabase },
  { name: "postgres", open: postgresTestDatabase },
] as const;
