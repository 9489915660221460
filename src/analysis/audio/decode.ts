/**
 * One ffmpeg run per clip for all audio: the first audio stream is split; one branch goes
 * through ebur128 (EBU R128 loudness, true peak) and silencedetect, whose results come on
 * stderr; the other is resampled to 16 kHz mono float PCM on stdout for the analysers in JS.
 */
import type { TimeRange } from "../types.ts";
import { runMedia } from "../../media/exec.ts";

export const PCM_RATE = 16000;
/** −50 dBFS for 0.5 s: quieter than room tone, so only real silence (or a muted track) counts. */
export const SILENCE_DB = -50;

export function audioArgs(ffmpegPath: string, path: string): string[] {
  return [
    ffmpegPath,
    "-hide_banner",
    "-nostdin",
    "-nostats",
    "-v",
    "info",
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

export interface LoudnessReport {
  integrated: number | null;
  range: number | null;
  truePeak: number | null;
  /** Short-term loudness (3 s window) every 0.25 s. */
  shortTerm: { time: number; lufs: number }[];
  silences: TimeRange[];
}

/** Parses ebur128's per-frame lines and summary, and silencedetect's lines, from stderr. */
export function parseLoudness(stderr: string, duration: number): LoudnessReport {
  const shortTerm: { time: number; lufs: number }[] = [];
  let nextT = 0;
  for (const m of stderr.matchAll(/t:\s*([\d.]+)\s+TARGET:\S+\s+LUFS\s+M:\s*(-?[\d.]+|-inf)\s+S:\s*(-?[\d.]+|-inf)/g)) {
    const t = Number(m[1]);
    if (t + 1e-6 < nextT) continue;
    const s = m[3] === "-inf" ? -70 : Math.max(-70, Number(m[3]));
    shortTerm.push({ time: Math.round(t * 100) / 100, lufs: Math.round(s * 10) / 10 });
    nextT = t + 0.25;
  }
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const num = (re: RegExp) => {
    const m = summary.match(re);
    if (!m) return null;
    const v = Number(m[1]);
    return Number.isFinite(v) ? v : null;
  };
  const silences: TimeRange[] = [];
  let open: number | null = null;
  for (const m of stderr.matchAll(/silence_(start|end):\s*(-?[\d.]+)/g)) {
    if (m[1] === "start") open = Math.max(0, Number(m[2]));
    else if (open !== null) {
      silences.push({ start: open, end: Number(m[2]) });
      open = null;
    }
  }
  if (open !== null) silences.push({ start: open, end: duration });
  const integrated = summary.includes("Summary:") ? num(/I:\s*(-?[\d.]+|-inf)\s*LUFS/) : null;
  return {
    integrated: integrated === null || integrated <= -70 ? (summary.includes("Summary:") ? -70 : null) : integrated,
    range: num(/LRA:\s*([\d.]+)\s*LU/),
    truePeak: num(/Peak:\s*(-?[\d.]+|-inf)\s*dBFS/),
    shortTerm,
    silences: silences.map((s) => ({ start: Math.round(s.start * 1000) / 1000, end: Math.round(s.end * 1000) / 1000 })),
  };
}

/** Decodes the audio once; returns 16 kHz mono PCM and the loudness/silence report. */
export async function decodeAudio(path: string, duration: number, opts: { ffmpegPath?: string; signal?: AbortSignal } = {}): Promise<{ pcm: Float32Array; report: LoudnessReport }> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  const { stderr } = await runMedia(audioArgs(opts.ffmpegPath ?? "ffmpeg", path), {
    signal: opts.signal,
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
