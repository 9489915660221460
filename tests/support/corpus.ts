/**
 * The whole corpus indexed once per test process (in-process, ~70 s on 2 cores), shared by the
 * search and production tests. Real indexing, real models; a fresh SQLite home in a temp folder.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, type AppContext } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { DEFAULT_INDEX_CONCURRENCY, indexFiles, type IndexSummary } from "../../src/indexing/service.ts";
import { createIndexSteps } from "../../src/indexing/steps.ts";
import { CLIPS } from "./cli.ts";

let library: Promise<{ app: AppContext; summary: IndexSummary; home: string }> | undefined;

export function indexedCorpus(): Promise<{ app: AppContext; summary: IndexSummary; home: string }> {
  library ??= (async () => {
    const home = mkdtempSync(join(tmpdir(), "reelsmith-corpus-"));
    const app = await createApp(loadConfig({ REELSMITH_HOME: home, REELSMITH_MODELS_DIR: join(home, "models"), LOG_LEVEL: "error" }));
    const steps = await createIndexSteps(app);
    const summary = await indexFiles(app, [CLIPS], steps.actors, {
      manifest: join(CLIPS, "MANIFEST.tsv"),
      concurrency: DEFAULT_INDEX_CONCURRENCY,
      // The corpus's people come from research datasets (GRID, NTU RGB+D, Kinetics…) whose
      // participants consented to distribution: said here as a person indexing them would.
      // src/compliance/faces.test.ts indexes a speaker clip without it and sees the flag.
      consent: true,
    });
    await steps.dispose();
    return { app, summary, home };
  })();
  return library;
}
