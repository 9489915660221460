import { mkdirSync } from "node:fs";
import { loadConfig, type Config } from "./config.ts";
import { openDatabase, type Database } from "./db/client.ts";
import { ClipRepository } from "./db/repositories/clips.ts";
import { IndexTaskRepository } from "./db/repositories/index-tasks.ts";
import { ProductionRepository } from "./db/repositories/productions.ts";
import { createLogger, type Logger } from "./lib/logger.ts";
import { SearchIndexRepository } from "./search/search-index.ts";

/** Everything a command, route or job needs: config, database, repositories, logger. */
export interface AppContext {
  config: Config;
  database: Database;
  clips: ClipRepository;
  indexTasks: IndexTaskRepository;
  productions: ProductionRepository;
  searchIndex: SearchIndexRepository;
  log: Logger;
  close(): Promise<void>;
}

/** Opens the database (migrating it) and builds the repositories. */
export async function createApp(config: Config = loadConfig()): Promise<AppContext> {
  mkdirSync(config.home, { recursive: true });
  const database = await openDatabase(config.databaseUrl);
  return {
    config,
    database,
    clips: new ClipRepository(database),
    indexTasks: new IndexTaskRepository(database),
    productions: new ProductionRepository(database),
    searchIndex: new SearchIndexRepository(database),
    log: createLogger(config.logLevel),
    close: () => database.close(),
  };
}
