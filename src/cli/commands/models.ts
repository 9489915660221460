import { z } from "zod";
import type { Config } from "../../config.ts";
import { listModels } from "../../models/registry.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { createProgressBar, formatTable, printJson, validateFlags } from "../output.ts";

const flagsSchema = z.strictObject({ json: z.boolean().optional() });

/** `reelsmith models list|pull [name]`. */
export async function modelsCommand(args: ParsedArgs, config: Config): Promise<number> {
  const flags = validateFlags(flagsSchema, args.flags);
  const [sub, name, extra] = args.positionals;
  if (sub === "list") {
    if (name) throw new UsageError("models list takes no arguments");
    const models = await listModels(config);
    if (flags.json) printJson({ models_dir: config.modelsDir, models });
    else
      process.stdout.write(
        `${formatTable(
          ["", "name", "task", "source", "where / why missing"],
          models.map((m) => [m.present ? "ok" : "--", m.name, m.task, m.source, m.present ? m.path : m.missing_reason]),
        )}\n`,
      );
    return 0;
  }
  if (sub === "pull") {
    if (extra) throw new UsageError("models pull takes at most one model name");
    const { pullModels } = await import("../../models/pull.ts");
    let bar: ReturnType<typeof createProgressBar> | undefined;
    const results = await pullModels(name, config, {
      onProgress: (p: { file: string; received: number; total: number }) => {
        bar ??= createProgressBar(p.total, "bytes");
        bar.update(p.received, p.file);
      },
    });
    bar?.finish();
    if (flags.json) printJson({ models_dir: config.modelsDir, results });
    else for (const r of results) process.stdout.write(`${r.ok ? "ok" : "FAILED"} ${r.name}${r.ok ? ` → ${r.path}` : `: ${r.reason}`}\n`);
    return results.every((r: { ok: boolean }) => r.ok) ? 0 : 1;
  }
  throw new UsageError('expected "models list" or "models pull [name]"');
}
