import { basename } from "node:path";
import { z } from "zod";
import { createApp } from "../../app.ts";
import type { Config } from "../../config.ts";
import { CLIP_SOURCES } from "../../db/enums.ts";
import { indexFiles, type IndexSummary } from "../../indexing/service.ts";
import { createIndexSteps } from "../../indexing/steps.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { createProgressBar, formatDuration, printJson, validateFlags } from "../output.ts";

const flagsSchema = z.strictObject({
  json: z.boolean().optional(),
  concurrency: z.coerce.number().int().min(1).max(64).optional(),
  source: z.enum(CLIP_SOURCES).optional(),
  license: z.string().trim().min(1).optional(),
  manifest: z.string().trim().min(1).optional(),
  reindex: z.boolean().optional(),
  consent: z.boolean().optional(),
});

/** `reelsmith index <files or folders…>`: a progress bar on a terminal, one summary with --json. */
export async function indexCommand(args: ParsedArgs, config: Config): Promise<number> {
  const flags = validateFlags(flagsSchema, args.flags);
  if (!args.positionals.length) throw new UsageError("name at least one file or folder to index");
  const app = await createApp(config);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  const steps = await createIndexSteps(app);
  let bar: ReturnType<typeof createProgressBar> | undefined;
  let done = 0;
  const current = new Map<string, string>();
  try {
    const summary = await indexFiles(app, args.positionals, steps.actors, {
      concurrency: flags.concurrency,
      source: flags.source,
      license: flags.license,
      manifest: flags.manifest,
      reindex: flags.reindex,
      consent: flags.consent,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "start") bar = createProgressBar(e.total, "clips");
        else if (e.type === "stage") current.set(e.file, e.stage);
        else {
          done++;
          current.delete(e.file);
          if (e.outcome === "failed") app.log.warn(`failed: ${basename(e.file)}: ${e.reason}`);
        }
        const label = [...current].map(([f, s]) => `${basename(f)}:${s}`).join(" ");
        bar?.update(done, label);
      },
    });
    bar?.finish();
    if (flags.json) printJson(summary);
    else printSummary(summary);
    return summary.failed.length && !summary.indexed.length && !summary.unchanged.length ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    await steps.dispose();
    await app.close();
  }
}

function printSummary(s: IndexSummary): void {
  const lines = [
    `indexed ${s.indexed.length}, unchanged ${s.unchanged.length}, skipped ${s.skipped.length}, failed ${s.failed.length} of ${s.total} in ${formatDuration(s.seconds)}` +
      (s.realtime_factor ? ` (${s.realtime_factor}× realtime over ${Math.round(s.video_seconds)} s of video)` : "") +
      (s.resumed ? `, ${s.resumed} resumed` : ""),
    ...s.indexed.filter((i) => i.near_duplicates.length).map((i) => `  near-duplicate: ${basename(i.file)} ~ ${i.near_duplicates.map((d) => `${d.external_id} (${d.similarity.toFixed(2)})`).join(", ")}`),
    ...s.skipped.map((x) => `  skipped ${basename(x.file)}: ${x.reason}`),
    ...s.failed.map((x) => `  failed  ${basename(x.file)} [${x.stage}]: ${x.reason}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
