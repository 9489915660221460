import { z } from "zod";
import { createApp } from "../../app.ts";
import type { Config } from "../../config.ts";
import { EMOTIONAL_TONES, THEMES } from "../../db/enums.ts";
import { searchClips } from "../../search/service.ts";
import { moreLikeThis } from "../../search/similar.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { formatTable, printJson, validateFlags } from "../output.ts";

const flagsSchema = z.strictObject({
  json: z.boolean().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  "rights-cleared": z.boolean().optional(),
  "min-intensity": z.coerce.number().min(0, "intensity runs 0..10").max(10, "intensity runs 0..10").optional(),
  tone: z.enum(EMOTIONAL_TONES).optional(),
  theme: z.enum(THEMES).optional(),
  like: z.string().trim().min(1).optional(),
  "include-near-duplicates": z.boolean().optional(),
});

/** `reelsmith search "<query>"`: the matching moments, best first. */
export async function searchCommand(args: ParsedArgs, config: Config): Promise<number> {
  const f = validateFlags(flagsSchema, args.flags);
  const query = args.positionals.join(" ").trim();
  if (!query && !f.like) throw new UsageError('say what to look for: reelsmith search "dog jumping" (or --like <clip id>)');
  const app = await createApp(config);
  try {
    const results = f.like
      ? await moreLikeThis(app, f.like, { limit: f.limit, includeNearDuplicates: f["include-near-duplicates"] })
      : await searchClips(app, query, {
          limit: f.limit,
          filters: { rights_cleared: f["rights-cleared"], min_intensity: f["min-intensity"], tone: f.tone, theme: f.theme },
        });
    if (f.json) printJson(results);
    else if (!results.length) process.stdout.write(`nothing in the library matches "${query}"\n`);
    else
      process.stdout.write(
        `${formatTable(["score", "clip", "moment", "why", "file"], results.map((r) => [r.score.toFixed(3), r.external_id, `${r.start.toFixed(1)}–${r.end.toFixed(1)} s`, r.why.join("; "), r.file_path.split("/").pop()]))}\n`,
      );
    return 0;
  } finally {
    await app.close();
  }
}
