/**
 * Milliseconds per frame for each visual model on this machine (objects, faces, pose, OCR at
 * 320 and 640 px), on real corpus frames. Run: npx bun scripts/bench-vision.ts
 */
import { grabFrames } from "../src/analysis/frame-grab.ts";
import type { RgbFrame } from "../src/analysis/types.ts";
import { createHumanModels } from "../src/inference/human.ts";
import { createOcr } from "../src/inference/ocr.ts";

const CLIPS = `${import.meta.dir}/../../shared/corpus/clips`;
/** Frames where each model has something to find (seeking is safe in these files). */
const SOURCES: [string, number][] = [
  ["moviepy_dog_fireplace_indoor.mp4", 1.9],
  ["grid_speaker_bbaf2n.mpg", 1.5],
  ["moviepy_airplane_field_outdoor.mp4", 6],
  ["gnome_help_dual_monitor_animation.webm", 20],
];

export interface BenchRow {
  model: string;
  width: number;
  frames: number;
  msPerFrame: number;
}

async function time(frames: RgbFrame[], fn: (f: RgbFrame) => Promise<unknown>): Promise<number> {
  await fn(frames[0]!); // first call per input shape sets up kernels: not part of the steady cost
  const t0 = performance.now();
  for (const f of frames) await fn(f);
  return Math.round(((performance.now() - t0) / frames.length) * 10) / 10;
}

/** Times every visual model and prints a table; returns the rows. */
export async function benchVision(repeat = 2): Promise<BenchRow[]> {
  const load = async (w: number) => (await Promise.all(SOURCES.map(([c, t]) => grabFrames(`${CLIPS}/${c}`, [t], { width: w })))).flat();
  const f320 = await load(320);
  const f640 = await load(640);
  const frames = Array.from({ length: repeat }, () => f320).flat();
  const rows: BenchRow[] = [];
  let t0 = performance.now();
  const m = await createHumanModels();
  const humanLoad = performance.now() - t0;
  if ("absent" in m) console.error(`human: ${m.absent}`);
  else {
    rows.push({ model: "objects (CenterNet, at the frame's aspect)", width: 320, frames: frames.length, msPerFrame: await time(frames, (f) => m.detectObjects(f)) });
    rows.push({ model: "faces (BlazeFace)", width: 320, frames: frames.length, msPerFrame: await time(frames, (f) => m.detectFaces(f)) });
    rows.push({ model: "pose (MoveNet lightning)", width: 320, frames: frames.length, msPerFrame: await time(frames, (f) => m.estimatePose(f)) });
    rows.push({ model: "objects+faces+pose (analyseFrame)", width: 320, frames: frames.length, msPerFrame: await time(frames, (f) => m.analyseFrame(f)) });
  }
  t0 = performance.now();
  const o = await createOcr();
  const ocrLoad = performance.now() - t0;
  if ("absent" in o) console.error(`ocr: ${o.absent}`);
  else {
    rows.push({ model: "OCR (PP-OCRv4)", width: 320, frames: f320.length, msPerFrame: await time(f320, (f) => o.readText(f)) });
    rows.push({ model: "OCR (PP-OCRv4)", width: 640, frames: f640.length, msPerFrame: await time(f640, (f) => o.readText(f)) });
  }
  console.log(`model load: human ${Math.round(humanLoad)} ms, OCR ${Math.round(ocrLoad)} ms`);
  console.log(["model".padEnd(36), "width", "frames", "ms/frame"].join("\t"));
  for (const r of rows) console.log([r.model.padEnd(36), r.width, r.frames, r.msPerFrame].join("\t"));
  return rows;
}

if (import.meta.main) await benchVision();
