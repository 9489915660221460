/** Pure maths of the audio pass: FFT, spectral lines, beat strength, speech pieces and their clock. */
import { expect, test } from "bun:test";
import { beatStrength, lineShare, mergeRanges } from "./music.ts";
import { dominantFrequency, fft, spectralFrames } from "./spectral.ts";
import { joinPieces, speechPieces, toClipTime, wordsToClipTime } from "./speech-audio.ts";

test("radix-2 FFT matches the DFT of a cosine (energy at ±k, nothing elsewhere)", () => {
  const n = 64;
  const re = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
  const im = new Float64Array(n);
  fft(re, im);
  for (let k = 0; k < n; k++) expect(Math.hypot(re[k]!, im[k]!)).toBeCloseTo(k === 5 || k === n - 5 ? n / 2 : 0, 6);
});

test("a 440 Hz tone: dominant frequency within a bin, tonal lines, flat for white noise", () => {
  const rate = 16000;
  const tone = Float32Array.from({ length: rate * 3 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const { avgSpectrum, windows } = spectralFrames(tone, rate);
  expect(Math.abs(dominantFrequency(avgSpectrum, rate)! - 440)).toBeLessThanOrEqual(16);
  expect(lineShare(windows[0]!.spectrum, rate / 1024)).toBeGreaterThan(0.5);
  let seed = 1;
  const noise = Float32Array.from({ length: rate * 3 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.5);
  expect(lineShare(spectralFrames(noise, rate).windows[0]!.spectrum, rate / 1024)).toBeLessThan(0.05);
});

test("beat strength: a click every 16 hops is periodic, random onsets are not", () => {
  const clicks = Array.from({ length: 188 }, (_, i) => (i % 16 === 0 ? 10 : 1));
  expect(beatStrength(clicks)).toBeGreaterThan(0.9);
  let seed = 7;
  const random = Array.from({ length: 188 }, () => (seed = (seed * 16807) % 2147483647) / 2147483647);
  expect(beatStrength(random)).toBeLessThan(0.4);
  expect(beatStrength(new Array(188).fill(1))).toBe(0);
  expect(mergeRanges([{ start: 2, end: 4 }, { start: 0, end: 2 }, { start: 5, end: 6 }])).toEqual([{ start: 0, end: 4 }, { start: 5, end: 6 }]);
});

test("speech pieces: padded, merged, joined with pauses; word times map back to the clip", () => {
  const pieces = speechPieces([{ start: 1, end: 2 }, { start: 2.5, end: 3 }, { start: 10, end: 11 }], 12, 0.3, 0.2);
  expect(pieces.map((p) => [p.srcStart, p.srcEnd, Math.round(p.dstStart * 100) / 100])).toEqual([
    [0.7, 3.3, 0],
    [9.7, 11.3, 2.8],
  ]);
  const joined = joinPieces(Float32Array.from({ length: 12 * 100 }, (_, i) => i), 100, pieces, 0.2);
  expect(joined.length).toBe(Math.ceil((2.8 + 1.6 + 0.2) * 100));
  expect(joined[0]).toBe(70); // the sample at 0.7 s
  expect(joined[280]).toBe(970); // the second piece starts with the sample at 9.7 s
  expect(toClipTime(3.0, pieces)).toBeCloseTo(9.9); // 0.2 s into the second piece
  expect(toClipTime(2.7, pieces)).toBeCloseTo(3.3); // inside the pause: end of the first piece
  expect(wordsToClipTime([{ word: "hi", start: 0.5, end: 3.1 }], pieces)).toEqual([{ word: "hi", start: 1.2, end: 10 }]);
});
