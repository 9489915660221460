import { z } from "zod";
import type { Config } from "../../config.ts";
import { probe } from "../../media/probe.ts";
import { UsageError, type ParsedArgs } from "../args.ts";
import { printJson, validateFlags } from "../output.ts";

const flagsSchema = z.strictObject({ json: z.boolean().optional() });

/** `reelsmith probe <file> [--json]`: what the pipeline reads from a file, or why it cannot. */
export async function probeCommand(args: ParsedArgs, config: Config): Promise<number> {
  const flags = validateFlags(flagsSchema, args.flags);
  const [file, extra] = args.positionals;
  if (!file || extra) throw new UsageError("expected exactly one file");
  const p = await probe(file, config.ffprobePath);
  if (flags.json) printJson(p);
  else
    process.stdout.write(
      `${p.path}\n  ${p.durationSeconds.toFixed(3)} s, ${p.width}x${p.height} @ ${p.fps.toFixed(3)} fps, video ${p.videoCodec ?? "none"}, audio ${p.audioCodec ?? "none"}, rotation ${p.rotation}, ${p.fileSizeBytes} bytes\n`,
    );
  return 0;
}
