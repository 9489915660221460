import type { Database, Db } from "./client.ts";

/** Serialises SQLite transactions inside one process (one connection, so one at a time). */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}
const sqliteLocks = new WeakMap<object, Mutex>();

/**
 * Runs `fn` in one transaction on either engine. On SQLite, drizzle's transaction() is
 * synchronous, so we issue BEGIN IMMEDIATE/COMMIT ourselves around an async body and keep
 * other transactions of this process waiting on a mutex meanwhile.
 */
export async function withTransaction<T>(database: Database, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (database.engine === "postgres") {
    const pgDb = database.db as unknown as { transaction<R>(cb: (tx: unknown) => Promise<R>): Promise<R> };
    return pgDb.transaction((tx) => fn(tx as Db));
  }
  const raw = database.sqlite!;
  let lock = sqliteLocks.get(raw);
  if (!lock) sqliteLocks.set(raw, (lock = new Mutex()));
  return lock.run(async () => {
    raw.exec("BEGIN IMMEDIATE");
    try {
      const result = await fn(database.db);
      raw.exec("COMMIT");
      return result;
    } catch (err) {
      raw.exec("ROLLBACK");
      throw err;
    }
  });
}
