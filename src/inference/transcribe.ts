/**
 * Speech to text behind one interface. Default: CMU PocketSphinx from Debian (bookworm ships
 * 0.8+5prealpha: `pocketsphinx_continuous -infile x.wav -time yes`, not the 5.x `single` CLI).
 * A Whisper ONNX export in the models dir (./whisper) is preferred when its files load; when they
 * do not, the reason is reported and PocketSphinx stays in use.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WordTime } from "../analysis/types.ts";
import { FfmpegError, runMedia } from "../media/exec.ts";
import { Whisper, WHISPER_FILES } from "./whisper/model.ts";

export interface Transcript {
  text: string;
  words: WordTime[];
}

export interface Transcriber {
  name: string;
  /** Transcribes a 16 kHz mono WAV file, or 16 kHz mono float PCM (written to a temp WAV). */
  transcribe(input: string | Float32Array, signal?: AbortSignal): Promise<Transcript>;
}

const MODEL = "/usr/share/pocketsphinx/model/en-us";
export const POCKETSPHINX = {
  bin: "pocketsphinx_continuous",
  hmm: `${MODEL}/en-us`,
  lm: `${MODEL}/en-us.lm.bin`,
  dict: `${MODEL}/cmudict-en-us.dict`,
};

/**
 * Beam and frame-skip settings. "fast" is the recogniser's own low-latency recipe (CMU's
 * pocketsphinx tuning notes: frame downsampling 2, top-2 Gaussians, narrower word/HMM beams and a
 * phone-loop lookahead); measured on the corpus in scripts/bench-audio.ts it is ~3× faster than
 * the defaults (which run at about 1× realtime on the film dialogue) for a similar word accuracy.
 */
export const POCKETSPHINX_PRESETS = {
  accurate: [] as string[],
  fast: ["-ds", "2", "-topn", "2", "-maxwpf", "5", "-maxhmmpf", "3000", "-pl_window", "5"],
} as const;
export type PocketsphinxPreset = keyof typeof POCKETSPHINX_PRESETS;

/** The exact pocketsphinx_continuous arguments (unit-tested). */
export function pocketsphinxArgs(wavPath: string, preset: PocketsphinxPreset = "fast"): string[] {
  return [POCKETSPHINX.bin, "-infile", wavPath, "-time", "yes", "-logfn", "/dev/null", "-hmm", POCKETSPHINX.hmm, "-lm", POCKETSPHINX.lm, "-dict", POCKETSPHINX.dict, ...POCKETSPHINX_PRESETS[preset]];
}

/**
 * Parses pocketsphinx's `-time yes` output: a hypothesis line, then "word start end confidence"
 * lines; fillers (<s>, </s>, <sil>, [NOISE], ++GARBAGE++) dropped, alternates "to(3)" folded to "to".
 */
export function parsePocketsphinx(out: string): Transcript {
  const words: WordTime[] = [];
  for (const line of out.split("\n")) {
    const m = line.trim().match(/^(\S+)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+(?:\.\d+)?)$/);
    if (!m) continue;
    const word = m[1]!.replace(/\(\d+\)$/, "");
    if (/^(<.*>|\[.*\]|\+\+.*\+\+)$/.test(word)) continue;
    words.push({ word, start: Number(m[2]), end: Number(m[3]), confidence: Math.round(Number(m[4]) * 1000) / 1000 });
  }
  return { text: words.map((w) => w.word).join(" "), words };
}

/** 16-bit PCM mono WAV bytes from float samples in −1..1 (clipped). */
export function encodeWav(pcm: Float32Array, rate: number): Uint8Array {
  const out = new Uint8Array(44 + pcm.length * 2);
  const v = new DataView(out.buffer);
  const str = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  str(0, "RIFF");
  v.setUint32(4, 36 + pcm.length * 2, true);
  str(8, "WAVEfmt ");
  v.setUint32(16, 16, true); // fmt chunk size
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  str(36, "data");
  v.setUint32(40, pcm.length * 2, true);
  for (let i = 0; i < pcm.length; i++) v.setInt16(44 + i * 2, Math.max(-32768, Math.min(32767, Math.round(pcm[i]! * 32767))), true);
  return out;
}

/** Runs `fn` on a temp WAV holding `pcm` (or on the given path); the temp file is removed in finally. */
export async function withWav<T>(input: string | Float32Array, fn: (path: string) => Promise<T>): Promise<T> {
  if (typeof input === "string") return fn(input);
  const path = join(tmpdir(), `reelsmith-asr-${process.pid}-${crypto.randomUUID()}.wav`);
  try {
    await Bun.write(path, encodeWav(input, 16000));
    return await fn(path);
  } finally {
    await rm(path, { force: true });
  }
}

/** PocketSphinx, or the reason it cannot run here. */
export function createPocketsphinx(preset: PocketsphinxPreset = "fast"): Transcriber | { absent: string } {
  if (!existsSync(POCKETSPHINX.lm) || !existsSync(POCKETSPHINX.hmm)) return { absent: "pocketsphinx English model not installed (Debian pocketsphinx-en-us)" };
  return {
    name: preset === "fast" ? "pocketsphinx-en-us" : `pocketsphinx-en-us-${preset}`,
    transcribe: (input, signal) =>
      withWav(input, async (wav) => {
        try {
          const { stdout } = await runMedia(pocketsphinxArgs(wav, preset), { signal });
          return parsePocketsphinx(new TextDecoder().decode(stdout));
        } catch (err) {
          if (err instanceof FfmpegError && err.exitCode === null && !signal?.aborted) {
            throw new Error("pocketsphinx_continuous cannot be started (install Debian pocketsphinx)", { cause: err });
          }
          // pocketsphinx exits 1 when it hears no utterance at all (e.g. clipped noise): no words.
          if (err instanceof FfmpegError && err.exitCode === 1) return { text: "", words: [] };
          throw err;
        }
      }),
  };
}

/** Whisper ONNX export as `models pull whisper-tiny-en` lays it out. */
export const WHISPER_DIR = "whisper-tiny-en";
const WHISPER_REQUIRED = Object.values(WHISPER_FILES);

/** 16 kHz mono float PCM of a WAV (or any audio) file, through ffmpeg. */
async function pcmOfFile(path: string, signal?: AbortSignal): Promise<Float32Array> {
  const { stdout } = await runMedia(["ffmpeg", "-v", "error", "-i", path, "-vn", "-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1"], { signal });
  return new Float32Array(stdout.buffer.slice(stdout.byteOffset, stdout.byteOffset + stdout.byteLength - (stdout.byteLength % 4)));
}

/** A loaded Whisper behind the Transcriber interface. */
export function whisperTranscriber(model: Whisper, name = WHISPER_DIR): Transcriber {
  return {
    name,
    async transcribe(input, signal) {
      const pcm = typeof input === "string" ? await pcmOfFile(input, signal) : input;
      const r = await model.transcribe(pcm, signal);
      return { text: r.text, words: r.words };
    },
  };
}

/**
 * Picks the recogniser: Whisper when its files are in modelsDir and load (sessions opened, names
 * and shapes checked), else PocketSphinx. `notes` says what was skipped and why.
 */
export async function createTranscriber(modelsDir?: string): Promise<{ transcriber: Transcriber | { absent: string }; notes: { signal: string; reason: string }[] }> {
  const notes: { signal: string; reason: string }[] = [];
  const whisper = modelsDir ? join(modelsDir, WHISPER_DIR) : null;
  if (whisper && WHISPER_REQUIRED.every((f) => existsSync(join(whisper, f)))) {
    try {
      const ort = await import("onnxruntime-node");
      return { transcriber: whisperTranscriber(await Whisper.load(ort, whisper)), notes };
    } catch (err) {
      notes.push({ signal: "whisper_transcript", reason: `Whisper files in ${whisper} cannot be used (${(err as Error).message.split("\n")[0]}); PocketSphinx used` });
    }
  }
  return { transcriber: createPocketsphinx(), notes };
}

const normalise = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);

/** Word accuracy 1 − WER (Levenshtein over words, case and punctuation ignored), floored at 0. */
export function wordAccuracy(reference: string, hypothesis: string): number {
  const r = normalise(reference);
  const h = normalise(hypothesis);
  if (r.length === 0) return h.length === 0 ? 1 : 0;
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    prev = cur;
  }
  return Math.max(0, 1 - prev[h.length]! / r.length);
}
