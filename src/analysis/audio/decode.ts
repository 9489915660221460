/**
 * One ffmpeg run per clip for all audio: the first audio stream is split; one branch goes
 * through ebur128 (EBU R128 loudness, true peak) and silencedetect, whose results come on
 * stderr; the other is resampled to 16 kHz mono float PCM on stdout for the analysers in JS.
 */
import { type FfmpegProgress, runMedia } from "../../media/exec.ts";
import { type LoudnessReport, parseLoudness } from "./loudness.ts";

export const PCM_RATE = 16000;
/** −50 dBFS for 0.5 s: quieter than room tone, so only real silence (or a muted track) counts. */
export const SILENCE_DB = -50;

/** The exact ffmpeg arguments of the one audio decode (checked in unit tests). */
export function audioArgs(ffmpegPath: string, path: string): string[] {
  return [
    ffmpegPath,
    "-hide_banner",
    "-nostdin",
    "-nostats",
    // ebur128 and silencedetect report at level info; -progress adds key=value blocks for onProgress.
    "-v",
    "info",
    "-progress",
    "pipe:2",
    "-i",
    path,
    "-vn",
    "-sn",
    "-filter_complex",
    `[0:a:0]asplit=2[m][p];[m]ebur128=peak=true,silencedetect=noise=${SILENCE_DB}dB:d=0.5,anullsink;[p]aresample=${PCM_RATE},aformat=sample_fmts=flt:channel_layouts=mono[pcm]`,
    "-map",
    "[pcm]",
    "-f",
    "f32le",
    "pipe:1",
  ];
}

/** Decodes the audio once; returns 16 kHz mono PCM and the loudness/silence report. */
export async function decodeAudio(
  path: string,
  duration: number,
  opts: { ffmpegPath?: string; signal?: AbortSignal; onProgress?: (p: FfmpegProgress) => void } = {},
): Promise<{ pcm: Float32Array; report: LoudnessReport }> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const { stderr } = await runMedia(audioArgs(opts.ffmpegPath ?? "ffmpeg", path), {
    signal: opts.signal,
    durationSeconds: duration || undefined,
    onProgress: opts.onProgress,
    // ebur128 logs ten lines a second; keep them all for the loudness curve.
    stderrLimit: 32 * 1024 * 1024,
    onStdout: (c) => {
      chunks.push(c.slice());
      bytes += c.length;
    },
  });
  const all = new Uint8Array(bytes - (bytes % 4));
  let off = 0;
  for (const c of chunks) {
    const n = Math.min(c.length, all.length - off);
    all.set(c.subarray(0, n), off);
    off += n;
  }
  const pcm = new Float32Array(all.buffer, 0, all.length / 4);
  return { pcm, report: parseLoudness(stderr, duration || pcm.length / PCM_RATE) };
}
