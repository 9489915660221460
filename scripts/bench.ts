/**
 * `bun run bench`: measured speed, printed as tables.
 *  1. Indexing the corpus: × realtime for the whole local pipeline, the visual pass alone, and
 *     the floor — ffmpeg alone decoding the same clips at the same analysis resolution and rate.
 *  2. Search latency (p50/p95) at 1k, 10k and 100k clips (synthetic rows, real FTS5 queries).
 *  3. Production planning with 10k clips, and render time against one plain ffmpeg encode.
 * Options: --only index|search|produce, --clips N (first N corpus clips).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyseVisual } from "../src/analysis/visual/index.ts";
import { createApp } from "../src/app.ts";
import { formatTable } from "../src/cli/output.ts";
import { loadConfig } from "../src/config.ts";
import { indexFiles } from "../src/indexing/service.ts";
import { createIndexSteps } from "../src/indexing/steps.ts";
import { runMedia } from "../src/media/exec.ts";
import { analysisSpec } from "../src/media/frames.ts";
import { probe } from "../src/media/probe.ts";
import { discoverMediaFiles } from "../src/indexing/inputs.ts";
import { benchProduce } from "./bench-produce.ts";
import { benchRender } from "./bench-render.ts";
import { benchSearch } from "./bench-search.ts";

const CLIPS = join(import.meta.dir, "..", "..", "shared", "corpus", "clips");
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = arg("only");
const maxClips = Number(arg("clips") ?? 1000);
const CONCURRENCY = Number(arg("concurrency") ?? 3);

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await fn();
  return [r, (performance.now() - t0) / 1000];
}

async function benchIndex(): Promise<void> {
  const files = (await discoverMediaFiles([CLIPS])).files.slice(0, maxClips);
  const probes = await Promise.all(files.map((f) => probe(f)));
  // Floor: ffmpeg alone decoding to the same raw frames the visual pass reads, thrown away.
  const [, decodeSeconds] = await timed(async () => {
    for (const p of probes) {
      const s = analysisSpec(p);
      await runMedia(["ffmpeg", "-v", "error", "-nostdin", "-i", p.path, "-an", "-sn", "-vf", `fps=${s.fps},scale=${s.width}:${s.height}:flags=area,format=rgb24`, "-f", "rawvideo", "-y", "/dev/null"]);
    }
  });
  let videoSeconds = 0;
  const [, visualSeconds] = await timed(async () => {
    for (const p of probes) videoSeconds += (await analyseVisual(p.path, p)).durationSeconds;
  });
  const home = mkdtempSync(join(tmpdir(), "reelsmith-bench-"));
  try {
    const app = await createApp(loadConfig({ REELSMITH_HOME: home, REELSMITH_MODELS_DIR: join(home, "models"), LOG_LEVEL: "error" }));
    const steps = await createIndexSteps(app);
    const [summary, indexSeconds] = await timed(() => indexFiles(app, files, steps.actors, { manifest: join(CLIPS, "MANIFEST.tsv"), concurrency: CONCURRENCY }));
    const [again, rerunSeconds] = await timed(() => indexFiles(app, files, steps.actors, { manifest: join(CLIPS, "MANIFEST.tsv"), concurrency: CONCURRENCY }));
    await steps.dispose();
    await app.close();
    const x = (s: number) => `${(videoSeconds / s).toFixed(1)}×`;
    console.log(`\nIndexing ${files.length} corpus clips, ${videoSeconds.toFixed(0)} s of video (2 cores)`);
    console.log(
      formatTable(
        ["stage", "wall s", "× realtime", "vs bare decode"],
        [
          ["ffmpeg bare decode (same size and rate, the floor)", decodeSeconds.toFixed(1), x(decodeSeconds), "1.00"],
          ["visual pass (decode + shots, motion, keyframes, fingerprint)", visualSeconds.toFixed(1), x(visualSeconds), (visualSeconds / decodeSeconds).toFixed(2)],
          [`whole local pipeline, concurrency ${CONCURRENCY} (${summary.indexed.length} indexed, ${summary.failed.length} failed)`, indexSeconds.toFixed(1), x(indexSeconds), (indexSeconds / decodeSeconds).toFixed(2)],
          [`re-run on the same folder (${again.unchanged.length} unchanged)`, rerunSeconds.toFixed(2), "-", "-"],
        ],
      ),
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (!only || only === "index") await benchIndex();
if (!only || only === "search") await benchSearch();
if (!only || only === "produce") {
  await benchProduce();
  console.log("\nRender against one plain ffmpeg encode of the same output");
  await benchRender();
}
process.exit(0);
