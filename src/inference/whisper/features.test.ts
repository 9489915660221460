import { expect, test } from "bun:test";
import { join } from "node:path";
import { runMedia } from "../../media/exec.ts";
import { chunk30s, hzToMel, LogMelExtractor, melFilterBank, melToHz, N_FRAMES, RealFft } from "./features.ts";

const CLIPS = join(import.meta.dir, "../../../../shared/corpus/clips");

async function pcmOf(name: string): Promise<Float32Array> {
  const { stdout } = await runMedia(["ffmpeg", "-v", "error", "-i", join(CLIPS, name), "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1"]);
  return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.byteLength - (stdout.byteLength % 4)));
}

test("Slaney mel scale: linear to 1 kHz, log above (librosa htk=False)", () => {
  expect(hzToMel(1000)).toBeCloseTo(15, 10);
  expect(hzToMel(500)).toBeCloseTo(7.5, 10);
  expect(hzToMel(6400)).toBeCloseTo(42, 10);
  expect(melToHz(hzToMel(3210))).toBeCloseTo(3210, 8);
});

test("mel filterbank matches librosa.filters.mel(sr=16000, n_fft=400, n_mels=80) entries derived from the formula", () => {
  const f = melFilterBank(80);
  expect(f.length).toBe(80);
  expect(f[0]!.length).toBe(201);
  // mel(8000) = 15 + 27 ln 8 / ln 6.4; filter 0 spans 0..f2 Hz with its peak at f1 (linear part).
  const mMax = 15 + (27 * Math.log(8)) / Math.log(6.4);
  const f1 = (200 * (mMax / 81)) / 3;
  const f2 = (200 * ((2 * mMax) / 81)) / 3;
  expect(f1).toBeCloseTo(37.238, 2);
  // Bin 1 (40 Hz) lies on the falling edge: (f2 − 40)/(f2 − f1) · 2/f2 ≈ 0.024862 (librosa's value).
  expect(f[0]![1]!).toBeCloseTo(((f2 - 40) / (f2 - f1)) * (2 / f2), 6);
  expect(f[0]![1]!).toBeCloseTo(0.024862, 5);
  expect(f[0]![0]).toBe(0);
  expect(f[0]![2]).toBe(0); // 80 Hz is past f2 = 74.5 Hz
  // Slaney normalisation: every filter's area over frequency is ~1 (40 Hz per bin), for the wide ones.
  for (const m of [40, 60, 79]) expect(Math.abs(f[m]!.reduce((s, v) => s + v * 40, 0) - 1)).toBeLessThan(0.1);
});

test("the 400-point mixed-radix FFT equals a direct DFT", () => {
  const x = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i * 0.37) + ((i * 7919) % 13) / 13);
  const fft = new RealFft(400);
  fft.run(x);
  for (const k of [0, 1, 7, 50, 123, 200]) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < 400; j++) {
      re += x[j]! * Math.cos((2 * Math.PI * j * k) / 400);
      im -= x[j]! * Math.sin((2 * Math.PI * j * k) / 400);
    }
    expect(fft.re[k]!).toBeCloseTo(re, 8);
    expect(fft.im[k]!).toBeCloseTo(im, 8);
  }
});

test("a pure 1 kHz tone lands in the mel bin whose filter peaks at 1 kHz; silence padding is clamped to max − 8", () => {
  const tone = Float32Array.from({ length: 16000 * 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000));
  const ex = new LogMelExtractor(80);
  const feats = ex.extract(tone);
  expect(feats.length).toBe(80 * N_FRAMES);
  const frame = 100; // 1 s in
  let best = 0;
  for (let m = 1; m < 80; m++) if (feats[m * N_FRAMES + frame]! > feats[best * N_FRAMES + frame]!) best = m;
  // The filter with the largest response at 1000 Hz (bin 25) is the one the tone should excite.
  let expected = 0;
  for (let m = 1; m < 80; m++) if (ex.filters[m]![25]! > ex.filters[expected]![25]!) expected = m;
  expect(best).toBe(expected);
  // Hand-derived peak: power at bin 25 = (0.5 · Σ w² ... ) → for a periodic Hann, |X[25]| = A·N/4 = 50.
  const peak = Math.log10(50 ** 2 * ex.filters[expected]![25]!);
  expect(feats[expected * N_FRAMES + frame]!).toBeCloseTo((peak + 4) / 4, 2);
  // After the tone (2 s of 30 s) the padding is silence: clamped to (max − 8 + 4) / 4.
  let max = -Infinity;
  for (const v of feats) max = Math.max(max, v);
  expect(feats[3 * N_FRAMES + 2500]!).toBeCloseTo(max - 2, 5);
});

test("features of a real corpus clip: shape, range, and speech energy above the floor", async () => {
  const pcm = await pcmOf("autoeditor_talking_over_slate.mp4");
  const chunks = chunk30s(pcm);
  expect(chunks[0]!.offset).toBe(0);
  expect(chunks.reduce((n, c) => n + c.pcm.length, 0)).toBe(pcm.length);
  const feats = new LogMelExtractor().extract(chunks[0]!.pcm);
  let max = -Infinity;
  let min = Infinity;
  for (const v of feats) {
    max = Math.max(max, v);
    min = Math.min(min, v);
  }
  expect(min).toBeGreaterThanOrEqual(max - 2 - 1e-6);
  expect(max).toBeGreaterThan(0);
  // Speech-band mel bins (300–3000 Hz, roughly bins 10–50) carry more energy than the top bins.
  const meanRow = (m: number) => feats.subarray(m * N_FRAMES, m * N_FRAMES + Math.min(N_FRAMES, Math.floor(pcm.length / 160))).reduce((s, v) => s + v, 0);
  expect(meanRow(25)).toBeGreaterThan(meanRow(79));
});

test("features of a corpus clip's first 30 s equal a numpy reimplementation of WhisperFeatureExtractor at sampled points", async () => {
  // Reference values from numpy (np.pad reflect, np.hanning(401)[:-1], np.fft.rfft, transformers'
  // mel_filter_bank formula with Slaney norm, log10, max − 8, (x + 4) / 4) on the same ffmpeg PCM;
  // over all 80 × 3000 values the largest difference was 1.2e-7.
  const pcm = await pcmOf("autoeditor_talking_over_slate.mp4");
  const feats = new LogMelExtractor().extract(pcm.subarray(0, 480000));
  const ref: [number, number, number][] = [
    [20, 250, 0.19886920555964593],
    [40, 400, 0.04268114297778447],
    [60, 1234, 0.17635836508843683],
    [69, 534, -0.30537862052960496],
    [74, 268, -0.32167648065619536],
    [77, 53, -0.39055272779911854],
    [70, 959, 0.1492163465322991],
    [19, 949, -0.1331350097868702],
    [49, 62, -0.36898676560792754],
    [0, 0, -0.7060892044741243], // the floor: max − 8
  ];
  for (const [m, t, v] of ref) expect(feats[m * N_FRAMES + t]!).toBeCloseTo(v, 5);
});
