/** `reelsmith feedback <production> --views … --retention … [--likes] [--comments] [--avg-watch-time] [--report-id] [--json]` */
import { z } from "zod";
import { createApp } from "../../app.ts";
import type { Config } from "../../config.ts";
import { FeedbackError, recordFeedback } from "../../feedback/service.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { formatTable, printJson, validateFlags } from "../output.ts";

const flagsSchema = z.strictObject({
  json: z.boolean().optional(),
  views: z.coerce.number().int().min(0),
  likes: z.coerce.number().int().min(0).optional(),
  comments: z.coerce.number().int().min(0).optional(),
  "avg-watch-time": z.coerce.number().min(0).optional(),
  retention: z.coerce.number().min(0, "retention is a share, 0..1").max(1, "retention is a share, 0..1"),
  "report-id": z.string().trim().min(1).optional(),
});

export async function feedbackCommand(args: ParsedArgs, config: Config): Promise<number> {
  const [id, extra] = args.positionals;
  if (!id || extra) throw new UsageError("feedback takes one production id");
  const f = validateFlags(flagsSchema, args.flags);
  const app = await createApp(config);
  try {
    const r = await recordFeedback(app, id, {
      views: f.views,
      retention: f.retention,
      ...(f.likes !== undefined ? { likes: f.likes } : {}),
      ...(f.comments !== undefined ? { comments: f.comments } : {}),
      ...(f["avg-watch-time"] !== undefined ? { avg_watch_time: f["avg-watch-time"] } : {}),
      ...(f["report-id"] ? { report_id: f["report-id"] } : {}),
    });
    if (f.json) printJson(r);
    else {
      process.stdout.write(`${r.applied ? "recorded" : "already recorded (nothing changed)"}: report ${r.report_id} for ${r.production_id}\n`);
      process.stdout.write(`${formatTable(["clip", "times used", "avg retention", "viral potential"], r.clips.map((c) => [c.external_id, c.times_used, c.avg_retention_rate ?? "", c.viral_potential ?? ""]))}\n`);
    }
    return 0;
  } catch (e) {
    if (!(e instanceof FeedbackError)) throw e;
    process.stderr.write(`reelsmith feedback: ${e.message}\n`);
    return 1;
  } finally {
    await app.close();
  }
}
