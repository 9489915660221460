/** Silero VAD on real clips (decoded with ffmpeg), and the pure segmenting/batching helpers. */
import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { CLIPS } from "../../tests/support/cli.ts";
import { runMedia } from "../media/exec.ts";
import { batchPlan, createVad, decimate2, peakProbability, speechSegments, VAD_WINDOW_SECONDS, type Vad } from "./vad.ts";

/** 16 kHz mono float PCM of a clip, straight from ffmpeg (no code of ours in between). */
async function pcmOf(name: string): Promise<Float32Array> {
  const { stdout } = await runMedia(["ffmpeg", "-v", "error", "-i", join(CLIPS, name), "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1"]);
  return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.byteLength - (stdout.byteLength % 4)));
}

test("segments: hysteresis, short blips dropped, short gaps merged", () => {
  const w = 0.032;
  const p = new Float32Array(60);
  p.fill(0.9, 2, 12); // 10 windows of speech
  p.fill(0.4, 12, 14); // stays on: above the 0.35 release threshold
  p.fill(0.9, 20, 30); // gap of 6 windows (0.19 s) from the first: merged
  p[50] = 0.99; // one window, far from the rest: too short
  expect(speechSegments(p, w)).toEqual([{ start: 0.064, end: 0.96 }]);
  expect(peakProbability(p, { start: 0, end: 0.3 }, w)).toBeCloseTo(0.9);
});

test("batch plan: every window kept exactly once, rows warmed up before their first kept window", () => {
  const { rows, steps } = batchPlan(300, 125, 16);
  expect(rows).toEqual([{ from: 0, keepFrom: 0, to: 125 }, { from: 109, keepFrom: 125, to: 250 }, { from: 234, keepFrom: 250, to: 300 }]);
  expect(steps).toBe(141);
  expect(batchPlan(0).rows).toEqual([]);
  expect([...decimate2(new Float32Array([1, 0, 0.5, 0.5, 7]))]).toEqual([0.5, 0.5]);
});

describe("Silero on real audio", () => {
  let vad: Vad;
  beforeAll(async () => {
    const v = await createVad();
    if ("absent" in v) throw new Error(v.absent);
    vad = v;
  });

  test("the session is created once and shared", async () => {
    expect(await createVad()).toBe(vad);
    expect((await createVad("/nonexistent/silero.onnx")) as { absent: string }).toEqual({ absent: "Silero VAD model not found at /nonexistent/silero.onnx" });
  });

  test("a GRID sentence is one speech segment inside the 3 s clip; running water is not speech", async () => {
    const pcm = await pcmOf("grid_speaker_brbk7n.mpg");
    const probs = await vad.speechProbabilities(pcm);
    expect(probs.length).toBe(Math.floor(pcm.length / 2 / 256));
    const segs = vad.segments(probs);
    expect(segs.length).toBeGreaterThanOrEqual(1);
    const total = segs.reduce((a, s) => a + s.end - s.start, 0);
    expect(total).toBeGreaterThan(1);
    expect(segs[0]!.start).toBeGreaterThan(0.2); // GRID clips open with a short pause
    expect(segs.at(-1)!.end).toBeLessThanOrEqual(3.01);
    const water = await vad.speechProbabilities(await pcmOf("mdn_stream_of_water.mp4"));
    expect(Math.max(...water)).toBeLessThan(0.5);
  });

  test("band-limited 1940 film dialogue is found (why the model runs at 8 kHz)", async () => {
    const probs = await vad.speechProbabilities(await pcmOf("film_his_girl_friday_dialogue.mp4"));
    const segs = vad.segments(probs);
    expect(segs.reduce((a, s) => a + s.end - s.start, 0)).toBeGreaterThan(2);
    expect(Math.max(...segs.map((s) => peakProbability(probs, s)))).toBeGreaterThan(0.8);
  });

  test("a long clip in batched rows: the first row matches a run on its own; the long silence has no speech", async () => {
    const pcm = await pcmOf("autoeditor_talking_over_slate.mp4");
    const whole = await vad.speechProbabilities(pcm);
    // The first 8 s on their own: one row, no batching; probabilities agree within warm-up noise.
    const part = await vad.speechProbabilities(pcm.subarray(0, 8 * 16000));
    let maxDiff = 0;
    for (let i = 0; i < part.length; i++) maxDiff = Math.max(maxDiff, Math.abs(part[i]! - whole[i]!));
    expect(maxDiff).toBeLessThan(1e-4); // the first row is identical: same start, same state
    // The demo talks until ~17.3 s, then stays silent until ~40 s (ffmpeg silencedetect agrees).
    const quiet = whole.subarray(Math.round(18 / VAD_WINDOW_SECONDS), Math.round(39 / VAD_WINDOW_SECONDS));
    expect(Math.max(...quiet)).toBeLessThan(0.35);
    expect(vad.segments(whole).some((s) => s.start < 2 && s.end > 4)).toBe(true);
  });
});
