/** A small, strict argument parser: `--flag value`, `--flag=value`, `--bool`, `-h`, positionals. */
export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | string[]>;
}

/** Error for the user: a bad flag or value, printed as one line with exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Parses argv. `booleans` lists flags that take no value; `repeatable` flags collect arrays.
 * Everything after `--` is positional.
 */
export function parseArgs(argv: string[], spec: { booleans?: string[]; repeatable?: string[] } = {}): ParsedArgs {
  const booleans = new Set(["help", "json", ...(spec.booleans ?? [])]);
  const repeatable = new Set(spec.repeatable ?? []);
  const out: ParsedArgs = { positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a === "-h") {
      out.flags.help = true;
      continue;
    }
    if (!a.startsWith("--")) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!name) throw new UsageError(`bad flag "${a}"`);
    let value: string | boolean;
    if (booleans.has(name)) {
      value = eq < 0 ? true : !["false", "0", "no"].includes(a.slice(eq + 1));
    } else if (eq >= 0) {
      value = a.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    if (repeatable.has(name)) {
      const prev = out.flags[name];
      out.flags[name] = [...(Array.isArray(prev) ? prev : []), String(value)];
    } else {
      if (name in out.flags) throw new UsageError(`--${name} given twice`);
      out.flags[name] = value;
    }
  }
  return out;
}
