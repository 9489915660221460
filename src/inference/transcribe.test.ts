/** PocketSphinx on real speech, its output parser, WAV encoding and the word-accuracy measure. */
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLIPS } from "../../tests/support/cli.ts";
import { runMedia } from "../media/exec.ts";
import { createPocketsphinx, createTranscriber, encodeWav, parsePocketsphinx, pocketsphinxArgs, WHISPER_DIR, wordAccuracy } from "./transcribe.ts";

test("pocketsphinx arguments and its -time yes output", () => {
  expect(pocketsphinxArgs("/a.wav", "accurate")).toEqual([
    "pocketsphinx_continuous", "-infile", "/a.wav", "-time", "yes", "-logfn", "/dev/null",
    "-hmm", "/usr/share/pocketsphinx/model/en-us/en-us", "-lm", "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin", "-dict", "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict",
  ]);
  expect(pocketsphinxArgs("/a.wav").slice(-10)).toEqual(["-ds", "2", "-topn", "2", "-maxwpf", "5", "-maxhmmpf", "3000", "-pl_window", "5"]);
  // Captured from pocketsphinx 0.8+5prealpha on grid_speaker_brbk7n.wav.
  const out = "read by case seven now\n<s> 0.250 0.660 0.999400\nread 0.670 0.950 0.062862\nby 0.960 1.120 0.329451\nwill(2) 1.430 1.650 0.151099\n<sil> 2.010 2.130 0.241843\n[NOISE] 2.2 2.3 1\n</s> 2.140 2.510 1.000000\n";
  expect(parsePocketsphinx(out)).toEqual({
    text: "read by will",
    words: [
      { word: "read", start: 0.67, end: 0.95, confidence: 0.063 },
      { word: "by", start: 0.96, end: 1.12, confidence: 0.329 },
      { word: "will", start: 1.43, end: 1.65, confidence: 0.151 },
    ],
  });
});

test("word accuracy is 1 − WER over normalised words", () => {
  expect(wordAccuracy("Bin blue at F two now", "bin blue at f two now")).toBe(1);
  expect(wordAccuracy("bin blue at f two now", "bin red at f now")).toBeCloseTo(1 - 2 / 6);
  expect(wordAccuracy("a b", "x y z w v")).toBe(0);
  expect(wordAccuracy("", "")).toBe(1);
});

test("WAV encoding: 44-byte header, 16-bit little-endian samples, clipped; ffprobe reads it", async () => {
  const wav = encodeWav(new Float32Array([0, 0.5, -1, 2]), 16000);
  expect(wav.length).toBe(44 + 8);
  const v = new DataView(wav.buffer);
  expect([v.getInt16(44, true), v.getInt16(46, true), v.getInt16(48, true), v.getInt16(50, true)]).toEqual([0, 16384, -32767, 32767]);
  const dir = await mkdtemp(join(tmpdir(), "reelsmith-wav-"));
  try {
    await writeFile(join(dir, "a.wav"), encodeWav(new Float32Array(16000), 16000));
    const { stdout } = await runMedia(["ffprobe", "-v", "error", "-show_entries", "stream=sample_rate,channels,codec_name", "-of", "csv=p=0", join(dir, "a.wav")]);
    expect(new TextDecoder().decode(stdout).trim()).toBe("pcm_s16le,16000,1");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("PocketSphinx transcribes real speech handed over as PCM; the temp WAV is removed", async () => {
  const t = createPocketsphinx();
  if ("absent" in t) throw new Error(t.absent);
  const { stdout } = await runMedia(["ffmpeg", "-v", "error", "-i", join(CLIPS, "grid_speaker_lwbsza.mpg"), "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1"]);
  const pcm = new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.byteLength));
  const before = (await readdir(tmpdir())).filter((f) => f.startsWith("reelsmith-asr-")).length;
  const r = await t.transcribe(pcm);
  expect(r.words.length).toBeGreaterThan(2);
  expect(r.text).toContain("again"); // "lay white by s zero again": the last word is heard
  for (const w of r.words) expect(w.end).toBeLessThanOrEqual(3.05);
  expect((await readdir(tmpdir())).filter((f) => f.startsWith("reelsmith-asr-")).length).toBe(before);
});

test("a broken Whisper export in the models dir is reported with the reason; PocketSphinx stays", async () => {
  const dir = await mkdtemp(join(tmpdir(), "reelsmith-models-"));
  try {
    expect((await createTranscriber(dir)).notes).toEqual([]);
    await mkdir(join(dir, WHISPER_DIR, "onnx"), { recursive: true });
    for (const f of ["onnx/encoder_model_quantized.onnx", "onnx/decoder_model_merged_quantized.onnx", "tokenizer.json"]) await writeFile(join(dir, WHISPER_DIR, f), "");
    const { transcriber, notes } = await createTranscriber(dir);
    expect(notes[0]!.reason).toMatch(/cannot be used \(Whisper tokenizer .* is not a tokenizer.json/);
    expect("name" in transcriber && transcriber.name).toBe("pocketsphinx-en-us");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  expect(existsSync(dir)).toBe(false);
});
