/**
 * The Whisper path with a TINY STAND-IN model (tests/fixtures/tiny-whisper.ts: same input/output
 * names and KV-cache conventions as Xenova/whisper-tiny.en, weights built so greedy decoding gives
 * a known, audio-dependent token sequence). Real features of a real corpus clip, real
 * onnxruntime-node sessions, the real KV-cache loop and timestamp decoding.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { writeTinyWhisper } from "../../../tests/fixtures/tiny-whisper.ts";
import { runMedia } from "../../media/exec.ts";
import { createTranscriber } from "../transcribe.ts";
import { spreadWords, Whisper } from "./model.ts";

const CLIPS = join(import.meta.dir, "../../../../shared/corpus/clips");
let root: string;
let whisper: Whisper;

async function pcmOf(name: string): Promise<Float32Array> {
  const { stdout } = await runMedia(["ffmpeg", "-v", "error", "-i", join(CLIPS, name), "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1"]);
  return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.byteLength - (stdout.byteLength % 4)));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "reelsmith-whisper-"));
  whisper = await Whisper.load(ort, writeTinyWhisper(join(root, "models")));
});
afterAll(async () => {
  await whisper?.release();
  rmSync(root, { recursive: true, force: true });
});

test("tiny stand-in Whisper: a real speech clip decodes through the KV cache to timed words", async () => {
  const pcm = await pcmOf("autoeditor_talking_over_slate.mp4");
  const r = await whisper.transcribe(pcm.subarray(0, 16000 * 5));
  expect(r.text).toBe("hello world");
  expect(r.segments).toEqual([{ start: 0, end: 1, text: "hello world" }]);
  // Spread by character length: both words have 5 letters.
  expect(r.words).toEqual([
    { word: "hello", start: 0, end: 0.5 },
    { word: "world", start: 0.5, end: 1 },
  ]);
  // First step without cache, every later one with it and a growing past.
  expect(r.steps.map((s) => s.cache)).toEqual([false, true, true, true, true]);
  expect(r.steps.map((s) => s.pastLength)).toEqual([0, 1, 2, 3, 4]);
});

test("tiny stand-in Whisper: digital silence takes the other branch, and each 30 s window is decoded at its offset", async () => {
  const silence = new Float32Array(16000 * 35); // two windows: 0–30 s and 30–35 s
  const r = await whisper.transcribe(silence);
  expect(r.segments).toEqual([
    { start: 0, end: 1, text: "quiet world" },
    { start: 30, end: 31, text: "quiet world" },
  ]);
  expect(r.words.map((w) => [w.word, w.start])).toEqual([
    ["quiet", 0],
    ["world", 0.5],
    ["quiet", 30],
    ["world", 30.5],
  ]);
});

test("suppress_tokens from generation_config.json are never generated", async () => {
  const dir = writeTinyWhisper(join(root, "suppressed"), { generationConfig: { suppress_tokens: [1] } }); // " world"
  const w = await Whisper.load(ort, dir);
  try {
    const r = await w.transcribe(new Float32Array(16000));
    expect(r.text).not.toContain("world");
    expect(r.text.startsWith("quiet")).toBe(true);
  } finally {
    await w.release();
  }
});

test("words are spread over a segment by character length", () => {
  expect(spreadWords({ start: 2, end: 4, text: "a bbb" })).toEqual([
    { word: "a", start: 2, end: 2.5 },
    { word: "bbb", start: 2.5, end: 4 },
  ]);
});

test("createTranscriber picks Whisper with the files present, and falls back to PocketSphinx with the reason when they are broken", async () => {
  const good = join(root, "pick");
  writeTinyWhisper(good);
  const picked = await createTranscriber(good);
  expect("name" in picked.transcriber && picked.transcriber.name).toBe("whisper-tiny-en");
  if (!("name" in picked.transcriber)) throw new Error("no transcriber");
  const t = await picked.transcriber.transcribe(new Float32Array(16000));
  expect(t.text).toBe("quiet world");

  const broken = join(root, "broken");
  const dir = writeTinyWhisper(broken);
  truncateSync(join(dir, "onnx", "decoder_model_merged_quantized.onnx"), 40);
  const fallback = await createTranscriber(broken);
  expect("name" in fallback.transcriber && fallback.transcriber.name).not.toBe("whisper-tiny-en");
  expect(fallback.notes.length).toBe(1);
  expect(fallback.notes[0]!.signal).toBe("whisper_transcript");
  expect(fallback.notes[0]!.reason).toContain("decoder_model_merged_quantized.onnx cannot be opened");
});
