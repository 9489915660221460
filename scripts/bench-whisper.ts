/**
 * Whisper benchmark: log-mel feature extraction per 30 s window (the exact mixed-radix 400-point
 * FFT used, next to a precomputed 400×201 DFT matrix for comparison), and a whole transcribe with
 * the tiny stand-in model (tests/fixtures/tiny-whisper.ts), which times our decode loop and
 * session plumbing, not a real model's compute. With a real export in REELSMITH_MODELS_DIR
 * (whisper-tiny-en/), that model is timed too.
 *
 *   npx bun scripts/bench-whisper.ts [clip]   (default: a corpus clip with speech)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { writeTinyWhisper } from "../tests/fixtures/tiny-whisper.ts";
import { runMedia } from "../src/media/exec.ts";
import { HOP, LogMelExtractor, N_FFT, N_FRAMES, N_SAMPLES } from "../src/inference/whisper/features.ts";
import { Whisper } from "../src/inference/whisper/model.ts";

const clip = process.argv[2] ?? join(import.meta.dir, "../../shared/corpus/clips/autoeditor_talking_over_slate.mp4");
const { stdout } = await runMedia(["ffmpeg", "-v", "error", "-i", clip, "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1"]);
const pcm = new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.byteLength - (stdout.byteLength % 4)));
const window = new Float32Array(N_SAMPLES);
for (let i = 0; i < N_SAMPLES; i++) window[i] = pcm[i % pcm.length]!; // a full 30 s window of real audio

const time = (runs: number, fn: () => unknown) => {
  fn(); // warm-up
  const t = performance.now();
  for (let i = 0; i < runs; i++) fn();
  return (performance.now() - t) / runs;
};

const ex = new LogMelExtractor(80);
const fftMs = time(5, () => ex.extract(window));

// The alternative: a precomputed DFT matrix (power spectrum only), same framing.
const cos = new Float64Array(201 * N_FFT);
const sin = new Float64Array(201 * N_FFT);
for (let k = 0; k < 201; k++) for (let j = 0; j < N_FFT; j++) {
  cos[k * N_FFT + j] = Math.cos((2 * Math.PI * k * j) / N_FFT);
  sin[k * N_FFT + j] = Math.sin((2 * Math.PI * k * j) / N_FFT);
}
const frame = new Float64Array(N_FFT);
const power = new Float64Array(201);
const dftMs = time(2, () => {
  for (let t = 0; t < N_FRAMES; t++) {
    for (let j = 0; j < N_FFT; j++) frame[j] = window[Math.min(t * HOP + j, N_SAMPLES - 1)]!;
    for (let k = 0; k < 201; k++) {
      let re = 0;
      let im = 0;
      const o = k * N_FFT;
      for (let j = 0; j < N_FFT; j++) {
        re += frame[j]! * cos[o + j]!;
        im += frame[j]! * sin[o + j]!;
      }
      power[k] = re * re + im * im;
    }
  }
});

console.log(`features per 30 s window: ${fftMs.toFixed(1)} ms (mixed-radix FFT, whole log-mel); DFT-matrix spectra alone: ${dftMs.toFixed(1)} ms`);

const root = mkdtempSync(join(tmpdir(), "reelsmith-bench-whisper-"));
try {
  const tiny = await Whisper.load(ort, writeTinyWhisper(root));
  const audio = pcm.subarray(0, Math.min(pcm.length, N_SAMPLES));
  await tiny.transcribe(audio);
  const runs = 5;
  const t = performance.now();
  let steps = 0;
  for (let i = 0; i < runs; i++) steps += (await tiny.transcribe(audio)).steps.length;
  const totalMs = (performance.now() - t) / runs;
  console.log(`tiny stand-in transcribe of ${(audio.length / 16000).toFixed(1)} s: ${totalMs.toFixed(1)} ms (features ${fftMs.toFixed(1)} ms + encoder + ${steps / runs} decoder steps)`);
  await tiny.release();
  const real = process.env.REELSMITH_MODELS_DIR ? join(process.env.REELSMITH_MODELS_DIR, "whisper-tiny-en") : null;
  if (real) {
    const w = await Whisper.load(ort, real).catch((e: Error) => (console.log(`real model not usable: ${e.message}`), null));
    if (w) {
      const t0 = performance.now();
      const r = await w.transcribe(pcm);
      console.log(`whisper-tiny-en on ${(pcm.length / 16000).toFixed(1)} s: ${(performance.now() - t0).toFixed(0)} ms, ${r.steps.length} decoder steps: ${r.text.slice(0, 120)}`);
      await w.release();
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
