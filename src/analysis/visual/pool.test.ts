/**
 * The visual pass on a worker thread gives exactly what it gives on the main thread, reports
 * progress, and stops when aborted (real ffmpeg on corpus clips).
 */
import { afterAll, expect, test } from "bun:test";
import { join } from "node:path";
import { probe } from "../../media/probe.ts";
import { analyseVisual } from "./index.ts";
import { VisualWorkers } from "./pool.ts";

const CLIPS = join(import.meta.dir, "..", "..", "..", "..", "shared", "corpus", "clips");
const pool = new VisualWorkers(2);
afterAll(() => pool.dispose());

test("a worker's pass equals the main thread's: cuts, curve, keyframe pixels, fingerprint", async () => {
  const p = await probe(join(CLIPS, "pyscenedetect_hands_glass_jar.mp4"));
  const fractions: number[] = [];
  const [inWorker, here] = await Promise.all([pool.run(p.path, p, { onProgress: (f) => fractions.push(f) }), analyseVisual(p.path, p)]);
  expect(pool.fallbackReason).toBeUndefined();
  expect(inWorker.cuts).toEqual(here.cuts);
  expect(inWorker.motionCurve).toEqual(here.motionCurve);
  expect(inWorker.fingerprint).toEqual(here.fingerprint);
  expect(inWorker.keyframes.map((k) => k.time)).toEqual(here.keyframes.map((k) => k.time));
  expect(Buffer.from(inWorker.keyframes[0]!.frame.data).equals(Buffer.from(here.keyframes[0]!.frame.data))).toBe(true);
  expect(inWorker.samples.length).toBe(here.samples.length);
  expect(fractions.length).toBeGreaterThan(10);
  expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
}, 60_000);

test("two passes at once use both workers; an aborted pass rejects and the pool goes on", async () => {
  const a = await probe(join(CLIPS, "sports_baseball_play.mp4"));
  const b = await probe(join(CLIPS, "cartoon_popeye_sinbad_part_a.mkv"));
  const ac = new AbortController();
  const aborted = pool.run(b.path, b, { signal: ac.signal, onProgress: (f) => f > 0.05 && ac.abort() });
  const done = pool.run(a.path, a);
  await expect(aborted).rejects.toThrow();
  expect((await done).framesDecoded).toBeGreaterThan(100);
  const again = await pool.run(a.path, a);
  expect(again.cuts).toEqual((await done).cuts);
}, 60_000);
