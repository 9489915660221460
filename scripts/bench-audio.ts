/**
 * Audio-pass benchmark: per clip and in total, how many times faster than realtime the whole
 * pass runs, next to a bare ffmpeg decode of the same audio (the floor). Also prints the music
 * evidence and speech/word counts, so the heuristics' calls can be checked clip by clip.
 *
 *   npx bun scripts/bench-audio.ts [clip paths…]   (default: every clip of ../shared/corpus/clips)
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { analyseAudio, loadAudioEngines } from "../src/analysis/audio/index.ts";
import { decodeAudio, PCM_RATE } from "../src/analysis/audio/decode.ts";
import { detectMusic } from "../src/analysis/audio/music.ts";
import { spectralFrames } from "../src/analysis/audio/spectral.ts";
import { runMedia } from "../src/media/exec.ts";
import { probe } from "../src/media/probe.ts";

export interface AudioBenchRow {
  clip: string;
  durationSeconds: number;
  hasAudio: boolean;
  /** Bare decode to 16 kHz mono PCM, seconds. */
  decodeSeconds: number;
  /** The whole audio pass, seconds. */
  passSeconds: number;
  speechSeconds: number;
  words: number;
  music: boolean;
  tonalShare: number;
  rhythm: number;
}

const CLIPS = join(import.meta.dir, "..", "..", "shared", "corpus", "clips");
const MEDIA = /\.(mp4|mkv|webm|avi|mpg|ogv|mov)$/;

/** Runs the audio pass over the clips (engines loaded once, before timing). */
export async function benchAudio(clips: string[]): Promise<{ rows: AudioBenchRow[]; total: { durationSeconds: number; decodeSeconds: number; passSeconds: number } }> {
  const engines = await loadAudioEngines();
  const rows: AudioBenchRow[] = [];
  for (const path of clips) {
    const p = await probe(path);
    let decodeSeconds = 0;
    if (p.hasAudio) {
      const t0 = performance.now();
      await runMedia(["ffmpeg", "-v", "error", "-nostdin", "-i", path, "-vn", "-ac", "1", "-ar", String(PCM_RATE), "-f", "f32le", "pipe:1"], { onStdout: () => {} });
      decodeSeconds = (performance.now() - t0) / 1000;
    }
    const t1 = performance.now();
    const a = await analyseAudio(path, p, { vad: engines.vad, transcriber: engines.transcriber });
    const passSeconds = (performance.now() - t1) / 1000;
    // The evidence behind the music call (recomputed outside the timing).
    let tonalShare = 0;
    let rhythm = 0;
    if (a.hasAudio && a.dominantFrequencyHz !== null) {
      const { pcm } = await decodeAudio(path, p.durationSeconds);
      const { frames, windows } = spectralFrames(pcm, PCM_RATE, a.speechSegments);
      ({ tonalShare, rhythm } = detectMusic(frames, windows, a.speechSegments));
    }
    rows.push({
      clip: basename(path),
      durationSeconds: p.durationSeconds,
      hasAudio: a.hasAudio,
      decodeSeconds,
      passSeconds,
      speechSeconds: a.speechSegments.reduce((s, r) => s + r.end - r.start, 0),
      words: a.words.length,
      music: a.hasBackgroundMusic,
      tonalShare,
      rhythm,
    });
  }
  const sum = (f: (r: AudioBenchRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  return { rows, total: { durationSeconds: sum((r) => r.durationSeconds), decodeSeconds: sum((r) => r.decodeSeconds), passSeconds: sum((r) => r.passSeconds) } };
}

const x = (d: number, t: number) => (t > 0 ? `${(d / t).toFixed(1)}×` : "-");

if (import.meta.main) {
  const args = process.argv.slice(2);
  const clips = args.length ? args : readdirSync(CLIPS).filter((f) => MEDIA.test(f)).sort().map((f) => join(CLIPS, f));
  const { rows, total } = await benchAudio(clips);
  const head = ["clip", "dur s", "decode s", "pass s", "pass ×RT", "decode ×RT", "speech s", "words", "music", "tonal", "rhythm"];
  const lines = rows.map((r) => [
    r.clip,
    r.durationSeconds.toFixed(1),
    r.hasAudio ? r.decodeSeconds.toFixed(2) : "no audio",
    r.passSeconds.toFixed(2),
    x(r.durationSeconds, r.passSeconds),
    r.hasAudio ? x(r.durationSeconds, r.decodeSeconds) : "-",
    r.speechSeconds.toFixed(1),
    String(r.words),
    r.music ? "yes" : "no",
    r.tonalShare.toFixed(2),
    r.rhythm.toFixed(2),
  ]);
  lines.push(["TOTAL", total.durationSeconds.toFixed(1), total.decodeSeconds.toFixed(2), total.passSeconds.toFixed(2), x(total.durationSeconds, total.passSeconds), x(total.durationSeconds, total.decodeSeconds), "", "", "", "", ""]);
  const width = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (l: string[]) => l.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join("  ");
  console.log([fmt(head), ...lines.map(fmt)].join("\n"));
}
