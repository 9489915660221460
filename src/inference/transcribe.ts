/**
 * Speech to text behind one interface. Default: CMU PocketSphinx from Debian (word times with
 * `-time yes`). A Whisper ONNX model in the models dir would slot in here as another Transcriber.
 */
import { existsSync } from "node:fs";
import type { WordTime } from "../analysis/types.ts";
import { runMedia } from "../media/exec.ts";

export interface Transcriber {
  name: string;
  /** Transcribes a 16 kHz mono WAV file. */
  transcribe(wavPath: string, signal?: AbortSignal): Promise<{ text: string; words: WordTime[] }>;
}

const MODEL = "/usr/share/pocketsphinx/model/en-us";
export const POCKETSPHINX = {
  bin: "pocketsphinx_continuous",
  hmm: `${MODEL}/en-us`,
  lm: `${MODEL}/en-us.lm.bin`,
  dict: `${MODEL}/cmudict-en-us.dict`,
};

/** The exact pocketsphinx_continuous arguments (unit-tested). */
export function pocketsphinxArgs(wavPath: string): string[] {
  return [POCKETSPHINX.bin, "-infile", wavPath, "-time", "yes", "-logfn", "/dev/null", "-hmm", POCKETSPHINX.hmm, "-lm", POCKETSPHINX.lm, "-dict", POCKETSPHINX.dict];
}

/**
 * Parses pocketsphinx's `-time yes` output: a hypothesis line, then "word start end confidence"
 * lines; fillers (<s>, </s>, <sil>, [NOISE]) dropped, alternates "to(3)" folded to "to".
 */
export function parsePocketsphinx(out: string): { text: string; words: WordTime[] } {
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

/** PocketSphinx, or the reason it cannot run here. */
export function createPocketsphinx(): Transcriber | { absent: string } {
  if (!existsSync(POCKETSPHINX.lm) || !existsSync(POCKETSPHINX.hmm)) return { absent: "pocketsphinx English model not installed (Debian pocketsphinx-en-us)" };
  return {
    name: "pocketsphinx-en-us",
    async transcribe(wavPath, signal) {
      try {
        const { stdout } = await runMedia(pocketsphinxArgs(wavPath), { signal });
        return parsePocketsphinx(new TextDecoder().decode(stdout));
      } catch (err) {
        if (/ENOENT|cannot start/.test((err as Error).message)) throw new Error("pocketsphinx_continuous not installed (Debian pocketsphinx)");
        throw err;
      }
    },
  };
}
