#!/usr/bin/env bun
/** The `reelsmith` command line: `npx bun src/cli.ts <command>`, or the compiled dist/reelsmith. */
import { main } from "./cli/main.ts";

const code = await main(process.argv.slice(2));
// Explicit exit: pooled database connections and model sessions would otherwise keep the process alive.
process.exit(code);
