import type { SQL } from "drizzle-orm";
import type { Database } from "./client.ts";

/** Runs a raw SQL query and returns its rows on either engine (drizzle names these differently). */
export async function rawRows<T>(database: Database, query: SQL): Promise<T[]> {
  if (database.engine === "sqlite") return database.db.all<T>(query);
  const pgDb = database.db as unknown as { execute(q: SQL): Promise<T[]> };
  return [...(await pgDb.execute(query))];
}
