/**
 * Builds the single binary dist/reelsmith with `bun build --compile`. Native and WASM model
 * runtimes (onnxruntime-node, tfjs-wasm, sharp) are loaded lazily at run time, so the binary
 * runs `doctor` with nothing beside it and reports those runtimes as absent.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const outfile = process.argv[2] ?? join(root, "dist", "reelsmith");
mkdirSync(join(outfile, ".."), { recursive: true });
const proc = Bun.spawn(
  [
    process.execPath,
    "build",
    "--compile",
    "--minify-syntax",
    "--sourcemap=inline",
    // Loaded lazily and only where present: a binary without node_modules reports them absent.
    "--external=onnxruntime-node",
    "--external=sharp",
    "--external=@vladmandic/human",
    "--external=@tensorflow/tfjs-backend-wasm",
    "--external=@tensorflow/tfjs-core",
    "--external=@tensorflow/tfjs",
    "--external=nsfwjs",
    "--external=@gutenye/ocr-node",
    "--external=playwright-core",
    join(root, "src", "cli.ts"),
    // The visual pass's worker thread (src/analysis/visual/pool.ts) is a second entry point.
    join(root, "src", "analysis", "visual", "worker.ts"),
    "--outfile",
    outfile,
  ],
  { stdout: "inherit", stderr: "inherit", cwd: root },
);
const code = await proc.exited;
if (code === 0) console.error(`built ${outfile}`);
process.exit(code);
