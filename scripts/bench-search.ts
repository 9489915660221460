/**
 * Search latency on synthetic libraries of 1k, 10k and 100k clips (embedded default: SQLite
 * FTS5). Rows are written straight into the tables (the repositories would take minutes for
 * 100k); queries go through the real search service. Prints p50/p95/max per size.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app.ts";
import { formatTable } from "../src/cli/output.ts";
import { loadConfig } from "../src/config.ts";
import { searchClips } from "../src/search/service.ts";

const OBJECTS = ["person", "dog", "cat", "bird", "car", "bicycle", "skateboard", "surfboard", "sports ball", "horse", "boat", "airplane", "bottle", "cup", "chair", "book", "umbrella", "kite", "frisbee", "truck"];
const ACTIONS = ["walking", "running", "jumping", "falling", "waving", "hugging", "raising arms"];
const WORDS = "beach park street kitchen snow water night crowd stadium garden forest road skate ramp pool fail win laugh scream crash slip splash trick race goal".split(" ");
const QUERIES = ["dog jumping", "skateboard fail", "cat", "person falling on snow", "crowd cheering in a stadium", "bird by the water", "car crash at night", "kid running on the beach", "epic trick", "surfboard wave"];

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;

/** A library of `n` synthetic analysed clips; `files` gives real paths to point them at (cycled). */
export async function libraryOf(n: number, files: string[] = []) {
  const home = mkdtempSync(join(tmpdir(), `reelsmith-bench-search-${n}-`));
  const app = await createApp(loadConfig({ REELSMITH_HOME: home, LOG_LEVEL: "error" }));
  const raw = app.database.sqlite!;
  const clip = raw.prepare(
    `INSERT INTO video_clips (id, external_id, file_path, file_hash, duration_seconds, created_at, uploaded_at, updated_at, status, rights_cleared, intensity, viral_potential, emotional_tone, detected_objects, detected_actions, visual_elements, scene_description, key_moments, resolution_width, resolution_height, fps, audio_codec)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'analyzed', ?, ?, ?, ?, ?, ?, ?, ?, ?, 640, 360, 25, 'aac')`,
  );
  const doc = raw.prepare(`INSERT INTO clip_search (clip_id, description, elements, tags, speech, screen_text, sounds, path, notes) VALUES (?, ?, ?, ?, '', '', ?, ?, '')`);
  const now = Date.now();
  raw.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = crypto.randomUUID();
      const objs = [pick(OBJECTS), pick(OBJECTS)];
      const acts = rand() < 0.5 ? [pick(ACTIONS)] : [];
      const words = [pick(WORDS), pick(WORDS), pick(WORDS)];
      const desc = `Single shot shows ${objs.join(" and ")} ${acts.join(" ")} ${words.join(" ")}`;
      // The real files used are at least 5 s long: keep synthetic windows inside them.
      const dur = files.length ? 5 : 3 + rand() * 30;
      clip.run(
        id, `clip_${String(i + 1).padStart(6, "0")}`, files.length ? files[i % files.length]! : `/library/${words[0]}/${objs[0]}_${i}.mp4`, `${i.toString(16).padStart(16, "0")}${"0".repeat(48)}`, dur, now, now, now,
        rand() < 0.7 ? 1 : 0, Math.round(rand() * 100) / 10, Math.round(rand() * 100) / 10, pick(["comic", "epic", "calm", "chaotic"]),
        JSON.stringify(objs.map((o) => ({ object: o, confidence: 0.5 + rand() / 2, bbox: [0, 0, 1, 1], time: rand() * dur }))),
        JSON.stringify(acts.map((a) => ({ action: a, confidence: 0.6, timespan: [1, 2], source: "synthetic" }))),
        JSON.stringify([...objs, ...acts]), desc, JSON.stringify([{ timestamp: dur / 2, relative: 0.5, event: "action" }]),
      );
      doc.run(id, desc, [...objs, ...acts].join(" ; "), words.join(" ; "), rand() < 0.2 ? "cheering" : "", `${words[0]} ${objs[0]}`);
    }
  })();
  return { app, home };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Runs the latency table for 1k, 10k and 100k clips. */
export async function benchSearch(sizes = [1_000, 10_000, 100_000]): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const n of sizes) {
    const { app, home } = await libraryOf(n);
    for (const q of QUERIES) await searchClips(app, q, { limit: 10 }); // warm caches
    const times: number[] = [];
    let results = 0;
    for (let round = 0; round < 5; round++)
      for (const q of QUERIES) {
        const t0 = performance.now();
        results += (await searchClips(app, q, { limit: 10, filters: round % 2 ? { rights_cleared: true } : {} })).length;
        times.push(performance.now() - t0);
      }
    times.sort((a, b) => a - b);
    rows.push([n.toLocaleString("en"), times.length, quantile(times, 0.5).toFixed(2), quantile(times, 0.95).toFixed(2), times.at(-1)!.toFixed(2), (results / times.length).toFixed(1)]);
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
  console.log("\nSearch latency, embedded default (SQLite FTS5), ms per query, limit 10");
  console.log(formatTable(["clips", "queries", "p50 ms", "p95 ms", "max ms", "results/query"], rows));
}

if (import.meta.main) await benchSearch();
