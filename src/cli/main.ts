import { ConfigError, loadConfig, type Config } from "../config.ts";
import { DatabaseError } from "../db/client.ts";
import { ProbeError } from "../media/probe.ts";
import { parseArgs, UsageError, type ParsedArgs } from "./args.ts";
import pkg from "../../package.json" with { type: "json" };

export const VERSION: string = pkg.version;

interface Command {
  summary: string;
  usage: string;
  booleans?: string[];
  repeatable?: string[];
  /** Which issue builds it, while it is not built yet. */
  pending?: string;
  run?: (args: ParsedArgs, config: Config) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  doctor: {
    summary: "check ffmpeg, encoders (NVENC), onnxruntime (CUDA), models, database and disk",
    usage: "reelsmith doctor [--json]",
    run: async (a, c) => (await import("./commands/doctor.ts")).doctorCommand(c, Boolean(a.flags.json)),
  },
  index: {
    summary: "index clips: probe, hash, visual and audio analysis, store",
    usage:
      "reelsmith index <files or folders…> [--json] [--concurrency N] [--source user_upload|purchased|licensed] [--license L] [--manifest FILE] [--reindex] [--consent]",
    booleans: ["reindex", "consent"],
    run: async (a, c) => (await import("./commands/index.ts")).indexCommand(a, c),
  },
  clips: {
    summary: "list or show indexed clips",
    usage: "reelsmith clips list [--json] [--status S] [--rights-cleared] [--tone T] [--min-intensity X] [--limit N]\n       reelsmith clips show <id or external_id> [--json]",
    booleans: ["rights-cleared"],
    run: async (a, c) => (await import("./commands/clips.ts")).clipsCommand(a, c),
  },
  probe: {
    summary: "print what ffprobe reads from a media file",
    usage: "reelsmith probe <file> [--json]",
    run: async (a, c) => (await import("./commands/probe.ts")).probeCommand(a, c),
  },
  models: {
    summary: "list the models the pipeline can use; pull hub-hosted ones",
    usage: "reelsmith models list [--json]\n       reelsmith models pull [name] [--json]",
    run: async (a, c) => (await import("./commands/models.ts")).modelsCommand(a, c),
  },
  search: {
    summary: "search the library by meaning",
    usage: 'reelsmith search "<query>" [--limit N] [--rights-cleared] [--min-intensity X] [--tone T] [--theme T] [--json]\n       reelsmith search --like <clip id> [--include-near-duplicates] [--limit N] [--json]',
    booleans: ["rights-cleared", "include-near-duplicates"],
    run: async (a, c) => (await import("./commands/search.ts")).searchCommand(a, c),
  },
  produce: {
    summary: "produce a compilation video from a theme",
    usage: 'reelsmith produce --theme "<text>" --duration <seconds> [--style energetic|chill|emotional] [--aspect 16:9|9:16|1:1] [--resolution 720p|1080p] [--out DIR] [--review] [--json]',
    booleans: ["review"],
    run: async (a, c) => (await import("./commands/produce.ts")).produceCommand(a, c),
  },
  productions: {
    summary: "list, show, resume, review (edit, approve, reject) productions",
    usage:
      "reelsmith productions list|show|resume <id> [--json]\n" +
      "       reelsmith productions edit <id> [--remove N] [--move A:B] [--replace N:clip_id] [--nudge N:IN:OUT] [--title T] [--dry-run] [--json]\n" +
      "       reelsmith productions approve <id> [--json]\n" +
      '       reelsmith productions reject <id> --reason "<why>" [--json]',
    booleans: ["dry-run"],
    repeatable: ["remove", "move", "replace", "nudge"],
    run: async (a, c) => (await import("./commands/produce.ts")).productionsCommand(a, c),
  },
  serve: {
    summary: "serve the REST API and the browser UI",
    usage: "reelsmith serve [--port 8080] [--host 127.0.0.1] [--concurrency N] [--no-workers] [--json]",
    booleans: ["no-workers"],
    run: async (a, c) => (await import("./commands/serve.ts")).serveCommand(a, c),
  },
  worker: {
    summary: "run queue workers (scale-out)",
    usage: "reelsmith worker [--queues index,llm,render,maintenance] [--concurrency N] [--stop-timeout SECONDS]",
    run: async (a, c) => (await import("./commands/worker.ts")).workerCommand(a, c),
  },
  feedback: {
    summary: "record a published video's figures (feedback loop)",
    usage: "reelsmith feedback <production> --views N --retention R [--likes N] [--comments N] [--avg-watch-time S] [--report-id ID] [--json]",
    run: async (a, c) => (await import("./commands/feedback.ts")).feedbackCommand(a, c),
  },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    `reelsmith ${VERSION} — turns a library of short clips into finished compilation videos`,
    "",
    "usage: reelsmith <command> [options]",
    "",
    "commands:",
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}${c.pending ? ` (not built yet: ${c.pending})` : ""}`),
    "",
    "  --help     help for a command     --version  print the version",
    "  --json     one JSON document on stdout; progress and logs go to stderr",
    "",
    "configuration comes from the environment: REELSMITH_HOME, DATABASE_URL, REELSMITH_MODELS_DIR,",
    "FFMPEG_PATH, FFPROBE_PATH, LLM_PROVIDER, REDIS_URL, QDRANT_URL, S3_*, REELSMITH_API_TOKENS, LOG_LEVEL.",
  ].join("\n");
}

/** Runs the CLI; returns the exit code. Errors become one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${help()}\n`);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-v" || name === "version") {
    process.stdout.write(`reelsmith ${VERSION}\n`);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`reelsmith: unknown command "${name}" (see reelsmith --help)\n`);
    return 2;
  }
  try {
    const args = parseArgs(rest, { booleans: cmd.booleans, repeatable: cmd.repeatable });
    if (args.flags.help) {
      process.stdout.write(`${cmd.summary}\n\nusage: ${cmd.usage}\n`);
      return 0;
    }
    if (!cmd.run) {
      process.stderr.write(`reelsmith ${name}: not built yet — ${cmd.pending}. Usage once built: ${cmd.usage}\n`);
      return 3;
    }
    const config = loadConfig();
    return await cmd.run(args, config);
  } catch (err) {
    process.stderr.write(`reelsmith ${name}: ${describeError(err)}\n`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** One line a person can act on, for the errors we expect; the stack for the ones we do not. */
export function describeError(err: unknown): string {
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof ProbeError || err instanceof DatabaseError) {
    return err.message;
  }
  if (err instanceof Error) return process.env.LOG_LEVEL === "debug" ? (err.stack ?? err.message) : err.message;
  return String(err);
}
